import { describe, expect, it } from 'vitest';
import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_AGENT_VERSION,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS_LEGACY,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS_LEGACY,
  ATTR_WARDEN_OUTPUT_LENGTH,
  ATTR_WARDEN_PROMPT_VERSION,
  ATTR_WARDEN_REFUSAL,
  ATTR_WARDEN_STREAM,
  ATTR_WARDEN_SUPERSEDED,
  ATTR_WARDEN_TOOL_CALLS_NAMES,
} from './semconv';
import { AI_SDK_ATTR, callRecordFromSpan } from './call-record';
import type { FinishedSpan } from './finished-span';

function endSpan(name: string, attributes: Attributes, opts: { error?: boolean; durationMs?: number } = {}): ReadableSpan {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const start = 1_767_225_600_000;
  const span = provider.getTracer('test').startSpan(name, { attributes, startTime: start });
  if (opts.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  span.end(start + (opts.durationMs ?? 1234));
  return exporter.getFinishedSpans()[0];
}

describe('callRecordFromSpan', () => {
  it('reads a GenAI chat span recorded with the real OTel SDK', () => {
    const span = endSpan('chat gpt-4o-mini', {
      [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
      [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini',
      [ATTR_GEN_AI_RESPONSE_MODEL]: 'gpt-4o-mini-2024-07-18',
      [ATTR_GEN_AI_AGENT_NAME]: 'support-bot',
      [ATTR_GEN_AI_AGENT_VERSION]: '3',
      [ATTR_WARDEN_PROMPT_VERSION]: 'p7',
      [ATTR_GEN_AI_CONVERSATION_ID]: 'conv-1',
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 812,
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 210,
      [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['tool_calls'],
      [ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]: 0.25,
      [ATTR_WARDEN_TOOL_CALLS_NAMES]: ['search', 'lookup_order'],
      [ATTR_WARDEN_OUTPUT_LENGTH]: 840,
      [ATTR_WARDEN_STREAM]: true,
    });
    const r = callRecordFromSpan(span, 'shop')!;
    expect(r).toMatchObject({
      operation: 'chat',
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      requestModel: 'gpt-4o-mini',
      agent: 'support-bot',
      agentVersion: '3',
      promptVersion: 'p7',
      conversationId: 'conv-1',
      inputTokens: 812,
      outputTokens: 210,
      finishReasons: ['tool_calls'],
      toolCalls: ['search', 'lookup_order'],
      outputLength: 840,
      streamed: true,
      timeToFirstChunkMs: 250,
      latencyMs: 1234,
      time: 1_767_225_600_000 + 1234,
      // The SDK's default resource says unknown_service, so the given name wins.
      service: 'shop',
    });
    expect(r.traceId).toBe(span.spanContext().traceId);
    expect(r.spanId).toBe(span.spanContext().spanId);
    expect(r.errorType).toBeUndefined();
  });

  it('returns undefined for spans that are not GenAI (HTTP, DB...)', () => {
    expect(callRecordFromSpan(endSpan('GET /', { 'http.request.method': 'GET' }))).toBeUndefined();
    expect(callRecordFromSpan(endSpan('ai.generateText', { [AI_SDK_ATTR.MODEL_ID]: 'gpt-4o' }))).toBeUndefined();
  });

  it('skips a span that another Warden span supersedes', () => {
    expect(callRecordFromSpan(endSpan('ai.generateText.doGenerate', { [ATTR_GEN_AI_SYSTEM]: 'openai.chat', [ATTR_WARDEN_SUPERSEDED]: true }))).toBeUndefined();
  });

  it('reads legacy token names, gen_ai.system and the Vercel AI SDK telemetry names', () => {
    const r = callRecordFromSpan(
      endSpan('ai.generateText.doGenerate', {
        [ATTR_GEN_AI_SYSTEM]: 'openai.chat',
        [ATTR_GEN_AI_USAGE_PROMPT_TOKENS_LEGACY]: 11,
        [ATTR_GEN_AI_USAGE_COMPLETION_TOKENS_LEGACY]: 22,
        [AI_SDK_ATTR.MODEL_ID]: 'gpt-4o',
        [AI_SDK_ATTR.FINISH_REASON]: 'length',
        [AI_SDK_ATTR.FUNCTION_ID]: 'summarizer',
      }),
    )!;
    expect(r).toMatchObject({
      operation: 'chat',
      provider: 'openai.chat',
      model: 'gpt-4o',
      inputTokens: 11,
      outputTokens: 22,
      finishReasons: ['length'],
      agent: 'summarizer',
    });
    const sdkOnly = callRecordFromSpan(
      endSpan('ai.generateText.doGenerate', { [ATTR_GEN_AI_SYSTEM]: 'x', [AI_SDK_ATTR.PROMPT_TOKENS]: 5, [AI_SDK_ATTR.COMPLETION_TOKENS]: 6 }),
    )!;
    expect(sdkOnly).toMatchObject({ inputTokens: 5, outputTokens: 6 });
    const tool = callRecordFromSpan(endSpan('ai.toolCall', { [AI_SDK_ATTR.OPERATION_ID]: 'ai.toolCall', [AI_SDK_ATTR.TOOL_CALL_NAME]: 'weather' }))!;
    expect(tool).toMatchObject({ operation: 'execute_tool', tool: 'weather' });
  });

  it('marks errors from error.type or from an ERROR status', () => {
    expect(callRecordFromSpan(endSpan('chat', { [ATTR_GEN_AI_OPERATION_NAME]: 'chat', [ATTR_ERROR_TYPE]: 'RateLimitError' }, { error: true }))?.errorType).toBe(
      'RateLimitError',
    );
    expect(callRecordFromSpan(endSpan('chat', { [ATTR_GEN_AI_OPERATION_NAME]: 'chat' }, { error: true }))?.errorType).toBe('_OTHER');
  });

  it('drops NaN, negative, huge and non-numeric values; keeps unicode names, cut to a bounded length', () => {
    const long = '🔧'.repeat(300);
    const r = callRecordFromSpan(
      endSpan('execute_tool', {
        [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool',
        [ATTR_GEN_AI_TOOL_NAME]: long,
        [ATTR_GEN_AI_AGENT_NAME]: 'агент-поддержки',
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: NaN,
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: -5,
        [ATTR_WARDEN_OUTPUT_LENGTH]: 1e300,
        [ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]: 'soon',
        [ATTR_WARDEN_TOOL_CALLS_NAMES]: 'single',
        [ATTR_WARDEN_REFUSAL]: 'yes',
      }),
    )!;
    expect(r.agent).toBe('агент-поддержки');
    expect(r.tool!.length).toBeLessThanOrEqual(200);
    // Never half a surrogate pair.
    expect(r.tool).toBe('🔧'.repeat(100));
    expect(r.inputTokens).toBeUndefined();
    expect(r.outputTokens).toBeUndefined();
    expect(r.outputLength).toBeUndefined();
    expect(r.timeToFirstChunkMs).toBeUndefined();
    expect(r.refusal).toBeUndefined();
    expect(r.toolCalls).toEqual(['single']);
  });

  it('accepts a span decoded from OTLP (plain object), with odd shapes', () => {
    const decoded: FinishedSpan = {
      name: 'chat',
      attributes: { [ATTR_GEN_AI_OPERATION_NAME]: 'chat', [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: '42', [ATTR_WARDEN_TOOL_CALLS_NAMES]: ['a', '', 'b'] },
      startTime: [1_767_225_600, 0],
      endTime: [1_767_225_601, 500_000_000],
      status: { code: 0 },
      spanContext: () => ({ traceId: 'abc', spanId: 'def' }),
      resource: { attributes: { 'service.name': 'fleet-a' } },
    };
    expect(callRecordFromSpan(decoded, 'ignored')).toMatchObject({
      service: 'fleet-a',
      latencyMs: 1500,
      outputTokens: 42,
      toolCalls: ['a', 'b'],
      traceId: 'abc',
    });
    const broken = { ...decoded, startTime: [NaN, 0] as [number, number], endTime: undefined as unknown as [number, number] };
    expect(callRecordFromSpan(broken)).toMatchObject({ latencyMs: 0, time: 0 });
  });
});
