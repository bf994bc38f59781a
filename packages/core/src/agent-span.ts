import { context, createContextKey, propagation, SpanKind, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { getActiveAgent, resolveAgent, setActiveAgent, type AgentIdentity } from './agent-context';
import { resolveContentPolicy, type ContentCaptureOptions } from './content';
import type { ToolCallCheck } from './guard';
import { HandoffRefusedError } from './errors';
import { attestAgent, getHandoffAuthority, isAttestedAgent, type HandoffCheck } from './handoff';
import { reportInternalError, safely } from './registry';
import * as A from './semconv';
import { boundedName } from './names';
import { recordSpanFailure } from './span-failure';
import { StreamWatch, type StreamWatchOptions } from './stream-watch';
import { enforceToolPolicy } from './tool-policy';
import type { StreamOutcome } from './model-call-span';
import { wardenTracer } from './tracer';

const TRACER_SCOPE = '@warden/core';
// The caller identity that arrived over the wire: kept apart from the active agent so that
// code running in the callee before its own traceAgent is not attributed to the caller.
const REMOTE_CALLER_KEY = createContextKey('warden.remote_caller_agent');
const REMOTE_HANDOFF_TOKEN_KEY = createContextKey('warden.remote_handoff_token');

export interface TraceAgentOptions<A extends unknown[] = unknown[]> extends StreamWatchOptions {
  id?: string;
  version?: string;
  description?: string;
  promptVersion?: string;
  /** The conversation this invocation belongs to; a function reads it from the call's arguments. Defaults to the caller's. */
  conversationId?: string | ((...args: A) => string | undefined);
  /** Span kind; INTERNAL in process, SERVER by default when the parent span came over the wire. */
  spanKind?: SpanKind;
}

export interface TraceToolOptions<A extends unknown[] = unknown[]> extends ContentCaptureOptions, StreamWatchOptions {
  /** gen_ai.tool.type: function (default), extension or datastore. */
  type?: string;
  description?: string;
  /** The model's tool-call id; a function reads it from the call's arguments. */
  callId?: string | ((...args: A) => string | undefined);
  /** The MCP server that provides this tool, when it is one; policies check it. */
  mcpServer?: string;
  /** Agent to attribute the call to when no agent is active in context. */
  agent?: string | AgentIdentity;
  /** Who traces the call, as the ToolGuard sees it; a framework integration also stamps it as warden.source. */
  source?: ToolCallCheck['source'];
}

type AsyncIterableObject = object & { [Symbol.asyncIterator](): AsyncIterator<unknown> };

function isAsyncIterable(v: unknown): v is AsyncIterableObject {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as Partial<AsyncIterableObject>)[Symbol.asyncIterator] === 'function';
}

function endSpan(span: Span, outcome?: StreamOutcome): void {
  safely('core.agentSpan.end', () => {
    if (outcome) span.setAttribute(A.ATTR_WARDEN_STREAM_OUTCOME, outcome);
    span.end();
  });
}

/**
 * Makes every pull of `stream` run inside `ctx` (so work done lazily by a generator keeps
 * the agent identity and span parentage) and calls `onEnd` once when it ends. The same
 * object is returned to the app: its own iterator methods are shadowed, nothing else.
 */
