import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { context } from '@opentelemetry/api';
import { ATTR_WARDEN_SOURCE, GEN_AI_OPERATION, UnsupportedClientError } from '@warden/core';
import {
  observeRequestedTools,
  adoptModelCallSpan,
  reportInternalError,
  resolveAgent,
  resolveContentPolicy,
  safely,
  startModelCallSpan,
  StreamWatch,
  wardenTracer,
  type InputMessage,
  type MessagePart,
  type ModelCallSpan,
  type ModelRequestParams,
  type ModelResponse,
  type ModelUsage,
  type OutputMessage,
  type RequestedToolCall,
} from '@warden/core/internal';
import { wrapLanguageModel, type LanguageModelMiddleware } from 'ai';
import { validateOptions, type WardenAISDKOptions } from './options';
import { providerNameOf } from './provider-name';
import { aiSdkModelCallSpan, rememberTraceAgent } from './telemetry-dedup';

export const TRACER_SCOPE = '@warden/ai-sdk';
/** warden.source value on every span this package records. */
export const WARDEN_SOURCE_AI_SDK = 'ai-sdk';

/** The language model `wrapLanguageModel` accepts (LanguageModelV3 in ai 6). */
export type AISDKLanguageModel = Parameters<typeof wrapLanguageModel>[0]['model'];

const WRAPPED = Symbol.for('warden.ai-sdk.wrapped');
// Streamed text kept for gen_ai.output.messages (capture on only); the span value is bounded anyway.
const MAX_STREAMED_TEXT = 65_536;

/** Duck-type check for an AI SDK language model object (what `wrap()` hands to `wrapAISDKModel`). */
export function isAISDKLanguageModel(x: unknown): x is AISDKLanguageModel {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as Record<string, unknown>;
  return (
    (m.specificationVersion === 'v3' || m.specificationVersion === 'v2') &&
    typeof m.provider === 'string' &&
    typeof m.modelId === 'string' &&
    typeof m.doGenerate === 'function'
  );
}

/**
 * `wrapLanguageModel({ model, middleware: wardenMiddleware() })`: every call of the model
 * (each step of generateText / streamText / generateObject and their tool loops) becomes a
 * `chat {model}` span. Results, errors and streams pass through unchanged.
 */
export function wardenMiddleware(options?: WardenAISDKOptions): LanguageModelMiddleware {
  const opts = validateOptions(options, 'wardenMiddleware');
  return {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate, params, model }) {
      const call = startCall(opts, params, model, false);
      if (!call) return doGenerate();
      const result = await callWithin(call, doGenerate);
      safely('ai-sdk.recordGenerate', () => {
        const response = generateResponse(result, call.content.enabled);
        call.recordResponse(response);
        observeRequestedTools(response.toolCalls, call.start.agent, call.span.spanContext().traceId);
      });
      call.end();
      return result;
    },
    async wrapStream({ doStream, params, model }) {
      const call = startCall(opts, params, model, true);
      if (!call) return doStream();
      const result = await callWithin(call, doStream);
      const stream = safely('ai-sdk.watchStream', () => watchStream(result.stream, call, params.abortSignal, opts));
      if (!stream) {
        call.end();
        return result;
      }
      return { ...result, stream };
    },
  };
}

/** Runs the model call under its span's context; a failure is recorded, ends the span and is rethrown as it came. */
async function callWithin<R>(call: ModelCallSpan, run: () => PromiseLike<R>): Promise<R> {
  try {
    return await context.with(call.context(), run);
  } catch (err) {
    call.recordError(err);
    call.end();
    throw err;
  }
}

/**
 * The one line: a new model (the AI SDK's own `wrapLanguageModel` idiom) with the same
 * provider and model id, whose calls go through `wardenMiddleware`. Wrapping twice is a no-op.
 */
export function wrapAISDKModel(model: AISDKLanguageModel, options?: WardenAISDKOptions): AISDKLanguageModel {
  if ((model as unknown as Record<symbol, unknown>)[WRAPPED]) return model;
  if ((model as { specificationVersion?: unknown }).specificationVersion !== 'v3')
    throw new UnsupportedClientError(
      `wrapAISDKModel: model "${model.modelId}" implements specification ${String((model as { specificationVersion?: unknown }).specificationVersion)}; expected v3 (ai >= 6 provider packages)`,
    );
  const wrapped = wrapLanguageModel({ model, middleware: wardenMiddleware(options) });
  safely('ai-sdk.markWrapped', () => Object.defineProperty(wrapped, WRAPPED, { value: true }));
  return wrapped;
}

