/**
 * The harness of the wrappers' overhead benches (openai, anthropic, ai-sdk, langchain), which
 * each carried a copy: an in-memory `fetch`, CPU time per call with variants interleaved, and
 * the ratio table.
 *
 * Time is the process's CPU time per call (user + system), so other processes on a shared
 * machine do not count; variants are interleaved (in rounds of many calls, or call by call)
 * so drift hits all of them alike, and each reports its median; the ratio is to the `bare`
 * variant of the same run. Spans go to one BasicTracerProvider with an exporter that drops
 * them, the same for every variant.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface OverheadRow {
  variant: string;
  callsPerSecond: number;
  /** CPU µs per call. */
  microsPerCall: number;
  /** CPU µs per call over the bare variant's. */
  addedMicros: number;
  /** Wall-clock µs per call (median of rounds), and over the bare variant's. */
  wallMicrosPerCall: number;
  addedWallMicros: number;
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
  /** Set up; returns the client to call and, if there is something to undo, a function that undoes it. */
  setup(): { client: C; teardown?(): void };
}

export interface OverheadBench<C> {
  /** Printed above the table. */
  title: string;
  scenarios: { name: string; call: (client: C) => Promise<unknown> }[];
  /** The variants, given the provider all of them record with. */
  variants: (provider: BasicTracerProvider) => OverheadVariant<C>[];
  /** Defaults for `calls` (per variant per round, or per variant with `interleave: 'call'`) and `rounds`. */
  calls: number;
  rounds: number;
  /**
   * 'round' (default): each round sets every variant up, times `calls` calls of it, and tears it
   * down. 'call': each variant is set up once per scenario, warmed up with `warmupCalls` calls,
   * then variants take turns call by call (rotating who goes first) and the median is per call;
   * for calls whose time varies a lot (GC, multi-step runs).
   */
  interleave?: 'round' | 'call';
  /** Warm-up calls per variant with `interleave: 'call'`. Default 30. */
  warmupCalls?: number;
  /**
   * Register the provider globally for the run, with the async-hooks context manager
   * `monitor()` installs, for instrumentations that record with the global provider.
   */
  registerGlobally?: boolean;
  /** Print an "added µs" column (µs per call over bare). */
  printAddedMicros?: boolean;
  /**
   * Export through a BatchSpanProcessor (as monitor() and most production setups do) instead of
   * a SimpleSpanProcessor, for every variant alike.
   */
  batchExport?: boolean;
}