function bindStream(stream: AsyncIterableObject, ctx: Context, options: StreamWatchOptions, onEnd: (outcome: StreamOutcome, error?: unknown) => void): boolean {
  const watch = new StreamWatch<unknown>({ onChunk: () => undefined, onEnd }, options);
  const source = stream as AsyncIterableObject & Partial<AsyncIterator<unknown>>;
  const getIterator = source[Symbol.asyncIterator];
  const bound = (
    it: AsyncIterator<unknown>,
    next: AsyncIterator<unknown>['next'],
    ret?: AsyncIterator<unknown>['return'],
    thr?: AsyncIterator<unknown>['throw'],
  ) =>
    watch.wrap({
      next: (...args: [] | [unknown]) => context.with(ctx, () => next.apply(it, args)),
      return: ret ? (value?: unknown) => context.with(ctx, () => ret.call(it, value)) : undefined,
      throw: thr ? (err?: unknown) => context.with(ctx, () => thr.call(it, err)) : undefined,
    } as AsyncIterator<unknown>);
  try {
    if (Object.prototype.toString.call(source) === '[object AsyncGenerator]' && typeof source.next === 'function') {
      // A generator object iterates itself: shadow next/return/throw so direct calls are seen too.
      const wrapped = bound(source as AsyncIterator<unknown>, source.next, source.return, source.throw);
      Object.defineProperties(source, {
        next: { value: wrapped.next, configurable: true, writable: true },
        return: { value: wrapped.return, configurable: true, writable: true },
        throw: { value: wrapped.throw, configurable: true, writable: true },
        [Symbol.asyncIterator]: { value: () => source, configurable: true, writable: true },
      });
    } else {
      Object.defineProperty(source, Symbol.asyncIterator, {
        value: () => {
          const it = context.with(ctx, () => getIterator.call(source));
          return bound(it, it.next, it.return, it.throw);
        },
        configurable: true,
        writable: true,
      });
    }
    watch.watchOwner(stream);
    return true;
  } catch (e) {
    // A frozen or exotic stream cannot be watched: end the span now rather than leak it.
    reportInternalError('core.agentSpan.bindStream', e);
    watch.finish('completed');
    return false;
  }
}

/**
 * Ends `span` when `result` settles (or, for a stream, when it is consumed) and returns
 * `result` itself: the same value, the same promise, the same stream object.
 */
function settle<R>(result: R, span: Span, ctx: Context, options: StreamWatchOptions, onValue: (value: unknown) => void): R {
  const finishValue = (value: unknown): void => {
    if (isAsyncIterable(value)) {
      bindStream(value, ctx, options, (outcome, error) => {
        if (outcome === 'error' || outcome === 'aborted') recordSpanFailure(span, error);
        endSpan(span, outcome);
      });
      return;
    }
    safely('core.agentSpan.onValue', () => onValue(value));
    endSpan(span);
  };
  // Only real promises: calling then() on a lazy thenable (a query builder) would run it twice.
  if (result instanceof Promise) {
    result.then(finishValue, (err: unknown) => {
      recordSpanFailure(span, err);
      endSpan(span);
    });
    return result;
  }
  finishValue(result);
  return result;
}

function pick<A extends unknown[]>(v: string | ((...args: A) => string | undefined) | undefined, args: A): string | undefined {
  if (typeof v !== 'function') return v;
  return safely('core.agentSpan.option', () => v(...args));
}

/**
 * Wraps an agent: each call is an `invoke_agent {name}` span whose identity is the active
 * agent inside `fn` (through await, timers and streams), so model and tool calls made
 * inside carry it without passing it. Called inside another agent (in process, or under a
 * context from `extractAgentContext`), the span records the caller's identity too.
 * Returns/throws exactly what `fn` does, synchronously when `fn` is synchronous.
 */
