import { trace, type Tracer } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { chatCompletionsFromMemory, fetchFromMemory, runOverheadBench, sseBody, type OverheadBench } from './bench-harness';

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

  it('interleave "call" sets each variant up once per scenario and takes one time per call; registerGlobally records with the global provider', async () => {
    const setups: string[] = [];
    const torn: string[] = [];
    const callBench: OverheadBench<string> = {
      title: 'call by call',
      scenarios: [{ name: 'global span', call: async (name) => name === 'traced' && trace.getTracer('t').startSpan('call').end() }],
      variants: () => ['bare', 'traced'].map((name) => ({ name, setup: () => (setups.push(name), { client: name, teardown: () => void torn.push(name) }) })),
      calls: 50,
      rounds: 99,
      interleave: 'call',
      warmupCalls: 2,
      registerGlobally: true,
    };
    const [result] = await runOverheadBench(callBench, { print: false });
    expect([setups, torn]).toEqual([
      ['bare', 'traced'],
      ['bare', 'traced'],
    ]);
    expect(result!.rows[0]!.addedMicros).toBe(0);
    for (const row of result!.rows) expect(row.addedMicros).toBeCloseTo(row.microsPerCall - result!.rows[0]!.microsPerCall);
    // The run leaves no global provider behind.
    expect(trace.getTracer('t').startSpan('after').isRecording()).toBe(false);
  });

  it('chatCompletionsFromMemory answers a tool call while tools are offered and unanswered, else the answer, or streams it', async () => {
    const fetch = chatCompletionsFromMemory({ answer: 'Order 7 shipped.', toolCall: { name: 'lookup_order', arguments: '{"id":"7"}' } });
    const json = async (body: object) =>
      (await (await fetch('http://x.invalid', { body: JSON.stringify(body) })).json()) as {
        choices: { message: { content: string | null; tool_calls?: { function: { name: string } }[] } }[];
      };
    const toolTurn = await json({ messages: [{ role: 'user' }], tools: [{}] });
    expect(toolTurn.choices[0]!.message.tool_calls![0]!.function.name).toBe('lookup_order');
    expect((await json({ messages: [{ role: 'tool' }], tools: [{}] })).choices[0]!.message.content).toBe('Order 7 shipped.');
    const sse = await (await fetch('http://x.invalid', { body: '{"stream":true}' })).text();
    const words = sse
      .split('\n\n')
      .filter((e) => e.startsWith('data: {'))
      .map((e) => (JSON.parse(e.slice(6)) as { choices: { delta?: { content?: string } }[] }).choices[0]?.delta?.content ?? '');
    expect([words.join(''), sse.endsWith('data: [DONE]\n\n')]).toEqual(['Order 7 shipped.', true]);
  });
});
