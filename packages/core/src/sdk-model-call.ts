/**
 * One traced model call of a Stainless-generated SDK (openai, @anthropic-ai/sdk): start the
 * span, run the SDK method inside it, and record how its APIPromise (or the Stream it yields)
 * ends. Both SDKs share those shapes, so both wrappers share this; the SDK-specific part is
 * the ModelCallPlan each wrapper builds.
 */
import { context, trace, type TracerProvider } from '@opentelemetry/api';
import { resolveAgent, type AgentIdentity } from './agent-context';
import { resolveContentPolicy, type ContentCaptureOptions, type InputMessage, type MessagePart } from './content';
import { getToolGuard } from './guard';
import { startModelCallSpan, type ModelCallSpan, type ModelCallStart, type ModelResponse } from './model-call-span';
import { safely } from './registry';
import { observeApiPromise } from './sdk-api-promise';
import { watchSdkStream, type SdkStreamHooks } from './sdk-stream';
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
  start: Omit<ModelCallStart, 'agent' | 'parentContext'>;
  /** Content attributes of the request; only called when capture is on. */
  input?: () => { messages?: InputMessage[]; systemInstructions?: MessagePart[]; toolDefinitions?: unknown[] };
  /** The recorded facts of a parsed (non-streamed) body. */
  response(data: unknown, captureContent: boolean): ModelResponse;
  /** Present for `stream: true` calls. */
  stream?: (captureContent: boolean) => StreamAccumulator;
}

/**
 * Records the response. The span gets tool-call names only (arguments reach it solely inside
 * captured output messages); the in-process tool guard also sees the arguments.
 */
function record(call: ModelCallSpan, response: ModelResponse): void {
  call.recordResponse(response);
  const guard = getToolGuard();
  if (!guard?.observeRequested || !response.toolCalls?.length) return;
  const traceId = call.span.spanContext().traceId;
  for (const t of response.toolCalls)
    guard.observeRequested({ tool: t.name, agent: call.start.agent, arguments: t.arguments, source: 'model', callId: t.id, traceId });
}

function startCall(settings: WrapperSettings, plan: ModelCallPlan): ModelCallSpan {
  const content = resolveContentPolicy(settings.content);
  const tracer = settings.tracerProvider
    ? settings.tracerProvider.getTracer(settings.scope, WARDEN_VERSION)
    : wardenTracer(settings.scope);
  const call = startModelCallSpan(tracer, { ...plan.start, agent: resolveAgent(settings.agent) }, content);
  if (content.enabled && plan.input) {
    const input = plan.input;
    safely(`${settings.where}.recordInput`, () => call.recordInput(input()));
  }
  return call;
}

/**
 * Hooks for a watched stream. Built outside the closure that sees the stream object, so the
 * hooks (held until the stream ends) never keep a dropped stream alive.
 */
function streamHooks(where: string, call: ModelCallSpan, accumulator: StreamAccumulator, capture: boolean): SdkStreamHooks<unknown> {
  return {
    onChunk(chunk) {
      call.recordFirstChunk();
      accumulator.add(chunk);
    },
    onEnd(outcome, error) {
      // Whatever arrived before the end is still a fact about the call.
      safely(`${where}.recordStream`, () => record(call, accumulator.result()));
      if (error !== undefined) call.recordError(error);
      call.end(outcome);
    },
  };
}

/**
 * Runs `invoke` (the original SDK method) inside a model-call span and returns exactly what
 * it returns or throws. Warden's own failures are reported, never thrown.
 */
export function traceModelCall<R>(settings: WrapperSettings, makePlan: () => ModelCallPlan, invoke: () => R): R {
  const where = settings.where;
  const started = safely(`${where}.startSpan`, () => {
    const plan = makePlan();
    return { plan, call: startCall(settings, plan) };
  });
  if (!started) return invoke();
  const { plan, call } = started;
  let result: R;
  try {
    // The span is active while the SDK sends the request, so HTTP instrumentation nests under it.
    result = context.with(trace.setSpan(context.active(), call.span), invoke);
  } catch (error) {
    call.recordError(error);
    call.end();
    throw error;
  }
  const capture = call.content.enabled;
  return observeApiPromise(
    result,
    {
      onData(data) {
        if (plan.stream && watchSdkStream(data, streamHooks(where, call, plan.stream(capture), capture), { idleTimeoutMs: settings.streamIdleTimeoutMs }))
          return;
        safely(`${where}.recordResponse`, () => record(call, plan.response(data, capture)));
        call.end();
      },
      onError(error) {
        call.recordError(error);
        call.end();
      },
      onUnparsed() {
        call.end();
      },
    },
    `${where}.observe`,
  );
}
