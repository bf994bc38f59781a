/**
 * Added cost per `generateText` / `streamText` of wrapping an AI SDK model with Warden,
 * beside the AI SDK's own telemetry.
 *
 * Every variant calls the real `ai` + `@ai-sdk/openai` through a `fetch` that answers from
 * memory (no sockets), so the time is the SDK plus the instrumentation, not the network.
 * Spans go to one BasicTracerProvider (registered globally, with the async-hooks context
 * manager monitor() installs) whose exporter drops them, the same for all variants. Time is
 * the process's CPU time per call (user + system), so other processes on a shared machine
 * do not count; variants take turns call by call and each reports its median CPU time per
 * call; the ratio is to the bare model of the same run.
 *
 * Run alone: `node --import tsx packages/ai-sdk/bench/overhead.ts`
 */
import { pathToFileURL } from 'node:url';
import { createOpenAI } from '@ai-sdk/openai';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { generateText, stepCountIs, streamText, tool, type LanguageModel, type ToolSet } from 'ai';
import { z } from 'zod';
import { wardenTools, wrapAISDKModel } from '../src/index';

export interface OverheadRow {
  variant: string;
  callsPerSecond: number;
  /** Median CPU µs per call. */
  microsPerCall: number;
  /** CPU µs per call over the bare model's. */
  addedMicros: number;
  /** µs per call of this variant over µs per call of the bare model. */
  ratioToBare: number;
}

export interface OverheadScenario {
  scenario: string;
  rows: OverheadRow[];
}

export interface OverheadBenchOptions {
  /** Timed calls per variant. */
  calls?: number;
  print?: boolean;
}