export function traceAgent<A extends unknown[], R>(name: string, fn: (...args: A) => R, opts: TraceAgentOptions<A> = {}): (...args: A) => R {
  return function tracedAgent(this: unknown, ...args: A): R {
    let span: Span | undefined;
    let ctx: Context | undefined;
    let refusal: HandoffRefusedError | undefined;
    try {
      const parent = context.active();
      const localCaller = getActiveAgent(parent);
      const caller = localCaller ?? (parent.getValue(REMOTE_CALLER_KEY) as AgentIdentity | undefined);
      const identity: AgentIdentity = { name };
      if (opts.id) identity.id = opts.id;
      if (opts.version) identity.version = opts.version;
      if (opts.description) identity.description = opts.description;
      if (opts.promptVersion) identity.promptVersion = opts.promptVersion;
      const conversationId = pick(opts.conversationId, args) ?? caller?.conversationId;
      if (conversationId) identity.conversationId = conversationId;
      const attrs: Attributes = { [A.ATTR_GEN_AI_OPERATION_NAME]: A.GEN_AI_OPERATION.INVOKE_AGENT, [A.ATTR_GEN_AI_AGENT_NAME]: boundedName(name) };
      if (identity.id) attrs[A.ATTR_GEN_AI_AGENT_ID] = boundedName(identity.id);
      if (identity.version) attrs[A.ATTR_GEN_AI_AGENT_VERSION] = boundedName(identity.version);
      if (identity.description) attrs[A.ATTR_GEN_AI_AGENT_DESCRIPTION] = identity.description;
      if (identity.promptVersion) attrs[A.ATTR_WARDEN_PROMPT_VERSION] = boundedName(identity.promptVersion);
      if (conversationId) attrs[A.ATTR_GEN_AI_CONVERSATION_ID] = boundedName(conversationId);
      if (caller) {
        attrs[A.ATTR_WARDEN_CALLER_AGENT_NAME] = boundedName(caller.name);
        if (caller.id) attrs[A.ATTR_WARDEN_CALLER_AGENT_ID] = boundedName(caller.id);
      }
      const remoteParent = trace.getSpanContext(parent)?.isRemote === true;
      const kind = opts.spanKind ?? (remoteParent ? SpanKind.SERVER : SpanKind.INTERNAL);
      span = wardenTracer(TRACER_SCOPE).startSpan(`${A.GEN_AI_OPERATION.INVOKE_AGENT} ${boundedName(name)}`, { kind, attributes: attrs }, parent);
      attestAgent(identity);
      ctx = setActiveAgent(trace.setSpan(parent, span), identity);
      if (caller) refusal = checkHandoff(span, caller, name, localCaller !== undefined, parent);
    } catch (e) {
      reportInternalError('core.traceAgent.start', e);
    }
    if (refusal && span) {
      recordSpanFailure(span, refusal);
      endSpan(span);
      throw refusal;
    }
    if (!span || !ctx) return fn.apply(this, args);
    const s = span;
    let result: R;
    try {
      result = context.with(ctx, () => fn.apply(this, args));
    } catch (err) {
      recordSpanFailure(s, err);
      endSpan(s);
      throw err;
    }
    return settle(result, s, ctx, opts, () => undefined);
  };
}

/**
 * With an identity authority installed, checks the caller's signature on this hand-off and
 * records the verdict on the callee's span. In process, the caller signs here when it is an
 * identity traceAgent established (a name claimed with withAgent() cannot sign); over the
 * wire, the token came in baggage. Returns the refusal to throw (enforce mode), if any.
 */
function checkHandoff(span: Span, caller: AgentIdentity, callee: string, inProcess: boolean, parent: Context): HandoffRefusedError | undefined {
  const authority = getHandoffAuthority();
  if (!authority) return undefined;
  const traceId = span.spanContext().traceId;
  const now = Date.now();
  const token = inProcess
    ? isAttestedAgent(caller)
      ? authority.sign({ caller: caller.name, callee, traceId, time: now })
      : undefined
    : (parent.getValue(REMOTE_HANDOFF_TOKEN_KEY) as string | undefined);
  const check: HandoffCheck = authority.verify({ caller: caller.name, callee, traceId }, token, now);
  span.setAttribute(A.ATTR_WARDEN_HANDOFF_IDENTITY, check.verdict);
  if (check.verdict === 'verified' || authority.mode !== 'enforce') return undefined;
  return new HandoffRefusedError({ caller: caller.name, callee, verdict: check.verdict, reason: check.reason });
}

function toolArguments(args: unknown[]): unknown {
  return args.length === 1 ? args[0] : args;
}

/**
 * Wraps a tool: each call is an `execute_tool {name}` span attributed to the active agent.
 * Before `fn` runs, the installed ToolGuard (policies) checks the call; a decision carrying
 * an `error` (enforce mode) is thrown instead of running `fn`. The traced tool is always
 * async because that check may wait for a human approval; it resolves/rejects with exactly
 * what `fn` returns/throws (a returned stream is the same object, watched until consumed).
 * Arguments (the single argument, or the argument list) and the result are recorded only
 * when content capture is on.
 */
