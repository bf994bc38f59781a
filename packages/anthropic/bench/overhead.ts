/**
 * Added cost per call of wrapping an Anthropic client.
 *
 * Every variant calls the same real `@anthropic-ai/sdk` client through a `fetch` that answers
 * from memory (no sockets), so the time is the SDK plus the instrumentation, not the network.
 * How time is measured (CPU time, interleaved rounds, medians, ratio to bare): @warden/testing's
 * bench harness, shared with the openai bench. "sdk spans" is the SDK's own tracing given the
 * same provider, for comparison: a wrapped client records Warden's span instead of it.
 *
 * Run alone: `node --import tsx packages/anthropic/bench/overhead.ts`
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { fetchFromMemory, runOverheadBench, sseBody, type OverheadBenchOptions, type OverheadScenario, type OverheadVariant } from '@warden/testing';
import { wrapAnthropic } from '../src/index';

const fixture = (name: string) => readFileSync(new URL(`../src/__fixtures__/${name}`, import.meta.url), 'utf8');
const inMemoryFetch = fetchFromMemory({
  json: fixture('message-cached-usage.json'),
  sse: sseBody(fixture('message-ping-and-cache.chunks.txt'), (line) => /^\{"type":"([a-z_]+)"/.exec(line)?.[1] ?? 'message'),
  headers: { 'request-id': 'req_bench' },
});

const newClient = (options: ConstructorParameters<typeof Anthropic>[0] = {}) =>
  new Anthropic({ apiKey: 'sk-ant-bench', baseURL: 'http://in-memory.invalid', maxRetries: 0, fetch: inMemoryFetch, ...options });

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

/** Clients are made once and reused in every round: no variant patches anything to undo. */
function variants(provider: BasicTracerProvider): OverheadVariant<Anthropic>[] {
  const reused = (name: string, client: Anthropic): OverheadVariant<Anthropic> => ({ name, setup: () => ({ client, teardown() {} }) });
  return [
    // The global provider is the no-op one here, so the bare client's own tracing records nothing.
    reused('bare', newClient()),
    reused('sdk spans', newClient({ openTelemetry: { tracerProvider: provider } })),
    reused('warden', wrapAnthropic(newClient(), { tracerProvider: provider })),
    reused('warden (content on)', wrapAnthropic(newClient(), { tracerProvider: provider, captureContent: true })),
  ];
}

export function runAnthropicOverheadBench(options: OverheadBenchOptions = {}): Promise<OverheadScenario[]> {
  return runOverheadBench({ title: '@warden/anthropic overhead per call (in-memory transport)', scenarios, variants, calls: 200, rounds: 5 }, options);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runAnthropicOverheadBench();
}
