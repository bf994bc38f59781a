/**
 * One traced model call of a Stainless-generated SDK (openai, @anthropic-ai/sdk): start the
 * span, run the SDK method inside it, and record how its APIPromise (or the Stream it yields)
 * ends. Both SDKs share those shapes, so both wrappers share this; the SDK-specific part is
 * the ModelCallPlan each wrapper builds.
 */
import { context, trace, type Context, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { getActiveAgent, toAgentIdentity, type AgentIdentity } from './agent-context';
import { cachedContentPolicy, type ContentCaptureOptions, type InputMessage, type MessagePart } from './content';
import { asString, type Dict } from './loose-json';
import { startModelCallSpan, type ModelCallSpan, type ModelCallStart, type ModelRequestParams, type ModelResponse } from './model-call-span';
import { reportInternalError, safely } from './registry';
import { observeApiPromise, type ApiPromiseObserver } from './sdk-api-promise';
import { watchSdkStream, type SdkStreamHooks } from './sdk-stream';
import { observeRequestedTools } from './tool-policy';
import { wardenTracer, WARDEN_VERSION } from './tracer';
import type { WrapOptions } from './wrap-options';

/** What a wrapped client was configured with, resolved once in the wrap call. */
export interface WrapperSettings {
  /** Instrumentation scope of the spans, e.g. '@warden/openai' or '@warden/anthropic'. */
  scope: string;
  /** Prefix of internal-error locations, e.g. 'openai' or 'anthropic'. */
  where: string;
  agent?: string | AgentIdentity;
  content: ContentCaptureOptions;
  tracerProvider?: TracerProvider;
  streamIdleTimeoutMs?: number;
}

/** A wrapper's checked options as the settings its calls are traced with. */
export function toWrapperSettings(options: WrapOptions, wrapper: { scope: string; where: string }): WrapperSettings {
  const { agent, tracerProvider, streamIdleTimeoutMs, captureContent, redactPatterns, maxContentLength } = options;
  return {
    scope: wrapper.scope,
    where: wrapper.where,
    agent,
    tracerProvider,
    streamIdleTimeoutMs,
    content: { captureContent, redactPatterns, maxContentLength },
  };
}

/** Folds streamed chunks into the response they add up to. */
export interface StreamAccumulator {
  add(chunk: unknown): void;
  result(): ModelResponse;
}

/** How one SDK method maps to a model-call span. */
export interface ModelCallPlan {
  /** Built for one call: the span takes it as its start, with the agent filled in. */
  start: Omit<ModelCallStart, 'agent' | 'parentContext'>;
  /** Content attributes of the request; only called when capture is on. */
  input?: () => { messages?: InputMessage[]; systemInstructions?: MessagePart[]; toolDefinitions?: unknown[] };
  /** The recorded facts of a parsed (non-streamed) body. */
  response(data: unknown, captureContent: boolean): ModelResponse;
  /** Present for `stream: true` calls. */
  stream?: (captureContent: boolean) => StreamAccumulator;
}

/** Which provider and server a wrapped client talks to, worked out once from the client. */
export interface ServerTarget {
  provider: string;
  address?: string;
  port?: number;
}

/** A client's `baseURL` as a URL, or undefined when it has none or it does not parse. */
export function baseUrlOf(client: { baseURL?: unknown }): URL | undefined {
  try {
    return typeof client.baseURL === 'string' ? new URL(client.baseURL) : undefined;
  } catch {
    return undefined;
  }
}

/** `provider` at `url`: its host, and its port or the scheme's default. */
export function serverTarget(provider: string, url: URL | undefined): ServerTarget {
  if (!url) return { provider };
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined;
  return { provider, address: url.hostname, port };
}

/**
 * The start every plan fills the same way: the operation, the body's model, the client's provider
 * and server. One object per call (this runs on every wrapped call), `streaming` included.
 */
export function planStart(operation: string, body: Dict, target: ServerTarget, request: ModelRequestParams, streaming?: boolean): ModelCallPlan['start'] {
  return {
    operation,
    provider: target.provider,
    requestModel: asString(body.model),
    serverAddress: target.address,
    serverPort: target.port,
    request,
    streaming,
  };
}

/**
 * Records the response. The span gets tool-call names only (arguments reach it solely inside
 * captured output messages); the in-process tool guard also sees the arguments.
 */
function record(call: ModelCallSpan, response: ModelResponse): void {
  call.recordResponse(response);
  if (response.toolCalls?.length) observeRequestedTools(response.toolCalls, call.start.agent, call.span.spanContext().traceId);
}

/** What every call of one wrapped client shares, worked out on its first call. */
interface PreparedSettings {
  startSpan: string;
  recordInput: string;
  recordResponse: string;
  recordStream: string;
  observe: string;
  /** The tracer of an explicit provider; the global one is looked up per call, so a later provider is used. */
  tracer: Tracer | undefined;
  /** The wrapper's default agent as an identity, built once rather than per call (read-only: every call shares it). */
  agent: AgentIdentity | undefined;
}

// Settings objects are replaced, never changed, when a client is wrapped again.
const prepared = new WeakMap<WrapperSettings, PreparedSettings>();

function prepare(settings: WrapperSettings): PreparedSettings {
  let p = prepared.get(settings);
  if (!p) {
    const where = settings.where;
    p = {
      startSpan: `${where}.startSpan`,
      recordInput: `${where}.recordInput`,
      recordResponse: `${where}.recordResponse`,
      recordStream: `${where}.recordStream`,
      observe: `${where}.observe`,
      tracer: settings.tracerProvider?.getTracer(settings.scope, WARDEN_VERSION),
      agent: toAgentIdentity(settings.agent),
    };
    prepared.set(settings, p);
  }
  return p;
}

function startCall(settings: WrapperSettings, p: PreparedSettings, plan: ModelCallPlan, parent: Context): ModelCallSpan {
  const content = cachedContentPolicy(settings.content);
  const tracer = p.tracer ?? wardenTracer(settings.scope);
  // The plan is built for this call alone, so its start is completed in place rather than copied.
  const start: ModelCallStart = plan.start;
  // The agent active in context, else the wrapper's default (resolveAgent, without a context lookup per step).
  start.agent = getActiveAgent(parent) ?? p.agent;
  const call = startModelCallSpan(tracer, start, content, parent);
  if (content.enabled && plan.input) {
    try {
      call.recordInput(plan.input());
    } catch (error) {
      reportInternalError(p.recordInput, error);
    }
  }
  return call;
}

/**
 * Hooks for a watched stream. Built outside the closure that sees the stream object, so the
 * hooks (held until the stream ends) never keep a dropped stream alive.
 */
function streamHooks(where: string, call: ModelCallSpan, accumulator: StreamAccumulator): SdkStreamHooks<unknown> {
  return {
    onChunk(chunk) {
      call.recordFirstChunk();
      accumulator.add(chunk);
    },
    onEnd(outcome, error) {
      // Whatever arrived before the end is still a fact about the call.
      safely(where, () => record(call, accumulator.result()));
      if (error !== undefined) call.recordError(error);
      call.end(outcome);
    },
  };
}

/** How one call's APIPromise ends, recorded on its span: one object per call instead of a closure per outcome. */
class CallOutcome implements ApiPromiseObserver {
  constructor(
    private readonly settings: WrapperSettings,
    private readonly prepared: PreparedSettings,
    private readonly plan: ModelCallPlan,
    private readonly call: ModelCallSpan,
  ) {}

  onData(data: unknown): void {
    const { call, plan } = this;
    const capture = call.content.enabled;
    if (
      plan.stream &&
      watchSdkStream(data, streamHooks(this.prepared.recordStream, call, plan.stream(capture)), { idleTimeoutMs: this.settings.streamIdleTimeoutMs })
    )
      return;
    try {
      record(call, plan.response(data, capture));
    } catch (error) {
      reportInternalError(this.prepared.recordResponse, error);
    }
    call.end();
  }

  onError(error: unknown): void {
    this.call.recordError(error);
    this.call.end();
  }

  onUnparsed(): void {
    this.call.end();
  }
}

/**
 * Runs `invoke` (the original SDK method) inside a model-call span and returns exactly what
 * it returns or throws. The span's plan is `makePlan(body, target)`, built here so a wrapped
 * method needs no closure for it. Warden's own failures are reported, never thrown.
 */
export function traceModelCall<R>(
  settings: WrapperSettings,
  makePlan: (body: unknown, target: ServerTarget) => ModelCallPlan,
  target: ServerTarget,
  body: unknown,
  invoke: () => R,
): R {
  let p: PreparedSettings;
  let plan: ModelCallPlan;
  let call: ModelCallSpan;
  let parent: Context;
  try {
    p = prepare(settings);
    plan = makePlan(body, target);
    // Read once: the span's parent, the agent in context and the context the SDK runs in.
    parent = context.active();
    call = startCall(settings, p, plan, parent);
  } catch (error) {
    reportInternalError(`${settings.where}.startSpan`, error);
    return invoke();
  }
  let result: R;
  try {
    // The span is active while the SDK sends the request, so HTTP instrumentation nests under it.
    result = context.with(trace.setSpan(parent, call.span), invoke);
  } catch (error) {
    call.recordError(error);
    call.end();
    throw error;
  }
  return observeApiPromise(result, new CallOutcome(settings, p, plan, call), p.observe);
}