export function traceTool<A extends unknown[], R>(name: string, fn: (...args: A) => R, opts: TraceToolOptions<A> = {}): (...args: A) => Promise<Awaited<R>> {
  return async function tracedTool(this: unknown, ...args: A): Promise<Awaited<R>> {
    let span: Span | undefined;
    let ctx: Context | undefined;
    let agent: AgentIdentity | undefined;
    let callId: string | undefined;
    const content = safely('core.traceTool.content', () => resolveContentPolicy(opts));
    try {
      const parent = context.active();
      agent = resolveAgent(opts.agent);
      callId = pick(opts.callId, args);
      const attrs: Attributes = {
        [A.ATTR_GEN_AI_OPERATION_NAME]: A.GEN_AI_OPERATION.EXECUTE_TOOL,
        [A.ATTR_GEN_AI_TOOL_NAME]: boundedName(name),
        [A.ATTR_GEN_AI_TOOL_TYPE]: opts.type ?? 'function',
      };
      if (callId) attrs[A.ATTR_GEN_AI_TOOL_CALL_ID] = boundedName(callId);
      if (opts.description) attrs[A.ATTR_GEN_AI_TOOL_DESCRIPTION] = opts.description;
      if (opts.mcpServer) attrs[A.ATTR_WARDEN_MCP_SERVER] = opts.mcpServer;
      if (opts.source && opts.source !== 'traceTool') attrs[A.ATTR_WARDEN_SOURCE] = opts.source;
      if (agent) {
        attrs[A.ATTR_GEN_AI_AGENT_NAME] = boundedName(agent.name);
        if (agent.id) attrs[A.ATTR_GEN_AI_AGENT_ID] = boundedName(agent.id);
        if (agent.version) attrs[A.ATTR_GEN_AI_AGENT_VERSION] = boundedName(agent.version);
        if (agent.conversationId) attrs[A.ATTR_GEN_AI_CONVERSATION_ID] = boundedName(agent.conversationId);
      }
      attrs[A.ATTR_WARDEN_CONTENT_CAPTURED] = content?.enabled ?? false;
      if (content?.enabled) {
        const serialized = content.serialize(toolArguments(args));
        if (serialized !== undefined) attrs[A.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS] = serialized;
      }
      span = wardenTracer(TRACER_SCOPE).startSpan(
        `${A.GEN_AI_OPERATION.EXECUTE_TOOL} ${boundedName(name)}`,
        { kind: SpanKind.INTERNAL, attributes: attrs },
        parent,
      );
      ctx = trace.setSpan(parent, span);
    } catch (e) {
      reportInternalError('core.traceTool.start', e);
    }
    if (!span || !ctx) return (await fn.apply(this, args)) as Awaited<R>;
    const s = span;
    const c = ctx;

    const decision = await enforceToolPolicy(
      {
        tool: name,
        agent,
        arguments: toolArguments(args),
        source: opts.source ?? 'traceTool',
        mcpServer: opts.mcpServer,
        callId,
        traceId: s.spanContext().traceId,
      },
      s,
      c,
    );
    if (decision?.error) {
      recordSpanFailure(s, decision.error, undefined, content);
      endSpan(s);
      throw decision.error;
    }

    let value: Awaited<R>;
    try {
      value = await context.with(c, () => fn.apply(this, args));
    } catch (err) {
      recordSpanFailure(s, err, undefined, content);
      endSpan(s);
      throw err;
    }
    const recordResult = (v: unknown): void => {
      if (content?.enabled && v !== undefined) {
        const serialized = content.serialize(v);
        if (serialized !== undefined) s.setAttribute(A.ATTR_GEN_AI_TOOL_CALL_RESULT, serialized);
      }
    };
    return settle(value, s, c, opts, recordResult);
  };
}

export interface InjectAgentContextOptions {
  context?: Context;
  /** The agent being called: with an identity authority installed, the hand-off to it is signed. */
  callee?: string;
}

