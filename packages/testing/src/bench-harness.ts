/**
 * The harness of the client wrappers' overhead benches (openai, anthropic), which each carried
 * a copy: an in-memory `fetch`, CPU time per call in interleaved rounds, and the ratio table.
 *
 * Time is the process's CPU time per call (user + system), so other processes on a shared
 * machine do not count; variants run in interleaved rounds (median per variant) so drift hits
 * all of them alike; the ratio is to the `bare` variant of the same run. Spans go to one
 * BasicTracerProvider with an exporter that drops them, the same for every variant.
 */
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';

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

/** One way of calling the model; `bare` is the baseline every ratio is to. */
export interface OverheadVariant<C> {
  name: string;
  /** Set up; returns the client to call and a function that undoes the setup (run per round). */
  setup(): { client: C; teardown(): void };
}

export interface OverheadBench<C> {
  /** Printed above the table. */
  title: string;
  scenarios: { name: string; call: (client: C) => Promise<unknown> }[];
  /** The variants, given the provider all of them record with. */
  variants: (provider: BasicTracerProvider) => OverheadVariant<C>[];
  /** Defaults for `calls` (per variant per round) and `rounds`. */
  calls: number;
  rounds: number;
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

/**
 * Recorded stream chunks (one JSON payload a line, as in `__fixtures__/<case>.chunks.txt`) as an
 * SSE body; `eventOf` names the `event:` line of a payload, or leaves it out (OpenAI streams).
 */
export function sseBody(chunkLines: string, eventOf?: (line: string) => string): string {
  return chunkLines
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => `${eventOf ? `event: ${eventOf(l)}\n` : ''}data: ${l}\n\n`)
    .join('');
}

/** A `fetch` that answers every request from memory, as the API would, without a socket. */
export function fetchFromMemory(bodies: { json: string; sse: string; headers: Record<string, string> }): (url: unknown, init?: { body?: unknown }) => Promise<Response> {
  return async (_url, init) => {
    const streaming = typeof init?.body === 'string' && init.body.includes('"stream":true');
    return streaming
      ? new Response(bodies.sse, { status: 200, headers: { 'content-type': 'text/event-stream', ...bodies.headers } })
      : new Response(bodies.json, { status: 200, headers: { 'content-type': 'application/json', ...bodies.headers } });
  };
}

/** CPU µs per call of `calls` sequential calls. */
async function timeCalls<C>(client: C, call: (c: C) => Promise<unknown>, calls: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) await call(client);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs every scenario over every variant in interleaved rounds; medians and ratios to `bare`. */
export async function runOverheadBench<C>(bench: OverheadBench<C>, options: OverheadBenchOptions = {}): Promise<OverheadScenario[]> {
  const calls = options.calls ?? bench.calls;
  const rounds = options.rounds ?? bench.rounds;
  const exporter = new DroppingExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const all = bench.variants(provider);
  const results: OverheadScenario[] = [];
  for (const scenario of bench.scenarios) {
    const micros = new Map<string, number[]>(all.map((v) => [v.name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const variant of all) {
        const { client, teardown } = variant.setup();
        try {
          await timeCalls(client, scenario.call, Math.ceil(calls / 5)); // warm-up
          micros.get(variant.name)!.push(await timeCalls(client, scenario.call, calls));
        } finally {
          teardown();
        }
      }
    }
    const bare = median(micros.get('bare')!);
    results.push({
      scenario: scenario.name,
      rows: all.map((v) => {
        const us = median(micros.get(v.name)!);
        return { variant: v.name, microsPerCall: us, callsPerSecond: 1e6 / us, ratioToBare: us / bare };
      }),
    });
  }
  await provider.shutdown();
  if (exporter.spans === 0) throw new Error(`${bench.title}: no spans were exported; the instrumentation did not record`);
  if (options.print ?? true) printOverhead(bench.title, results);
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
