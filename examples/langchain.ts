/**
 * LangChain.js under Warden: one line wraps the agent. A hand-written tool-calling agent
 * (bindTools + ToolMessage) answers from a tool, a chat model streams, and a policy stops a
 * tool before it runs. Self-contained: a fake OpenAI server on 127.0.0.1.
 * Run: node --import tsx examples/langchain.ts
 */
import { HumanMessage, type AIMessage, type BaseMessage, type ToolMessage } from '@langchain/core/messages';
import { RunnableLambda, type RunnableConfig } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { PolicyDeniedError } from '@warden/core';
import { wrapLangChain } from '@warden/langchain';
import { z } from 'zod';
import { forbidDeletes, startInMemoryTracing, startSupportBotServer } from './lib/support-bot';

// What monitor() does for you (here: spans kept in memory, to print), a fake model server, and a no-deletes policy.
const tracing = startInMemoryTracing();
const server = await startSupportBotServer();
forbidDeletes();

const lookupOrder = tool(async ({ id }) => JSON.stringify({ id, status: 'shipped', eta: 'today' }), {
  name: 'lookup_order',
  description: 'Look up an order',
  schema: z.object({ id: z.string() }),
});
const deleteOrder = tool(async ({ id }) => JSON.stringify({ deleted: id }), {
  name: 'delete_order',
  description: 'Delete an order',
  schema: z.object({ id: z.string() }),
});
const tools = new Map([lookupOrder, deleteOrder].map((t) => [t.name as string, t]));
const model = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'not-needed', configuration: { baseURL: server.openaiBaseURL }, maxRetries: 0 });

// A tool-calling agent loop; tools run in a `tools` step (as a LangGraph node would).
const runTools = RunnableLambda.from(async (reply: AIMessage, config?: RunnableConfig) => {
  const results: ToolMessage[] = [];
  for (const call of reply.tool_calls ?? []) results.push((await tools.get(call.name)!.invoke(call, config)) as ToolMessage);
  return results;
}).withConfig({ runName: 'tools', metadata: { langgraph_node: 'tools' } });
const agent = RunnableLambda.from(async (question: string, config?: RunnableConfig) => {
  const bound = model.bindTools([...tools.values()]);
  const messages: BaseMessage[] = [new HumanMessage(question)];
  for (let turn = 0; turn < 3; turn++) {
    const reply = await bound.invoke(messages, config);
    messages.push(reply);
    if (!reply.tool_calls?.length) break;
    messages.push(...(await runTools.invoke(reply, config)));
  }
  return messages.at(-1)!.content;
}).withConfig({ runName: 'support-bot' });

wrapLangChain(agent, { agent: 'support-bot' }); // ← the one line (same object, now traced)
wrapLangChain(model, { agent: 'support-bot' }); // models used outside the agent too

console.log(`invoke: ${String(await agent.invoke('Where is order A1?'))}`);

let streamed = '';
for await (const chunk of await model.stream('Summarise my order status.')) streamed += String(chunk.content);
console.log(`stream: ${streamed}`);

// LangChain logs what a callback handler throws; the app sees the typed error.
const logError = console.error;
console.error = () => undefined;
const denied = await agent.invoke('Delete order A1').then(
  () => undefined,
  (e: unknown) => (PolicyDeniedError.isInstance(e) ? e : undefined),
);
console.error = logError;
console.log(`policy: ${denied ? `${denied.tool} blocked before it ran (${denied.rule})` : 'not blocked'}`);

tracing.printSpans();

await server.close();
await tracing.shutdown();
