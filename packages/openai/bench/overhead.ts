/**
 * Added cost per call of wrapping an OpenAI client, beside its peers.
 *
 * Every variant calls the same real `openai` client through a `fetch` that answers from
 * memory (no sockets), so the time is the SDK plus the instrumentation, not the network.
 * Spans go to one BasicTracerProvider with an exporter that drops them, the same for all.
 * Time is the process's CPU time per call (user + system), so other processes on a shared
 * machine do not count; variants run in interleaved rounds (median per variant) so drift
 * hits all of them alike; the ratio is to the bare client of the same run.
 *
 * Run alone: `node --import tsx packages/openai/bench/overhead.ts`
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { OpenAIInstrumentation as OpenInferenceInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OpenAIInstrumentation as TraceloopInstrumentation } from '@traceloop/instrumentation-openai';
import OpenAI from 'openai';
import { wrapOpenAI } from '../src/index';

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
const completionBody = fixture('chat-cached-usage.json');
const streamBody = fixture('chat-usage-only.chunks.txt')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => `data: ${l}\n\n`)
  .join('');

/** Answers every request from memory, as the API would, without a socket. */
const fetchFromMemory = async (_url: unknown, init?: { body?: unknown }): Promise<Response> => {
  const streaming = typeof init?.body === 'string' && init.body.includes('"stream":true');
  return streaming
    ? new Response(streamBody, { status: 200, headers: { 'content-type': 'text/event-stream', 'x-request-id': 'req_bench' } })
    : new Response(completionBody, { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'req_bench' } });
};

const newClient = () => new OpenAI({ apiKey: 'sk-bench', baseURL: 'http://in-memory.invalid/v1', maxRetries: 0, fetch: fetchFromMemory });

const messages = [
  { role: 'system' as const, content: 'You are a support agent for an online shop.' },
  { role: 'user' as const, content: 'Where is my order 7? It was due yesterday.' },
];

const scenarios: { name: string; call: (c: OpenAI) => Promise<unknown> }[] = [
  { name: 'chat.completions.create', call: (c) => c.chat.completions.create({ model: 'gpt-4o-mini', messages, n: 2 }) },
  {
    name: 'chat.completions.create (stream)',
    call: async (c) => {
      const stream = await c.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
      let n = 0;
      for await (const _chunk of stream) n++;
      return n;
    },
  },
];

interface Variant {
  name: string;
  /** Set up; returns the client to call and a function that undoes the setup. */
  setup(): { client: OpenAI; teardown(): void };
}

/** Prototype methods the peers patch; restored after each of their rounds. */
function saveSharedPrototypes(): () => void {
  const targets: [object, string][] = [
    [OpenAI.Chat.Completions.prototype, 'create'],
    [OpenAI.Completions.prototype, 'create'],
    [OpenAI.Embeddings.prototype, 'create'],
    [OpenAI.Responses.prototype, 'create'],
    [OpenAI.Images.prototype, 'generate'],
    [OpenAI.Images.prototype, 'edit'],
    [OpenAI.Images.prototype, 'createVariation'],
  ];
  const saved = targets.map(([proto, key]) => [proto, key, (proto as Record<string, unknown>)[key]] as const);
  return () => {
    for (const [proto, key, value] of saved) (proto as Record<string, unknown>)[key] = value;
  };
}

function variants(provider: BasicTracerProvider): Variant[] {
  return [
    { name: 'bare', setup: () => ({ client: newClient(), teardown() {} }) },
    { name: 'warden', setup: () => ({ client: wrapOpenAI(newClient(), { tracerProvider: provider }), teardown() {} }) },
    {
      name: 'warden (content on)',
      setup: () => ({ client: wrapOpenAI(newClient(), { tracerProvider: provider, captureContent: true }), teardown() {} }),
    },
    {
      name: 'traceloop',
      setup() {
        const restore = saveSharedPrototypes();
        const instrumentation = new TraceloopInstrumentation();
        instrumentation.setTracerProvider(provider);
        instrumentation.manuallyInstrument(OpenAI as never);
        return { client: newClient(), teardown: restore };
      },
    },
    {
      name: 'openinference',
      setup() {
        const restore = saveSharedPrototypes();
        const instrumentation = new OpenInferenceInstrumentation({ tracerProvider: provider });
        const moduleExports = { OpenAI };
        instrumentation.manuallyInstrument(moduleExports as never);
        return {
          client: newClient(),
          teardown() {
            instrumentation.unpatch(moduleExports as never);
            restore();
          },
        };
      },
    },
  ];
}

/** CPU µs per call of `calls` sequential calls. */
async function timeCalls(client: OpenAI, call: (c: OpenAI) => Promise<unknown>, calls: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) await call(client);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runOpenAIOverheadBench(options: OverheadBenchOptions = {}): Promise<OverheadScenario[]> {
  const calls = options.calls ?? 300;
  const rounds = options.rounds ?? 5;
  const exporter = new DroppingExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const all = variants(provider);
  const results: OverheadScenario[] = [];
  for (const scenario of scenarios) {
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
  if (exporter.spans === 0) throw new Error('overhead bench: no spans were exported; the instrumentations did not record');
  if (options.print ?? true) printOverhead('@warden/openai overhead per call (in-memory transport)', results);
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
  await runOpenAIOverheadBench();
}
