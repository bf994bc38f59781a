/**
 * Added cost per LangChain `invoke` (and `stream`, and a tool-calling agent run) of
 * wrapLangChain, against the same objects unwrapped.
 *
 * Every variant calls the real `@langchain/core` + `@langchain/openai` through a
 * `configuration.fetch` that answers from memory (no sockets), so the time is LangChain
 * plus the instrumentation, not the network. How time is measured (CPU time, variants taking
 * turns call by call, medians, ratio to bare; the provider registered globally with the
 * async-hooks context manager monitor() installs): @warden/testing's bench harness, shared
 * with the other wrappers' benches.
 *
 * Run alone: `node --import tsx packages/langchain/bench/overhead.ts`
 */
import { pathToFileURL } from 'node:url';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { HumanMessage, type AIMessage, type BaseMessage, type ToolMessage } from '@langchain/core/messages';
import { RunnableLambda, type RunnableConfig } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { chatCompletionsFromMemory, runOverheadBench, type OverheadBenchOptions, type OverheadScenario, type OverheadVariant } from '@warden/testing';
import { z } from 'zod';
import { wrapLangChain } from '../src/index';

const inMemoryFetch = chatCompletionsFromMemory({
  answer: 'Order 7 shipped yesterday and arrives today.',
  toolCall: { name: 'lookup_order', arguments: '{"id":"7"}' },
});

const newModel = () =>
  new ChatOpenAI({
    model: 'gpt-4o-mini',
    apiKey: 'bench',
    maxRetries: 0,
    configuration: { baseURL: 'http://in-memory.invalid/v1', fetch: inMemoryFetch as typeof fetch },
  });
const newTool = () =>
  tool(async ({ id }) => JSON.stringify({ id, status: 'shipped' }), {
    name: 'lookup_order',
    description: 'Look up an order',
    schema: z.object({ id: z.string() }),
  });

/** A hand-written tool-calling agent: model → tool → model. */
function newAgent(model: ChatOpenAI, lookup: ReturnType<typeof newTool>) {
  return RunnableLambda.from(async (question: string, config?: RunnableConfig) => {
    const bound = model.bindTools([lookup]);
    const messages: BaseMessage[] = [new HumanMessage(question)];
    for (let turn = 0; turn < 3; turn++) {
      const reply: AIMessage = await bound.invoke(messages, config);
      messages.push(reply);
      if (!reply.tool_calls?.length) break;
      for (const call of reply.tool_calls) messages.push((await lookup.invoke(call, config)) as ToolMessage);
    }
    return messages;
  }).withConfig({ runName: 'support-bot' });
}

interface Setup {
  model: ChatOpenAI;
  agent: ReturnType<typeof newAgent>;
}

const question = 'Where is my order 7? It was due yesterday.';
const scenarios: { name: string; call: (s: Setup) => Promise<unknown> }[] = [
  { name: 'chat model invoke', call: (s) => s.model.invoke(question) },
  {
    name: 'chat model stream (consumed)',
    call: async (s) => {
      let n = 0;
      for await (const _ of await s.model.stream(question)) n++;
      return n;
    },
  },
  { name: 'agent invoke (2 model calls + 1 tool)', call: (s) => s.agent.invoke(question) },
];

/** The harness calls the scenarios with each variant's Setup; nothing to undo. */
const variants = (): OverheadVariant<Setup>[] => [
  {
    name: 'bare',
    setup: () => {
      const model = newModel();
      return { client: { model, agent: newAgent(newModel(), newTool()) } };
    },
  },
  {
    name: 'warden',
    setup: () => ({
      client: { model: wrapLangChain(newModel(), { agent: 'bench' }), agent: wrapLangChain(newAgent(newModel(), newTool()), { agent: 'bench' }) },
    }),
  },
  {
    // LangChain's own cost of having any callback handler (it serialises the model and messages for each run).
    name: 'no-op callback handler',
    setup: () => {
      const noop = () =>
        BaseCallbackHandler.fromMethods({
          handleChatModelStart() {},
          handleLLMEnd() {},
          handleToolStart() {},
          handleToolEnd() {},
          handleChainStart() {},
          handleChainEnd() {},
        });
      const model = newModel();
      model.callbacks = [noop()];
      const agent = newAgent(newModel(), newTool());
      return { client: { model, agent: agent.withConfig({ callbacks: [noop()] }) as unknown as ReturnType<typeof newAgent> } };
    },
  },
  {
    name: 'warden (content on)',
    setup: () => ({
      client: { model: wrapLangChain(newModel(), { captureContent: true }), agent: wrapLangChain(newAgent(newModel(), newTool()), { captureContent: true }) },
    }),
  },
];

export function runLangChainBench(options: OverheadBenchOptions = {}): Promise<OverheadScenario[]> {
  return runOverheadBench(
    {
      title: '@warden/langchain overhead per call (in-memory transport)',
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
  await runLangChainBench();
}