/**
 * The call's span: with the AI SDK's telemetry on, its own `ai.*.doGenerate` / `doStream` span
 * of this call, enriched (one span per model call, so a backend that sums gen_ai.usage.*
 * counts each token once); otherwise a `chat {model}` span of Warden's.
 */
function startCall(opts: WardenAISDKOptions, params: LanguageModelV3CallOptions, model: LanguageModelV3, streaming: boolean): ModelCallSpan | undefined {
  try {
    const parent = context.active();
    const content = resolveContentPolicy(opts);
    const agent = resolveAgent(opts.agent);
    const start = {
      operation: GEN_AI_OPERATION.CHAT,
      provider: providerNameOf(model.provider),
      requestModel: model.modelId,
      request: requestParams(params),
      agent,
      streaming,
      parentContext: parent,
    };
    const sdkSpan = aiSdkModelCallSpan(parent);
    const call = sdkSpan ? adoptModelCallSpan(sdkSpan, start, content) : startModelCallSpan(wardenTracer(TRACER_SCOPE), start, content);
    // The SDK's ai.toolCall spans of this generation are attributed to the same agent.
    if (sdkSpan && agent) rememberTraceAgent(sdkSpan.spanContext().traceId, agent);
    call.span.setAttribute(ATTR_WARDEN_SOURCE, WARDEN_SOURCE_AI_SDK);
    if (content.enabled) call.recordInput(inputOf(params));
    return call;
  } catch (e) {
    reportInternalError('ai-sdk.startCall', e);
    return undefined;
  }
}

function requestParams(p: LanguageModelV3CallOptions): ModelRequestParams {
  return {
    maxTokens: p.maxOutputTokens,
    temperature: p.temperature,
    topP: p.topP,
    topK: p.topK,
    frequencyPenalty: p.frequencyPenalty,
    presencePenalty: p.presencePenalty,
    stopSequences: p.stopSequences,
    seed: p.seed,
    outputType: p.responseFormat?.type === 'json' ? 'json' : undefined,
  };
}

function parseJson(s: unknown): unknown {
  if (typeof s !== 'string') return s;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
}

/** The AI SDK prompt in the GenAI message shape (capture on only). */
function inputOf(params: LanguageModelV3CallOptions): { messages: InputMessage[]; systemInstructions: MessagePart[]; toolDefinitions?: unknown[] } {
  const messages: InputMessage[] = [];
  const systemInstructions: MessagePart[] = [];
  for (const m of params.prompt as LanguageModelV3Prompt) {
    if (m.role === 'system') {
      systemInstructions.push({ type: 'text', content: m.content });
      continue;
    }
    const parts: MessagePart[] = [];
    for (const p of m.content) {
      switch (p.type) {
        case 'text':
        case 'reasoning':
          parts.push({ type: p.type, content: p.text });
          break;
        case 'tool-call':
          parts.push({ type: 'tool_call', id: p.toolCallId, name: p.toolName, arguments: p.input });
          break;
        case 'tool-result':
          parts.push({ type: 'tool_call_response', id: p.toolCallId, response: p.output });
          break;
        case 'file':
          // File bytes are never recorded, only what they are.
          parts.push({ type: 'file', mime_type: p.mediaType });
          break;
        default:
          parts.push({ type: p.type });
      }
    }
    messages.push({ role: m.role, parts });
  }
  return { messages, systemInstructions, toolDefinitions: params.tools };
}

/** 'tool-calls' → 'tool_calls': the unified AI SDK reason, spelled like the providers' own. */
function finishReasonOf(reason: LanguageModelV3FinishReason | string | undefined): string | undefined {
  const unified = typeof reason === 'string' ? reason : reason?.unified;
  return unified?.replace(/-/g, '_');
}

function usageOf(u: LanguageModelV3Usage | undefined): ModelUsage | undefined {
  if (!u) return undefined;
  return {
    inputTokens: u.inputTokens?.total,
    outputTokens: u.outputTokens?.total,
    cacheReadInputTokens: u.inputTokens?.cacheRead,
    cacheCreationInputTokens: u.inputTokens?.cacheWrite,
  };
}

function toolCallsOf(content: readonly LanguageModelV3Content[]): RequestedToolCall[] {
  const calls: RequestedToolCall[] = [];
  for (const c of content) if (c.type === 'tool-call') calls.push({ id: c.toolCallId, name: c.toolName, arguments: parseJson(c.input) });
  return calls;
}

