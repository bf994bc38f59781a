import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { DocumentInterface } from '@langchain/core/documents';
import type { Serialized } from '@langchain/core/load/serializable';
import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import type { ChainValues } from '@langchain/core/utils/types';
import { context, SpanKind, trace, type Attributes, type Context } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_DATA_SOURCE_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_WARDEN_CONTENT_CAPTURED,
  ATTR_WARDEN_SOURCE,
  ATTR_WARDEN_STREAM,
  ATTR_WARDEN_STREAM_OUTCOME,
  GEN_AI_OPERATION,
  getActiveAgent,
  type AgentIdentity,
} from '@warden/core';
import {
  agentAttributes,
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  enforceToolPolicy,
  observeRequestedTools,
  recordSpanFailure,
  reportInternalError,
  resolveContentPolicy,
  safely,
  setActiveAgent,
  startModelCallSpan,
  toAgentIdentity,
  wardenTracer,
  type ContentPolicy,
  type ModelCallSpan,
  type ModelRequestParams,
  type StreamOutcome,
} from '@warden/core/internal';
import { inputOf, responseOf } from './messages';
import { OpenRuns, type OpenRun } from './open-runs';
import { validateOptions, type WardenLangChainOptions } from './options';
import { providerNameOf } from './provider-name';

export const TRACER_SCOPE = '@warden/langchain';
/** warden.source value on every span this package records. */
export const WARDEN_SOURCE_LANGCHAIN = 'langchain';

// LangChain tags its plumbing runs (LangGraph channel writes...) with this; they get no span.
const HIDDEN_TAG = 'langsmith:hidden';

function isAbort(err: unknown): boolean {
  const name = (err as Error | undefined)?.name;
  return name === 'AbortError' || name === 'APIUserAbortError';
}

function endRun(run: OpenRun, outcome?: StreamOutcome, error?: unknown): void {
  if (run.idleTimer) clearTimeout(run.idleTimer);
  run.detach?.();
  safely('langchain.endRun', () => {
    if (run.model) {
      if (error !== undefined) run.model.recordError(error);
      run.model.end(run.streamed || outcome === 'abandoned' ? outcome : undefined);
      return;
    }
    if (!run.span) return;
    if (error !== undefined) recordSpanFailure(run.span, error);
    if (outcome === 'abandoned') run.span.setAttribute(ATTR_WARDEN_STREAM_OUTCOME, outcome);
    run.span.end();
  });
}

const openRuns = new OpenRuns((run, outcome) => endRun(run, outcome));

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

type Params = Record<string, unknown>;

/** What LangChain passes to handleChatModelStart and handleLLMStart alike after the model and its input. */
type ModelStartArgs = [runId: string, parentRunId?: string, extraParams?: Params, tags?: string[], metadata?: Params];