/**
 * Writes the active trace context and the active agent's identity (W3C baggage) into
 * outgoing HTTP headers, with the globally registered propagator (monitor() registers
 * W3C trace context + baggage). Call it where one agent calls another over HTTP;
 * pass `{ callee }` so the hand-off is signed with the calling agent's key.
 */
export function injectAgentContext<H extends Record<string, unknown>>(headers: H, ctxOrOptions?: Context | InjectAgentContextOptions): H {
  const options: InjectAgentContextOptions =
    ctxOrOptions === undefined
      ? {}
      : typeof (ctxOrOptions as Context).getValue === 'function'
        ? { context: ctxOrOptions as Context }
        : (ctxOrOptions as InjectAgentContextOptions);
  const ctx = options.context ?? context.active();
  safely('core.injectAgentContext', () => {
    const agent = getActiveAgent(ctx);
    let out = ctx;
    if (agent) {
      let baggage = propagation.getBaggage(ctx) ?? propagation.createBaggage();
      baggage = baggage.setEntry(A.BAGGAGE_WARDEN_AGENT_NAME, { value: agent.name });
      if (agent.id) baggage = baggage.setEntry(A.BAGGAGE_WARDEN_AGENT_ID, { value: agent.id });
      if (agent.version) baggage = baggage.setEntry(A.BAGGAGE_WARDEN_AGENT_VERSION, { value: agent.version });
      if (agent.conversationId) baggage = baggage.setEntry(A.BAGGAGE_WARDEN_CONVERSATION_ID, { value: agent.conversationId });
      const authority = getHandoffAuthority();
      const traceId = trace.getSpanContext(ctx)?.traceId;
      baggage = baggage.removeEntry(A.BAGGAGE_WARDEN_HANDOFF_SIGNATURE);
      if (authority && options.callee && traceId && isAttestedAgent(agent)) {
        const token = authority.sign({ caller: agent.name, callee: options.callee, traceId, time: Date.now() });
        if (token) baggage = baggage.setEntry(A.BAGGAGE_WARDEN_HANDOFF_SIGNATURE, { value: token });
      }
      out = propagation.setBaggage(ctx, baggage);
    }
    propagation.inject(out, headers);
  });
  return headers;
}

/**
 * Reads trace context and the calling agent's identity from incoming HTTP headers. Run the
 * callee agent under the returned context (`context.with(ctx, () => agent(...))`): its
 * invoke_agent span is a child of the caller's span and records the caller's identity.
 */
export function extractAgentContext(headers: Record<string, unknown>, ctx: Context = context.active()): Context {
  return (
    safely('core.extractAgentContext', () => {
      const extracted = propagation.extract(ctx, headers);
      const baggage = propagation.getBaggage(extracted);
      const name = baggage?.getEntry(A.BAGGAGE_WARDEN_AGENT_NAME)?.value;
      if (!name) return extracted;
      const caller: AgentIdentity = { name };
      const id = baggage?.getEntry(A.BAGGAGE_WARDEN_AGENT_ID)?.value;
      const version = baggage?.getEntry(A.BAGGAGE_WARDEN_AGENT_VERSION)?.value;
      const conversationId = baggage?.getEntry(A.BAGGAGE_WARDEN_CONVERSATION_ID)?.value;
      if (id) caller.id = id;
      if (version) caller.version = version;
      if (conversationId) caller.conversationId = conversationId;
      const token = baggage?.getEntry(A.BAGGAGE_WARDEN_HANDOFF_SIGNATURE)?.value;
      const withCaller = extracted.setValue(REMOTE_CALLER_KEY, caller);
      return token ? withCaller.setValue(REMOTE_HANDOFF_TOKEN_KEY, token) : withCaller;
    }) ?? ctx
  );
}

/** The calling agent's identity that arrived over the wire, if any. */
export function getRemoteCallerAgent(ctx: Context = context.active()): AgentIdentity | undefined {
  return ctx.getValue(REMOTE_CALLER_KEY) as AgentIdentity | undefined;
}
