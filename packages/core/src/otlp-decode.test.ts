import { describe, expect, it } from 'vitest';
import { callRecordFromSpan } from './call-record';
import { decodeOtlpTraces, MalformedOtlpError } from './otlp-decode';

const span = (over: Record<string, unknown> = {}) => ({
  traceId: 'AB'.repeat(16),
  spanId: 'cd'.repeat(8),
  name: 'chat gpt-4o',
  kind: 3,
  startTimeUnixNano: '1700000000000000000',
  endTimeUnixNano: '1700000000250000001',
  attributes: [
    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
    { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o ✓' } },
    { key: 'gen_ai.usage.input_tokens', value: { intValue: '12' } },
    { key: 'gen_ai.response.finish_reasons', value: { arrayValue: { values: [{ stringValue: 'stop' }] } } },
    { key: 'x.map', value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } } },
  ],
  events: [{ name: 'warden.alert', attributes: [{ key: 'warden.alert.kind', value: { stringValue: 'drift' } }] }],
  ...over,
});
const request = (spans: unknown[]) => ({
  resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ scope: { name: 's' }, spans }] }],
});

describe('decodeOtlpTraces (OTLP/JSON)', () => {
  it('decodes a span into a FinishedSpan that callRecordFromSpan reads', () => {
    const decoded = decodeOtlpTraces(request([span()]), 'json');
    expect(decoded).toMatchObject({ totalSpans: 1, rejectedSpans: 0 });
    const [{ span: s, service }] = decoded.spans;
    expect(service).toBe('svc');
    expect(s.spanContext().traceId).toBe('ab'.repeat(16));
    expect(s.kind).toBe(2); // OTLP CLIENT=3 is the API's CLIENT=2
    expect(s.duration).toEqual([0, 250_000_001]);
    expect(s.attributes['x.map']).toBe('{"k":true}');
    expect(s.events[0]!.time).toEqual(s.endTime);
    expect(callRecordFromSpan(s)).toMatchObject({
      operation: 'chat',
      requestModel: 'gpt-4o ✓',
      inputTokens: 12,
      finishReasons: ['stop'],
      service: 'svc',
      latencyMs: 250.000001,
    });
  });

  it('drops and counts malformed spans, keeping the rest (partial success)', () => {
    const decoded = decodeOtlpTraces(request([span(), span({ traceId: 'nothex' }), span({ endTimeUnixNano: '1' }), span({ attributes: 'x' })]), 'json');
    expect(decoded.spans).toHaveLength(1);
    expect(decoded).toMatchObject({ totalSpans: 4, rejectedSpans: 3 });
    expect(decoded.rejectReasons).toEqual(['invalid traceId', 'invalid start/end time', 'attributes is not a list']);
  });

  it('drops a malformed attribute value, not the span that carries it', () => {
    const attributes = [
      { key: 'ok', value: { stringValue: 'é😀' } },
      { key: 'bad-int', value: { intValue: 'many' } },
      { key: 'bad-string', value: { stringValue: 7 } },
      { key: 'list', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 2 }, { boolValue: 'no' }, {}] } } },
    ];
    const [{ span: s }] = decodeOtlpTraces(request([span({ attributes })]), 'json').spans;
    expect(s.attributes).toEqual({ ok: 'é😀', list: ['x', 2] });
  });

  it('throws MalformedOtlpError for what is not a trace request', () => {
    expect(() => decodeOtlpTraces([1, 2], 'json')).toThrow(MalformedOtlpError);
    expect(() => decodeOtlpTraces({ resourceSpans: 'x' }, 'json')).toThrow(/resourceSpans is not a list/);
    expect(decodeOtlpTraces({}, 'json').spans).toEqual([]);
  });
});
