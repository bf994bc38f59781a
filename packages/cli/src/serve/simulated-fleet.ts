/**
 * A simulated fleet for tests and the bench: GenAI spans (gen_ai.* attributes, explicit
 * times) from several services, made with the real OTel SDK. Not part of the public surface.
 */
import type { Span, Tracer } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_OPERATION,
  GEN_AI_PROVIDER,
} from '@warden/core';

/** Deterministic pseudo-random numbers, so every run sends the same spans. */
export { seededRandom } from '@warden/testing';

export interface ChatCall {
  agent: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  /** Epoch milliseconds at the start of the call. */
  startMs: number;
}

function hrTime(ms: number): [number, number] {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

export function recordChat(tracer: Tracer, call: ChatCall): Span {
  const span = tracer.startSpan(`${GEN_AI_OPERATION.CHAT} ${call.model}`, {
    kind: 2, // CLIENT
    startTime: hrTime(call.startMs),
    attributes: {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.CHAT,
      [ATTR_GEN_AI_PROVIDER_NAME]: GEN_AI_PROVIDER.OPENAI,
      [ATTR_GEN_AI_REQUEST_MODEL]: call.model,
      [ATTR_GEN_AI_RESPONSE_MODEL]: call.model,
      [ATTR_GEN_AI_AGENT_NAME]: call.agent,
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: call.inputTokens,
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: call.outputTokens,
      [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
    },
  });
  span.end(hrTime(call.startMs + call.latencyMs));
  return span;
}

export function recordToolCall(tracer: Tracer, agent: string, tool: string, startMs: number, latencyMs = 5): Span {
  const span = tracer.startSpan(`${GEN_AI_OPERATION.EXECUTE_TOOL} ${tool}`, {
    kind: 0,
    startTime: hrTime(startMs),
    attributes: {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.EXECUTE_TOOL,
      [ATTR_GEN_AI_AGENT_NAME]: agent,
      [ATTR_GEN_AI_TOOL_NAME]: tool,
    },
  });
  span.end(hrTime(startMs + latencyMs));
  return span;
}

/** A span that is not a GenAI operation (an HTTP server span), to be ignored. */
export function recordHttpSpan(tracer: Tracer, startMs: number): Span {
  const span = tracer.startSpan('GET /orders', {
    kind: 1,
    startTime: hrTime(startMs),
    attributes: { 'http.request.method': 'GET', 'http.route': '/orders', 'http.response.status_code': 200 },
  });
  span.end(hrTime(startMs + 12));
  return span;
}

/**
 * `n` chat calls of one agent with a stable distribution; `outputScale` > 1 shifts the
 * output-token distribution (the drift a test or the bench wants detected).
 */
export function chatCalls(random: () => number, n: number, options: { agent: string; model: string; startMs: number; outputScale?: number }): ChatCall[] {
  const out: ChatCall[] = [];
  const scale = options.outputScale ?? 1;
  for (let i = 0; i < n; i++) {
    out.push({
      agent: options.agent,
      model: options.model,
      inputTokens: 400 + Math.floor(random() * 200),
      outputTokens: Math.round((150 + Math.floor(random() * 100)) * scale),
      latencyMs: 800 + Math.floor(random() * 400),
      startMs: options.startMs + i * 1000,
    });
  }
  return out;
}