/** Counts spans and drops them: exporting costs the same for every variant. */
export class DroppingExporter implements SpanExporter {
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
export function fetchFromMemory(bodies: {
  json: string;
  sse: string;
  headers: Record<string, string>;
}): (url: unknown, init?: { body?: unknown }) => Promise<Response> {
  return async (_url, init) => {
    const streaming = typeof init?.body === 'string' && init.body.includes('"stream":true');
    return streaming
      ? new Response(bodies.sse, { status: 200, headers: { 'content-type': 'text/event-stream', ...bodies.headers } })
      : new Response(bodies.json, { status: 200, headers: { 'content-type': 'application/json', ...bodies.headers } });
  };
}

/**
 * A `fetch` that answers OpenAI Chat Completions from memory for a one-tool agent loop: a call
 * of `toolCall` while tools are offered and no tool result is in the request yet, else `answer`;
 * an SSE stream of `answer` word by word (with a usage chunk) when the request streams.
 */
export function chatCompletionsFromMemory(reply: {
  answer: string;
  toolCall: { name: string; arguments: string };
}): (url: unknown, init?: { body?: unknown }) => Promise<Response> {
  const usage = { prompt_tokens: 42, completion_tokens: 9, total_tokens: 51 };
  const base = { object: 'chat.completion', created: 1_700_000_000, model: 'gpt-4o-mini', system_fingerprint: 'fp_bench' };
  const answerBody = JSON.stringify({
    ...base,
    id: 'chatcmpl-bench',
    choices: [{ index: 0, message: { role: 'assistant', content: reply.answer, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage,
  });
  const toolCallBody = JSON.stringify({
    ...base,
    id: 'chatcmpl-bench-tool',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_1', type: 'function', function: reply.toolCall }] },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ],
    usage,
  });
  const chunk = (delta: object, finish: string | null = null) => ({
    ...base,
    object: 'chat.completion.chunk',
    id: 'chatcmpl-bench',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const streamBody = [
    chunk({ role: 'assistant', content: '' }),
    ...reply.answer.split(/(?<= )/).map((w) => chunk({ content: w })),
    chunk({}, 'stop'),
    { ...base, object: 'chat.completion.chunk', id: 'chatcmpl-bench', choices: [], usage },
  ]
    .map((c) => `data: ${JSON.stringify(c)}\n\n`)
    .concat('data: [DONE]\n\n')
    .join('');
  return async (_url, init) => {
    const body = typeof init?.body === 'string' ? init.body : '';
    if (body.includes('"stream":true')) return new Response(streamBody, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    const toolTurn = body.includes('"tools"') && !body.includes('"role":"tool"');
    return new Response(toolTurn ? toolCallBody : answerBody, { status: 200, headers: { 'content-type': 'application/json' } });
  };
}

/** Wall-clock µs per call of the last timeCalls (CPU is what it returns). */
let lastWallMicros = 0;

/** CPU µs per call of `calls` sequential calls (wall-clock µs per call kept in lastWallMicros). */
async function timeCalls<C>(client: C, call: (c: C) => Promise<unknown>, calls: number): Promise<number> {
  const start = process.cpuUsage();
  const wallStart = performance.now();
  for (let i = 0; i < calls; i++) await call(client);
  lastWallMicros = ((performance.now() - wallStart) * 1000) / calls;
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** CPU µs per call of each variant, in rounds: set up, warm up, time `calls` calls, tear down. */
async function timeInRounds<C>(
  all: OverheadVariant<C>[],
  call: (c: C) => Promise<unknown>,
  calls: number,
  rounds: number,
  wall: Map<string, number[]>,
): Promise<Map<string, number[]>> {
  const micros = new Map<string, number[]>(all.map((v) => [v.name, []]));
  for (const v of all) wall.set(v.name, []);
  for (let round = 0; round < rounds; round++) {
    // Rotating who goes first, so drift and GC on a shared machine hit every variant alike.
    for (let k = 0; k < all.length; k++) {
      const variant = all[(round + k) % all.length]!;
      const { client, teardown } = variant.setup();
      try {
        await timeCalls(client, call, Math.ceil(calls / 5)); // warm-up
        micros.get(variant.name)!.push(await timeCalls(client, call, calls));
        wall.get(variant.name)!.push(lastWallMicros);
      } finally {
        teardown?.();
      }
    }
  }
  return micros;
}

/** CPU µs of each single call of each variant, the variants taking turns call by call. */
async function timeCallByCall<C>(
  all: OverheadVariant<C>[],
  call: (c: C) => Promise<unknown>,
  calls: number,
  warmupCalls: number,
  wall: Map<string, number[]>,
): Promise<Map<string, number[]>> {
  const micros = new Map<string, number[]>(all.map((v) => [v.name, []]));
  for (const v of all) wall.set(v.name, []);
  const setups = all.map((v) => ({ name: v.name, ...v.setup() }));
  try {
    for (const { client } of setups) for (let i = 0; i < warmupCalls; i++) await call(client); // warm-up (JIT)
    // Rotating who goes first, so drift and GC on a shared machine hit every variant alike.
    for (let i = 0; i < calls; i++)
      for (let k = 0; k < setups.length; k++) {
        const { name, client } = setups[(i + k) % setups.length]!;
        micros.get(name)!.push(await timeCalls(client, call, 1));
        wall.get(name)!.push(lastWallMicros);
      }
  } finally {
    for (const { teardown } of setups) teardown?.();
  }
  return micros;
}

/** Runs every scenario over every variant, interleaved; medians and ratios to `bare`. */
export async function runOverheadBench<C>(bench: OverheadBench<C>, options: OverheadBenchOptions = {}): Promise<OverheadScenario[]> {
  const calls = options.calls ?? bench.calls;
  const rounds = options.rounds ?? bench.rounds;
  const exporter = new DroppingExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [bench.batchExport ? new BatchSpanProcessor(exporter, { maxQueueSize: 2048 }) : new SimpleSpanProcessor(exporter)],
  });
  if (bench.registerGlobally) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
  }
  const results: OverheadScenario[] = [];
  try {
    const all = bench.variants(provider);
    for (const scenario of bench.scenarios) {
      const wall = new Map<string, number[]>();
      const micros =
        bench.interleave === 'call'
          ? await timeCallByCall(all, scenario.call, calls, bench.warmupCalls ?? 30, wall)
          : await timeInRounds(all, scenario.call, calls, rounds, wall);
      const bare = median(micros.get('bare')!);
      const bareWall = median(wall.get('bare')!);
      results.push({
        scenario: scenario.name,
        rows: all.map((v) => {
          const us = median(micros.get(v.name)!);
          const wallUs = median(wall.get(v.name)!);
          return {
            variant: v.name,
            microsPerCall: us,
            addedMicros: us - bare,
            callsPerSecond: 1e6 / us,
            ratioToBare: us / bare,
            wallMicrosPerCall: wallUs,
            addedWallMicros: wallUs - bareWall,
          };
        }),
      });
    }
  } finally {
    await provider.shutdown();
    if (bench.registerGlobally) {
      trace.disable();
      context.disable();
    }
  }
  if (exporter.spans === 0) throw new Error(`${bench.title}: no spans were exported; the instrumentation did not record`);
  if (options.print ?? true) printOverhead(bench.title, results, { addedMicros: bench.printAddedMicros });
  return results;
}

export function printOverhead(title: string, results: OverheadScenario[], columns: { addedMicros?: boolean } = {}): void {
  const width = Math.max(22, ...results.flatMap((r) => r.rows.map((row) => row.variant.length + 3)));
  const added = (text: string) => (columns.addedMicros ? text.padStart(10) : '');
  const wallAdded = (text: string) => (columns.addedMicros ? text.padStart(12) : '');
  console.log(`\n${title}`);
  for (const r of results) {
    console.log(`\n  ${r.scenario}`);
    console.log(
      `  ${'variant'.padEnd(width)}${'calls/s'.padStart(10)}${'µs/call'.padStart(10)}${added('added µs')}${'× bare'.padStart(9)}${wallAdded('wall added')}   (per CPU-second / CPU µs; wall µs)`,
    );
    for (const row of r.rows)
      console.log(
        `  ${row.variant.padEnd(width)}${row.callsPerSecond.toFixed(0).padStart(10)}${row.microsPerCall.toFixed(1).padStart(10)}${added(row.addedMicros.toFixed(1))}${row.ratioToBare.toFixed(2).padStart(9)}${wallAdded(row.addedWallMicros.toFixed(1))}`,
      );
  }
}
