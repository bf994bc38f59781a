/**
 * Added cost per `generateText` / `streamText` of wrapping an AI SDK model with Warden,
 * beside the AI SDK's own telemetry.
 *
 * Every variant calls the real `ai` + `@ai-sdk/openai` through a `fetch` that answers from
 * memory (no sockets), so the time is the SDK plus the instrumentation, not the network.
 * How time is measured (CPU time, variants taking turns call by call, medians, ratio to bare;
 * the provider registered globally with the async-hooks context manager monitor() installs):
 * @warden/testing's bench harness, shared with the other wrappers' benches.
 *
 * Run alone: `node --import tsx packages/ai-sdk/bench/overhead.ts`
 */
import { pathToFileURL } from 'node:url';
import { createOpenAI } from '@ai-sdk/openai';
import { chatCompletionsFromMemory, runOverheadBench, type OverheadBenchOptions, type OverheadScenario, type OverheadVariant } from '@warden/testing';
import { generateText, stepCountIs, streamText, tool, type LanguageModel, type ToolSet } from 'ai';
import { z } from 'zod';
import { wardenTools, wrapAISDKModel } from '../src/index';

const inMemoryFetch = chatCompletionsFromMemory({
  answer: 'Order 7 shipped yesterday and arrives today.',
  toolCall: { name: 'lookup_order', arguments: '{"id":"7"}' },
});

const newModel = () => createOpenAI({ apiKey: 'bench', baseURL: 'http://in-memory.invalid/v1', fetch: inMemoryFetch as typeof fetch }).chat('gpt-4o-mini');
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

/** The harness calls the scenarios with each variant's Setup; nothing to undo. */
const variants = (): OverheadVariant<Setup>[] => [
  { name: 'bare', setup: () => ({ client: { model: newModel(), tools: appTools, telemetry: false } }) },
  {
    name: 'warden',
    setup: () => ({ client: { model: wrapAISDKModel(newModel(), { agent: 'bench' }), tools: wardenTools(appTools, { agent: 'bench' }), telemetry: false } }),
  },
  {
    name: 'warden (content on)',
    setup: () => ({
      client: { model: wrapAISDKModel(newModel(), { captureContent: true }), tools: wardenTools(appTools, { captureContent: true }), telemetry: false },
    }),
  },
  { name: 'ai-sdk telemetry', setup: () => ({ client: { model: newModel(), tools: appTools, telemetry: true } }) },
  { name: 'warden + ai-sdk telemetry', setup: () => ({ client: { model: wrapAISDKModel(newModel()), tools: wardenTools(appTools), telemetry: true } }) },
];

export function runAISDKBench(options: OverheadBenchOptions = {}): Promise<OverheadScenario[]> {
  return runOverheadBench(
    {
      title: '@warden/ai-sdk overhead per call (in-memory transport)',
      scenarios,
      variants,
      calls: 200,
      rounds: 1,
      interleave: 'call',
      registerGlobally: true,
      printAddedMicros: true,
    },
    options,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runAISDKBench();
}
