import { describe, expect, it } from 'vitest';
import type { Attributes } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_WARDEN_OUTPUT_LENGTH,
  ATTR_WARDEN_TOOL_CALLS_NAMES,
  onInternalError,
  type Alert,
  type CallRecord,
} from '@warden/core';
import { Analyzer } from './analyzer';
import { ATTR_WARDEN_ALERT_DETECTOR, ATTR_WARDEN_ALERT_KIND, EVENT_WARDEN_ALERT } from '@warden/core';
import { AnalyzerSpanProcessor } from './span-processor';
import { DEFAULT_STREAM, RecordStream } from './synthetic-streams';

function attributesOf(r: CallRecord): Attributes {
  const a: Attributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: r.operation,
    [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
    [ATTR_GEN_AI_REQUEST_MODEL]: r.model,
    [ATTR_GEN_AI_AGENT_NAME]: r.agent,
    [ATTR_GEN_AI_CONVERSATION_ID]: r.conversationId,
    [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: r.inputTokens,
    [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: r.outputTokens,
    [ATTR_WARDEN_OUTPUT_LENGTH]: r.outputLength,
    [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: r.finishReasons,
  };
  if (r.toolCalls.length) a[ATTR_WARDEN_TOOL_CALLS_NAMES] = r.toolCalls;
  if (r.errorType) a[ATTR_ERROR_TYPE] = r.errorType;
  return a;
}

function emitSpans(provider: BasicTracerProvider, s: RecordStream, n: number): void {
  const tracer = provider.getTracer('test');
  for (let i = 0; i < n; i++) {
    const r = s.next();
    const span = tracer.startSpan(`chat ${r.model}`, { attributes: attributesOf(r), startTime: r.time - r.latencyMs });
    span.end(r.time);
    // Non-GenAI spans are ignored cheaply.
    if (i % 10 === 0) tracer.startSpan('GET /health', { attributes: { 'http.request.method': 'GET' } }).end();
  }
}

describe('AnalyzerSpanProcessor', () => {
  it('records each alert as a warden.alert event on the span that triggered it, exported with it', () => {
    const analyzer = new Analyzer();
    const exporter = new InMemorySpanExporter();
    const processor = new AnalyzerSpanProcessor(analyzer, { service: 'shop' });
    const asSdkProcessor: SpanProcessor = processor;
    // The exporter's processor comes first: onEnding runs for every processor before any onEnd.
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), asSdkProcessor] });
    const alerts: Alert[] = [];
    analyzer.on('alert', (a) => alerts.push(a));
    const s = new RecordStream({ ...DEFAULT_STREAM, seed: 51 });
    emitSpans(provider, s, 1000);
    expect(alerts).toEqual([]);
    s.spec = { ...s.spec, meanOutputTokens: 630 };
    emitSpans(provider, s, 300);
    expect(alerts.length).toBeGreaterThan(0);
    const first = alerts[0];
    const withEvent = exporter.getFinishedSpans().filter((sp) => sp.events.some((e) => e.name === EVENT_WARDEN_ALERT));
    expect(withEvent.length).toBe(new Set(alerts.map((a) => a.traceIds[a.traceIds.length - 1])).size);
    const span = withEvent.find((sp) => sp.events.some((e) => e.attributes?.[ATTR_WARDEN_ALERT_DETECTOR] === first.detector))!;
    expect(span.spanContext().traceId).toBe(first.traceIds[first.traceIds.length - 1]);
    expect(span.events.find((e) => e.name === EVENT_WARDEN_ALERT)?.attributes).toMatchObject({
      [ATTR_WARDEN_ALERT_KIND]: 'drift',
      'warden.alert.id': first.id,
    });
    // Each GenAI span analysed exactly once; the health checks not at all.
    expect(analyzer.groups()).toHaveLength(1);
    expect(analyzer.groups()[0]).toMatchObject({ count: 1300, key: { service: 'shop', agent: 'support-bot' } });
  });

  it('falls back to onEnd when the SDK does not call onEnding, analysing each span once', async () => {
    const analyzer = new Analyzer();
    const processor = new AnalyzerSpanProcessor(analyzer);
    // What an SDK without onEnding (1.x) sees of the processor.
    const legacyView: SpanProcessor = {
      onStart: (span, ctx) => processor.onStart(span, ctx),
      onEnd: (span) => processor.onEnd(span),
      forceFlush: () => processor.forceFlush(),
      shutdown: () => processor.shutdown(),
    };
    const provider = new BasicTracerProvider({ spanProcessors: [legacyView] });
    const alerts: Alert[] = [];
    analyzer.on('alert', (a) => alerts.push(a));
    const s = new RecordStream({ ...DEFAULT_STREAM, seed: 52 });
    emitSpans(provider, s, 1000);
    s.spec = { ...s.spec, meanOutputTokens: 630 };
    emitSpans(provider, s, 300);
    expect(analyzer.groups()[0].count).toBe(1300);
    expect(alerts.some((a) => a.detector === 'numeric_drift.output_tokens')).toBe(true);
    await provider.shutdown();
  });

  it('reports its own failures instead of throwing into the app', () => {
    const processor = new AnalyzerSpanProcessor(new Analyzer());
    const where: string[] = [];
    const off = onInternalError((e) => where.push(e.where));
    expect(() => processor.onEnd({ attributes: { [ATTR_GEN_AI_OPERATION_NAME]: 'chat' } } as never)).not.toThrow();
    expect(() => processor.onEnding({ attributes: { [ATTR_GEN_AI_OPERATION_NAME]: 'chat' } } as never)).not.toThrow();
    off();
    expect(where).toEqual(['analyzer.spanProcessor.onEnd', 'analyzer.spanProcessor.onEnding']);
  });
});