function outputMessage(text: string, toolCalls: RequestedToolCall[], finishReason: string | undefined): OutputMessage {
  const parts: MessagePart[] = [];
  if (text) parts.push({ type: 'text', content: text });
  for (const t of toolCalls) parts.push({ type: 'tool_call', id: t.id, name: t.name, arguments: t.arguments });
  return { role: 'assistant', parts, finish_reason: finishReason ?? '' };
}

function generateResponse(result: LanguageModelV3GenerateResult, withContent: boolean): ModelResponse {
  const toolCalls = toolCallsOf(result.content);
  let text = '';
  for (const c of result.content) if (c.type === 'text') text += c.text;
  const finishReason = finishReasonOf(result.finishReason);
  return {
    id: result.response?.id,
    model: result.response?.modelId,
    finishReasons: finishReason ? [finishReason] : undefined,
    usage: usageOf(result.usage),
    toolCalls: toolCalls.length ? toolCalls : undefined,
    outputLength: text.length,
    outputMessages: withContent ? [outputMessage(text, toolCalls, finishReason)] : undefined,
  };
}

/** What a stream told us so far, folded part by part. */
class StreamedResponse {
  private id: string | undefined;
  private model: string | undefined;
  private text = '';
  private textLength = 0;
  private readonly toolCalls: RequestedToolCall[] = [];
  private usage: ModelUsage | undefined;
  private finishReason: string | undefined;

  constructor(private readonly keepText: boolean) {}

  add(part: LanguageModelV3StreamPart, call: ModelCallSpan): void {
    if (part.type !== 'stream-start') call.recordFirstChunk();
    switch (part.type) {
      case 'response-metadata':
        this.id = part.id ?? this.id;
        this.model = part.modelId ?? this.model;
        break;
      case 'text-delta':
        this.textLength += part.delta.length;
        if (this.keepText && this.text.length < MAX_STREAMED_TEXT) this.text += part.delta;
        break;
      case 'tool-call':
        this.toolCalls.push({ id: part.toolCallId, name: part.toolName, arguments: parseJson(part.input) });
        break;
      case 'finish':
        this.usage = usageOf(part.usage);
        this.finishReason = finishReasonOf(part.finishReason);
        break;
      case 'error':
        call.recordError(part.error);
        break;
    }
  }

  response(): ModelResponse {
    return {
      id: this.id,
      model: this.model,
      finishReasons: this.finishReason ? [this.finishReason] : undefined,
      usage: this.usage,
      toolCalls: this.toolCalls.length ? this.toolCalls : undefined,
      outputLength: this.textLength,
      outputMessages: this.keepText ? [outputMessage(this.text, this.toolCalls, this.finishReason)] : undefined,
    };
  }

  get requestedTools(): RequestedToolCall[] {
    return this.toolCalls;
  }
}

/**
 * The same parts, in the same order, through a pull-based stream that ends the span exactly
 * once: on finish, on a read error or abort, on cancel by the consumer, or when abandoned.
 */
function watchStream(
  source: ReadableStream<LanguageModelV3StreamPart>,
  call: ModelCallSpan,
  abortSignal: AbortSignal | undefined,
  opts: WardenAISDKOptions,
): ReadableStream<LanguageModelV3StreamPart> {
  const reader = source.getReader();
  const folded = new StreamedResponse(call.content.enabled);
  const watch = new StreamWatch<LanguageModelV3StreamPart>(
    {
      onChunk: (part) => folded.add(part, call),
      onEnd: (outcome, error) => {
        call.recordResponse(folded.response());
        if (outcome === 'error' || outcome === 'aborted') call.recordError(error);
        if (outcome === 'completed') observeRequestedTools(folded.requestedTools, call.start.agent, call.span.spanContext().traceId);
        call.end(outcome);
      },
    },
    { idleTimeoutMs: opts.streamIdleTimeoutMs },
  );
  const parts = watch.wrap({
    next: () => reader.read() as Promise<IteratorResult<LanguageModelV3StreamPart>>,
    return: async (reason?: unknown) => {
      await reader.cancel(reason);
      return { done: true, value: undefined };
    },
  });
  const watched = new ReadableStream<LanguageModelV3StreamPart>(
    {
      async pull(controller) {
        const r = await parts.next();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      async cancel(reason) {
        if (abortSignal?.aborted) watch.finish('aborted', abortSignal.reason);
        await parts.return?.(reason);
      },
    },
    // Pull only when the consumer reads, as the provider's own stream would be read.
    { highWaterMark: 0 },
  );
  watch.watchOwner(watched);
  return watched;
}
