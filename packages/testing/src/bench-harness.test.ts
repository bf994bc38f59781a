import type { Tracer } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { fetchFromMemory, runOverheadBench, sseBody, type OverheadBench } from './bench-harness';

describe('bench harness', () => {
  it('sseBody frames one data line per recorded payload, with an event line when asked', () => {
    const lines = '{"type":"ping"}\n\n{"id":1}\n';
    expect(sseBody(lines)).toBe('data: {"type":"ping"}\n\ndata: {"id":1}\n\n');
    expect(sseBody(lines, (l) => (l.includes('ping') ? 'ping' : 'message'))).toBe('event: ping\ndata: {"type":"ping"}\n\nevent: message\ndata: {"id":1}\n\n');
  });

  it('fetchFromMemory answers JSON, or SSE for a streaming request body, with the given headers', async () => {
    const fetch = fetchFromMemory({ json: '{"ok":true}', sse: 'data: {}\n\n', headers: { 'x-request-id': 'req_1' } });
    const plain = await fetch('http://x.invalid', { body: '{"model":"m"}' });
    expect([plain.headers.get('content-type'), plain.headers.get('x-request-id'), await plain.text()]).toEqual(['application/json', 'req_1', '{"ok":true}']);
    const streamed = await fetch('http://x.invalid', { body: '{"model":"m","stream":true}' });
    expect([streamed.headers.get('content-type'), await streamed.text()]).toEqual(['text/event-stream', 'data: {}\n\n']);
  });

  // A "client" is a tracer or nothing; the table shape and the span check are what is tested, not the times.
  const bench = (record: boolean): OverheadBench<Tracer | undefined> => ({
    title: 'harness test',
    scenarios: [{ name: 'one span', call: async (tracer) => tracer?.startSpan('call').end() }],
    variants: (provider) => [
      { name: 'bare', setup: () => ({ client: undefined, teardown() {} }) },
      { name: 'traced', setup: () => ({ client: record ? provider.getTracer('t') : undefined, teardown() {} }) },
    ],
    calls: 200,
    rounds: 1,
  });

  it('runOverheadBench gives one row per variant, the bare one at ratio 1', async () => {
    const [result] = await runOverheadBench(bench(true), { print: false });
    expect(result!.scenario).toBe('one span');
    expect(result!.rows.map((r) => r.variant)).toEqual(['bare', 'traced']);
    expect(result!.rows[0]!.ratioToBare).toBe(1);
    for (const row of result!.rows) expect(row.callsPerSecond).toBeCloseTo(1e6 / row.microsPerCall);
  });

  it('runOverheadBench refuses a run in which nothing recorded a span', async () => {
    await expect(runOverheadBench(bench(false), { print: false })).rejects.toThrow('harness test: no spans were exported');
  });
});