/** Counts spans and drops them: exporting costs the same for every variant. */
class DroppingExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.spans += spans.length;
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const usage = { prompt_tokens: 42, completion_tokens: 9, total_tokens: 51 };
const base = { object: 'chat.completion', created: 1_700_000_000, model: 'gpt-4o-mini', system_fingerprint: 'fp_bench' };
const answerBody = JSON.stringify({
  ...base,
  id: 'chatcmpl-bench',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Order 7 shipped yesterday and arrives today.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage,
});
const toolCallBody = JSON.stringify({
  ...base,
  id: 'chatcmpl-bench-tool',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"id":"7"}' } }] },
      logprobs: null,
      finish_reason: 'tool_calls',
    },
  ],
  usage,
});
const chunk = (delta: object, finish: string | null = null) => ({ ...base, object: 'chat.completion.chunk', id: 'chatcmpl-bench', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
const streamBody = [
  chunk({ role: 'assistant', content: '' }),
  ...'Order 7 shipped yesterday and arrives today.'.split(/(?<= )/).map((w) => chunk({ content: w })),
  chunk({}, 'stop'),
  { ...base, object: 'chat.completion.chunk', id: 'chatcmpl-bench', choices: [], usage },
]
  .map((c) => `data: ${JSON.stringify(c)}\n\n`)
  .concat('data: [DONE]\n\n')
  .join('');

/** Answers every request from memory, as the API would, without a socket. */
const fetchFromMemory = async (_url: unknown, init?: { body?: unknown }): Promise<Response> => {
  const body = typeof init?.body === 'string' ? init.body : '';
  if (body.includes('"stream":true')) return new Response(streamBody, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  const toolTurn = body.includes('"tools"') && !body.includes('"role":"tool"');
  return new Response(toolTurn ? toolCallBody : answerBody, { status: 200, headers: { 'content-type': 'application/json' } });
};

const newModel = () => createOpenAI({ apiKey: 'bench', baseURL: 'http://in-memory.invalid/v1', fetch: fetchFromMemory as typeof fetch }).chat('gpt-4o-mini');
const appTools = {
  lookup_order: tool({ description: 'Look up an order', inputSchema: z.object({ id: z.string() }), execute: async ({ id }) => ({ id, status: 'shipped' }) }),
} satisfies ToolSet;
const prompt = 'Where is my order 7? It was due yesterday.';

interface Setup {
  model: LanguageModel;
  tools: ToolSet;
  telemetry: boolean;
}

const scenarios: { name: string; call: (s: Setup) => Promise<unknown> }[] = [
  { name: 'generateText', call: (s) => generateText({ model: s.model, prompt, experimental_telemetry: { isEnabled: s.telemetry } }) },
  {
    name: 'streamText (consumed)',
    call: async (s) => {
      const r = streamText({ model: s.model, prompt, experimental_telemetry: { isEnabled: s.telemetry } });
      await r.consumeStream();
      return r.text;
    },
  },
  {
    name: 'generateText tool loop (2 steps + 1 tool)',
    call: (s) => generateText({ model: s.model, tools: s.tools, prompt, stopWhen: stepCountIs(3), experimental_telemetry: { isEnabled: s.telemetry } }),
  },
];

const variants: { name: string; setup(): Setup }[] = [
  { name: 'bare', setup: () => ({ model: newModel(), tools: appTools, telemetry: false }) },
  { name: 'warden', setup: () => ({ model: wrapAISDKModel(newModel(), { agent: 'bench' }), tools: wardenTools(appTools, { agent: 'bench' }), telemetry: false }) },
  {
    name: 'warden (content on)',
    setup: () => ({ model: wrapAISDKModel(newModel(), { captureContent: true }), tools: wardenTools(appTools, { captureContent: true }), telemetry: false }),
  },
  { name: 'ai-sdk telemetry', setup: () => ({ model: newModel(), tools: appTools, telemetry: true }) },
  { name: 'warden + ai-sdk telemetry', setup: () => ({ model: wrapAISDKModel(newModel()), tools: wardenTools(appTools), telemetry: true }) },
];

/** CPU µs of one call. */
async function timeCall(setup: Setup, call: (s: Setup) => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await call(setup);
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runAISDKBench(options: OverheadBenchOptions = {}): Promise<OverheadScenario[]> {
  const calls = options.calls ?? 200;
  const exporter = new DroppingExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  const results: OverheadScenario[] = [];
  try {
    for (const scenario of scenarios) {
      const micros = new Map<string, number[]>(variants.map((v) => [v.name, []]));
      const setups = variants.map((v) => ({ name: v.name, setup: v.setup() }));
      for (const { setup } of setups) for (let i = 0; i < 30; i++) await scenario.call(setup); // warm-up (JIT)
      // Variants take turns call by call (rotating who goes first), so drift and GC on a
      // shared machine hit them alike; the median per-call time ignores the outliers.
      for (let i = 0; i < calls; i++)
        for (let k = 0; k < setups.length; k++) {
          const { name, setup } = setups[(i + k) % setups.length]!;
          micros.get(name)!.push(await timeCall(setup, scenario.call));
        }
      const bare = median(micros.get('bare')!);
      results.push({
        scenario: scenario.name,
        rows: variants.map((v) => {
          const us = median(micros.get(v.name)!);
          return { variant: v.name, microsPerCall: us, addedMicros: us - bare, callsPerSecond: 1e6 / us, ratioToBare: us / bare };
        }),
      });
    }
  } finally {
    await provider.shutdown();
    trace.disable();
    context.disable();
  }
  if (exporter.spans === 0) throw new Error('ai-sdk overhead bench: no spans were exported; Warden did not record');
  if (options.print ?? true) printOverhead('@warden/ai-sdk overhead per call (in-memory transport)', results);
  return results;
}

export function printOverhead(title: string, results: OverheadScenario[]): void {
  console.log(`\n${title}`);
  for (const r of results) {
    console.log(`\n  ${r.scenario}`);
    console.log(`  ${'variant'.padEnd(28)}${'calls/s'.padStart(10)}${'µs/call'.padStart(10)}${'added µs'.padStart(10)}${'× bare'.padStart(9)}   (per CPU-second / CPU µs)`);
    for (const row of r.rows)
      console.log(
        `  ${row.variant.padEnd(28)}${row.callsPerSecond.toFixed(0).padStart(10)}${row.microsPerCall.toFixed(1).padStart(10)}${row.addedMicros.toFixed(1).padStart(10)}${row.ratioToBare.toFixed(2).padStart(9)}`,
      );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runAISDKBench();
}
