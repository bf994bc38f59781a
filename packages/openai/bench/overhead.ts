/**
 * Added cost per call of wrapping an OpenAI client, beside its peers.
 *
 * Every variant calls the same real `openai` client through a `fetch` that answers from
 * memory (no sockets), so the time is the SDK plus the instrumentation, not the network.
 * How time is measured (CPU time, interleaved rounds, medians, ratio to bare): @warden/testing's
 * bench harness, shared with the anthropic bench.
 *
 * Run alone: `node --import tsx packages/openai/bench/overhead.ts`
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { OpenAIInstrumentation as OpenInferenceInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { OpenAIInstrumentation as TraceloopInstrumentation } from '@traceloop/instrumentation-openai';
import {
  fetchFromMemory,
  runOverheadBench,
  sseBody,
  type OverheadBenchOptions,
  type OverheadScenario,
  type OverheadVariant,
} from '@warden/testing';
import OpenAI from 'openai';
import { wrapOpenAI } from '../src/index';

const fixture = (name: string) => readFileSync(new URL(`../src/__fixtures__/${name}`, import.meta.url), 'utf8');
const inMemoryFetch = fetchFromMemory({
  json: fixture('chat-cached-usage.json'),
  sse: sseBody(fixture('chat-usage-only.chunks.txt')),
  headers: { 'x-request-id': 'req_bench' },
});

const newClient = () => new OpenAI({ apiKey: 'sk-bench', baseURL: 'http://in-memory.invalid/v1', maxRetries: 0, fetch: inMemoryFetch });

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

function variants(provider: BasicTracerProvider): OverheadVariant<OpenAI>[] {
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

export function runOpenAIOverheadBench(options: OverheadBenchOptions = {}): Promise<OverheadScenario[]> {
  return runOverheadBench({ title: '@warden/openai overhead per call (in-memory transport)', scenarios, variants, calls: 300, rounds: 5 }, options);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runOpenAIOverheadBench();
}