function requestParams(metadata: Params | undefined, invocation: Params): ModelRequestParams {
  const stop = metadata?.ls_stop ?? invocation.stop;
  return {
    temperature: num(metadata?.ls_temperature) ?? num(invocation.temperature),
    maxTokens: num(metadata?.ls_max_tokens) ?? num(invocation.max_tokens) ?? num(invocation.max_completion_tokens),
    topP: num(invocation.top_p),
    topK: num(invocation.top_k),
    frequencyPenalty: num(invocation.frequency_penalty),
    presencePenalty: num(invocation.presence_penalty),
    seed: num(invocation.seed),
    choiceCount: num(invocation.n),
    stopSequences: Array.isArray(stop) ? stop.map(String) : typeof stop === 'string' ? [stop] : undefined,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * @langchain/core 1.x declares handleChainStart(…, runId, runType, tags, metadata, runName,
 * parentRunId) but calls it with (…, runId, parentRunId, tags, metadata, runType, runName):
 * read whichever order this version uses, by where the run id is.
 */
function chainStartArgs(fourth: unknown, seventh: unknown, eighth: unknown): { parentRunId?: string; runName?: string } {
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  if (typeof eighth === 'string' && UUID.test(eighth)) return { parentRunId: eighth, runName: str(seventh) };
  return { parentRunId: typeof fourth === 'string' && UUID.test(fourth) ? fourth : undefined, runName: str(eighth) };
}

function nameOf(serialized: Serialized | undefined, runName: string | undefined, fallback: string): string {
  if (runName) return runName;
  const s = serialized as { name?: unknown; id?: unknown } | undefined;
  if (typeof s?.name === 'string' && s.name) return s.name;
  if (Array.isArray(s?.id) && s.id.length) return String(s.id[s.id.length - 1]);
  return fallback;
}

/**
 * LangChain callbacks → OpenTelemetry spans. Agent/graph runs become `invoke_agent` spans,
 * LangGraph steps plain spans, chat models `chat {model}` spans, tools `execute_tool {name}`
 * spans and retrievers `retriever {name}` spans, each a child of the span of its parentRunId,
 * so model calls sit under their agent and tools under the step that called them.
 *
 * `raiseError` is on so that a tool a policy denies is stopped: the ToolGuard runs in
 * handleToolStart and its PolicyDeniedError propagates out of the tool's invoke before the
 * tool body runs (LangChain also logs it with console.error). Every other failure inside
 * the handler is reported through reportInternalError and never thrown.
 */
export class WardenCallbackHandler extends BaseCallbackHandler {
  name = 'WardenCallbackHandler';
  private readonly options: WardenLangChainOptions;

  constructor(options?: WardenLangChainOptions) {
    // raiseError (which implies awaitHandlers): callbacks run in the caller's async context, in order.
    super({ raiseError: true });
    this.options = validateOptions(options, 'WardenCallbackHandler');
  }

  /** One handler serves every copy LangChain asks for: the open runs live in a shared registry. */
  override copy(): this {
    return this;
  }

  private content(): ContentPolicy {
    return resolveContentPolicy(this.options);
  }

  /** The parent's context and agent: the span of parentRunId when Warden traces it, else the active context. */
  private parentOf(parentRunId: string | undefined): { ctx: Context; agent: AgentIdentity | undefined; traced: boolean } {
    const parent = openRuns.get(parentRunId);
    if (parent) return { ctx: parent.ctx, agent: parent.agent, traced: true };
    const ctx = context.active();
    return { ctx, agent: getActiveAgent(ctx) ?? toAgentIdentity(this.options.agent), traced: false };
  }

  private guarded(where: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      reportInternalError(`langchain.${where}`, e);
    }
  }

  // ── agents, graphs and their steps ───────────────────────────────────────────────────

  override handleChainStart(
    chain: Serialized,
    _inputs: ChainValues,
    runId: string,
    fourth?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    seventh?: string,
    eighth?: string,
  ): void {
    this.guarded('handleChainStart', () => {
      if (openRuns.has(runId)) return;
      const { parentRunId, runName } = chainStartArgs(fourth, seventh, eighth);
      const parent = this.parentOf(parentRunId);
      const transparent: OpenRun = { ctx: parent.ctx, agent: parent.agent, parentRunId };
      if (tags?.includes(HIDDEN_TAG)) return openRuns.add(runId, transparent);
      const name = nameOf(chain, runName, 'chain');
      const tracer = wardenTracer(TRACER_SCOPE);
      if (!parent.traced && !getActiveAgent(parent.ctx)) {
        // The outermost run Warden sees is the agent (or graph) invocation.
        const identity = toAgentIdentity(this.options.agent) ?? { name };
        const attrs: Attributes = {
          [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.INVOKE_AGENT,
          [ATTR_WARDEN_SOURCE]: WARDEN_SOURCE_LANGCHAIN,
          ...agentAttributes(identity),
        };
        const span = tracer.startSpan(`${GEN_AI_OPERATION.INVOKE_AGENT} ${identity.name}`, { kind: SpanKind.INTERNAL, attributes: attrs }, parent.ctx);
        openRuns.add(runId, { ctx: setActiveAgent(trace.setSpan(parent.ctx, span), identity), agent: identity, span, parentRunId });
        return;
      }
      const node = metadata?.langgraph_node;
      if (typeof node === 'string' && node === name) {
        // A LangGraph step: tools and model calls it makes nest under it.
        const span = tracer.startSpan(
          name,
          { kind: SpanKind.INTERNAL, attributes: { [ATTR_WARDEN_SOURCE]: WARDEN_SOURCE_LANGCHAIN, ...agentAttributes(parent.agent) } },
          parent.ctx,
        );
        openRuns.add(runId, { ctx: trace.setSpan(parent.ctx, span), agent: parent.agent, span, parentRunId });
        return;
      }
      // Other chains (prompts, parsers, sequences) add nesting noise, not facts: their children attach to the parent.
      openRuns.add(runId, transparent);
    });
  }

  override handleChainEnd(_outputs: ChainValues, runId: string): void {
    this.guarded('handleChainEnd', () => this.finish(runId));
  }

  override handleChainError(err: Error, runId: string): void {
    this.guarded('handleChainError', () => this.finish(runId, err));
  }

  /** Ends a run, and any run under it still open (its end callback never came), so no span leaks. */
  private finish(runId: string, error?: unknown): void {
    const run = openRuns.take(runId);
    if (!run) return;
    for (const child of openRuns.takeDescendants(runId)) endRun(child, error !== undefined ? (isAbort(error) ? 'aborted' : 'error') : 'abandoned', error);
    endRun(run, undefined, error);
  }

  // ── model calls ──────────────────────────────────────────────────────────────────────

  override handleChatModelStart(llm: Serialized, messages: BaseMessage[][], ...args: ModelStartArgs): void {
    this.startModel('handleChatModelStart', GEN_AI_OPERATION.CHAT, llm, args, (call, invocation) => {
      const input = inputOf(messages[0] ?? []);
      const tools = invocation.tools;
      call.recordInput({ ...input, toolDefinitions: Array.isArray(tools) ? tools : undefined });
    });
  }

  override handleLLMStart(llm: Serialized, prompts: string[], ...args: ModelStartArgs): void {
    this.startModel('handleLLMStart', GEN_AI_OPERATION.TEXT_COMPLETION, llm, args, (call) =>
      call.recordInput({ messages: prompts.map((p) => ({ role: 'user', parts: [{ type: 'text', content: p }] })) }),
    );
  }

  /** The one path of both model-start callbacks; only how the input is read differs (a chat model's messages, a text model's prompts). */
  private startModel(
    where: string,
    operation: string,
    llm: Serialized,
    [runId, parentRunId, extraParams, , metadata]: ModelStartArgs,
    recordInput: (call: ModelCallSpan, invocation: Params) => void,
  ): void {
    this.guarded(where, () => {
      if (openRuns.has(runId)) return;
      const parent = this.parentOf(parentRunId);
      const invocation = (extraParams?.invocation_params ?? {}) as Params;
      const model = metadata?.ls_model_name ?? invocation.model ?? invocation.model_name ?? invocation.modelName;
      const content = this.content();
      const call = startModelCallSpan(
        wardenTracer(TRACER_SCOPE),
        {
          operation,
          provider: providerNameOf(metadata?.ls_provider, (llm as { id?: unknown } | undefined)?.id),
          requestModel: typeof model === 'string' ? model : undefined,
          request: requestParams(metadata, invocation),
          agent: parent.agent,
          parentContext: parent.ctx,
        },
        content,
      );
      call.span.setAttribute(ATTR_WARDEN_SOURCE, WARDEN_SOURCE_LANGCHAIN);
      if (content.enabled) recordInput(call, invocation);
      const run: OpenRun = { ctx: call.context(), agent: parent.agent, model: call, parentRunId };
      openRuns.add(runId, run);
      this.watchEnd(runId, run, (extraParams?.options as { signal?: unknown } | undefined)?.signal);
    });
  }

  /**
   * LangChain sends no callback when the caller aborts a stream it is reading (its signal
   * race rejects the read, the generator is left suspended) or stops reading it: end the run
   * on the call's abort signal, or after `streamIdleTimeoutMs` without a callback.
   */
  private watchEnd(runId: string, run: OpenRun, signal: unknown): void {
    const endIfOpen = (outcome: StreamOutcome, error?: unknown) => {
      if (openRuns.get(runId) !== run) return;
      openRuns.take(runId);
      endRun(run, outcome, error);
    };
    const idle = this.options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
    if (idle > 0) {
      run.idleTimer = setTimeout(() => endIfOpen('abandoned'), idle);
      run.idleTimer.unref?.();
    }
    if (signal instanceof AbortSignal) {
      const onAbort = () => endIfOpen('aborted', signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      run.detach = () => signal.removeEventListener('abort', onAbort);
    }
  }

  override handleLLMNewToken(_token: string, _idx: unknown, runId: string): void {
    this.guarded('handleLLMNewToken', () => {
      const run = openRuns.get(runId);
      if (!run?.model) return;
      run.model.recordFirstChunk();
      run.idleTimer?.refresh();
      if (!run.streamed) {
        run.streamed = true;
        run.model.span.setAttribute(ATTR_WARDEN_STREAM, true);
      }
    });
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    this.guarded('handleLLMEnd', () => {
      const run = openRuns.take(runId);
      if (!run?.model) return;
      const response = responseOf(output, run.model.content.enabled);
      run.model.recordResponse(response);
      observeRequestedTools(response.toolCalls, run.agent, run.model.span.spanContext().traceId);
      run.model.end(run.streamed ? 'completed' : undefined);
    });
  }

  override handleLLMError(err: Error, runId: string): void {
    this.guarded('handleLLMError', () => {
      const run = openRuns.take(runId);
      if (run) endRun(run, isAbort(err) ? 'aborted' : 'error', err);
    });
  }

  // ── tools ────────────────────────────────────────────────────────────────────────────

  override async handleToolStart(
    tool: Serialized,
    input: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    runName?: string,
    toolCallId?: string,
  ): Promise<void> {
    let run: OpenRun | undefined;
    let name = 'tool';
    let args: unknown;
    try {
      if (openRuns.has(runId)) return;
      const parent = this.parentOf(parentRunId);
      name = nameOf(tool, runName, 'tool');
      args = parseJson(input);
      const content = this.content();
      const attrs: Attributes = {
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.EXECUTE_TOOL,
        [ATTR_GEN_AI_TOOL_NAME]: name,
        [ATTR_GEN_AI_TOOL_TYPE]: 'function',
        [ATTR_WARDEN_SOURCE]: WARDEN_SOURCE_LANGCHAIN,
        [ATTR_WARDEN_CONTENT_CAPTURED]: content.enabled,
        ...agentAttributes(parent.agent),
      };
      if (toolCallId) attrs[ATTR_GEN_AI_TOOL_CALL_ID] = toolCallId;
      const serializedArgs = content.enabled ? content.serialize(args) : undefined;
      if (serializedArgs !== undefined) attrs[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS] = serializedArgs;
      const span = wardenTracer(TRACER_SCOPE).startSpan(`${GEN_AI_OPERATION.EXECUTE_TOOL} ${name}`, { kind: SpanKind.INTERNAL, attributes: attrs }, parent.ctx);
      run = { ctx: trace.setSpan(parent.ctx, span), agent: parent.agent, span, parentRunId };
      openRuns.add(runId, run);
    } catch (e) {
      reportInternalError('langchain.handleToolStart', e);
      return;
    }
    if (!run.span) return;
    const span = run.span;
    const decision = await enforceToolPolicy(
      { tool: name, agent: run.agent, arguments: args, source: 'langchain', callId: toolCallId, traceId: span.spanContext().traceId },
      span,
      run.ctx,
    );
    if (decision?.error) {
      openRuns.take(runId);
      endRun(run, undefined, decision.error);
      // The one error this handler throws on purpose (raiseError): the tool must not run.
      throw decision.error;
    }
  }

  override handleToolEnd(output: unknown, runId: string): void {
    this.guarded('handleToolEnd', () => {
      const run = openRuns.take(runId);
      if (!run?.span) return;
      const content = this.content();
      if (content.enabled && output !== undefined) {
        // A tool invoked with a ToolCall returns a ToolMessage: its content is the result.
        const value = output && typeof output === 'object' && 'content' in output ? (output as { content: unknown }).content : output;
        const s = typeof value === 'string' ? content.serialize(parseJson(value)) : content.serialize(value);
        if (s !== undefined) run.span.setAttribute(ATTR_GEN_AI_TOOL_CALL_RESULT, s);
      }
      endRun(run);
    });
  }

  override handleToolError(err: Error, runId: string): void {
    this.guarded('handleToolError', () => {
      const run = openRuns.take(runId);
      if (run) endRun(run, undefined, err);
    });
  }

  // ── retrievers ───────────────────────────────────────────────────────────────────────

  override handleRetrieverStart(
    retriever: Serialized,
    _query: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    name?: string,
  ): void {
    this.guarded('handleRetrieverStart', () => {
      if (openRuns.has(runId)) return;
      const parent = this.parentOf(parentRunId);
      const source = nameOf(retriever, name, 'retriever');
      const span = wardenTracer(TRACER_SCOPE).startSpan(
        `retriever ${source}`,
        {
          kind: SpanKind.INTERNAL,
          attributes: { [ATTR_GEN_AI_DATA_SOURCE_ID]: source, [ATTR_WARDEN_SOURCE]: WARDEN_SOURCE_LANGCHAIN, ...agentAttributes(parent.agent) },
        },
        parent.ctx,
      );
      openRuns.add(runId, { ctx: trace.setSpan(parent.ctx, span), agent: parent.agent, span, parentRunId });
    });
  }

  override handleRetrieverEnd(_documents: DocumentInterface[], runId: string): void {
    this.guarded('handleRetrieverEnd', () => this.finish(runId));
  }

  override handleRetrieverError(err: Error, runId: string): void {
    this.guarded('handleRetrieverError', () => this.finish(runId, err));
  }
}

/** Open runs across all handlers (for tests and diagnostics). */
export function openRunCount(): number {
  return openRuns.size;
}
