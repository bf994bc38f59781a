/**
 * Added cost per call of wrapping an Anthropic client.
 *
 * Every variant calls the same real `@anthropic-ai/sdk` client through a `fetch` that answers
 * from memory (no sockets), so the time is the SDK plus the instrumentation, not the network.
 * Spans go to one BasicTracerProvider with an exporter that drops them, the same for all.
 * Time is the process's CPU time per call (user + system), so other processes on a shared
 * machine do not count; variants run in interleaved rounds (median per variant); the ratio
 * is to the bare client of the same run. "sdk spans" is the SDK's own tracing given the
 * same provider, for comparison: a wrapped client records Warden's span instead of it.
 *
 * Run alone: `node --import tsx packages/anthropic/bench/overhead.ts`
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { wrapAnthropic } from '../src/index';

export interface OverheadRow {
  variant: string;
  callsPerSecond: number;
  /** CPU µs per call. */
  microsPerCall: number;
  /** µs per call of this variant over µs per call of the bare client. */
  ratioToBare: number;
}

export interface OverheadScenario {
  scenario: string;
  rows: OverheadRow[];
}

export interface OverheadBenchOptions {
  /** Calls per variant per round. */
  calls?: number;
  rounds?: number;
  print?: boolean;
}

/** Counts spans and drops them: exporting costs the same for every variant. */
class DroppingExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.spans += spans.length;
    done({ code: 0 }); // ExportResultCode.SUCCESS
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const fixture = (name: string) => readFileSync(new URL(`../src/__fixtures__/${name}`, import.meta.url), 'utf8');
const messageBody = fixture('message-cached-usage.json');
const streamBody = fixture('message-ping-and-cache.chunks.txt')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => `event: ${/^\{"type":"([a-z_]+)"/.exec(l)?.[1] ?? 'message'}\ndata: ${l}\n\n`)
  .join('');

/** Answers every request from memory, as the API would, without a socket. */
const fetchFromMemory = async (_url: unknown, init?: { body?: unknown }): Promise<Response> => {
  const streaming = typeof init?.body === 'string' && init.body.includes('"stream":true');
  return streaming
    ? new Response(streamBody, { status: 200, headers: { 'content-type': 'text/event-stream', 'request-id': 'req_bench' } })
    : new Response(messageBody, { status: 200, headers: { 'content-type': 'application/json', 'request-id': 'req_bench' } });
};

const newClient = (options: ConstructorParameters<typeof Anthropic>[0] = {}) =>
  new Anthropic({ apiKey: 'sk-ant-bench', baseURL: 'http://in-memory.invalid', maxRetries: 0, fetch: fetchFromMemory, ...options });

const request = {
  model: 'claude-sonnet-4-6',
  max_tokens: 256,
  system: 'You are a support agent for an online shop.',
  messages: [{ role: 'user' as const, content: 'Where is my order 7? It was due yesterday.' }],
};

const scenarios: { name: string; call: (c: Anthropic) => Promise<unknown> }[] = [
  { name: 'messages.create', call: (c) => c.messages.create(request) },
  {
    name: 'messages.create (stream)',
    call: async (c) => {
      let n = 0;
      for await (const _event of await c.messages.create({ ...request, stream: true })) n++;
      return n;
    },
  },
  { name: 'messages.stream().finalMessage()', call: (c) => c.messages.stream(request).finalMessage() },
];

async function timeCalls(client: Anthropic, call: (c: Anthropic) => Promise<unknown>, calls: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) await call(client);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runAnthropicOverheadBench(options: OverheadBenchOptions = {}): Promise<OverheadScenario[]> {
  const calls = options.calls ?? 200;
  const rounds = options.rounds ?? 5;
  const exporter = new DroppingExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const variants: { name: string; client: Anthropic }[] = [
    // The global provider is the no-op one here, so the bare client's own tracing records nothing.
    { name: 'bare', client: newClient() },
    { name: 'sdk spans', client: newClient({ openTelemetry: { tracerProvider: provider } }) },
    { name: 'warden', client: wrapAnthropic(newClient(), { tracerProvider: provider }) },
    { name: 'warden (content on)', client: wrapAnthropic(newClient(), { tracerProvider: provider, captureContent: true }) },
  ];
  const results: OverheadScenario[] = [];
  for (const scenario of scenarios) {
    const micros = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const v of variants) {
        await timeCalls(v.client, scenario.call, Math.ceil(calls / 5)); // warm-up
        micros.get(v.name)!.push(await timeCalls(v.client, scenario.call, calls));
      }
    }
    const bare = median(micros.get('bare')!);
    results.push({
      scenario: scenario.name,
      rows: variants.map((v) => {
        const us = median(micros.get(v.name)!);
        return { variant: v.name, microsPerCall: us, callsPerSecond: 1e6 / us, ratioToBare: us / bare };
      }),
    });
  }
  await provider.shutdown();
  if (exporter.spans === 0) throw new Error('overhead bench: no spans were exported; the wrapper did not record');
  if (options.print ?? true) printOverhead('@warden/anthropic overhead per call (in-memory transport)', results);
  return results;
}

export function printOverhead(title: string, results: OverheadScenario[]): void {
  console.log(`\n${title}`);
  for (const r of results) {
    console.log(`\n  ${r.scenario}`);
    console.log(`  ${'variant'.padEnd(22)}${'calls/s'.padStart(10)}${'µs/call'.padStart(10)}${'× bare'.padStart(9)}   (per CPU-second / CPU µs)`);
    for (const row of r.rows)
      console.log(
        `  ${row.variant.padEnd(22)}${row.callsPerSecond.toFixed(0).padStart(10)}${row.microsPerCall.toFixed(1).padStart(10)}${row.ratioToBare.toFixed(2).padStart(9)}`,
      );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runAnthropicOverheadBench();
}
