/**
 * The Vercel AI SDK under Warden: one line wraps the model, one wraps the tools. A support
 * bot answers with a tool loop (generateText), streams a reply (streamText), and is stopped
 * by a policy before it deletes an order. Self-contained: a fake OpenAI server on 127.0.0.1.
 * Run: node --import tsx examples/ai-sdk.ts
 */
import { createOpenAI } from '@ai-sdk/openai';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { wardenTools, wrapAISDKModel } from '@warden/ai-sdk';
import { PolicyDeniedError, setToolGuard, traceAgent } from '@warden/core';
import { startFakeLlmServer } from '@warden/testing';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { formatSpanTree } from './lib/print-spans';

// What monitor() will do for you: async context and a tracer provider (here: in memory, to print).
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
trace.setGlobalTracerProvider(provider);

// The model asks for a tool first, then answers once the tool result is in the conversation.
const server = await startFakeLlmServer({
  behaviour: (req) => {
    const messages = (req.body.messages ?? []) as { role: string; content?: unknown }[];
    const asked = JSON.stringify(messages.find((m) => m.role === 'user')?.content ?? '');
    if (messages.some((m) => m.role === 'tool')) return { text: 'Order A1 has shipped and arrives today.', inputTokens: 48, outputTokens: 9 };
    if (asked.includes('Delete')) return { toolCalls: [{ id: 'call_del', name: 'delete_order', arguments: { id: 'A1' } }], inputTokens: 30, outputTokens: 8 };
    if (asked.includes('Summarise')) return { text: 'Your order is on its way.', inputTokens: 20, outputTokens: 6 };
    return { toolCalls: [{ id: 'call_1', name: 'lookup_order', arguments: { id: 'A1' } }], inputTokens: 35, outputTokens: 9 };
  },
});

// A policy of our own for the example (monitor({ policies }) installs the real one): no deletes.
setToolGuard({
  check: async (call) =>
    call.tool === 'delete_order'
      ? { allowed: false, rule: 'tool_not_allowed', error: new PolicyDeniedError({ agent: call.agent?.name, tool: call.tool, rule: 'tool_not_allowed', reason: 'support-bot may not delete orders' }) }
      : { allowed: true },
});

const openai = createOpenAI({ baseURL: server.openaiBaseURL, apiKey: 'not-needed' });
const model = wrapAISDKModel(openai.chat('gpt-4o-mini'), { agent: 'support-bot' }); // ← the one line
const tools = wardenTools(
  {
    lookup_order: tool({
      description: 'Look up an order',
      inputSchema: z.object({ id: z.string() }),
      execute: async ({ id }) => ({ id, status: 'shipped', eta: 'today' }),
    }),
    delete_order: tool({
      description: 'Delete an order',
      inputSchema: z.object({ id: z.string() }),
      execute: async ({ id }) => ({ deleted: id }),
    }),
  },
  { agent: 'support-bot' },
);

// traceAgent (optional) groups each conversation under an invoke_agent span.
const supportBot = traceAgent('support-bot', async (prompt: string) => generateText({ model, tools, prompt, stopWhen: stepCountIs(3) }));

const answer = await supportBot('Where is order A1?');
console.log(`generateText: ${answer.text} (${answer.steps.length} steps, ${answer.totalUsage.inputTokens} input tokens)`);

const stream = streamText({ model, prompt: 'Summarise my order status.' });
let streamed = '';
for await (const delta of stream.textStream) streamed += delta;
console.log(`streamText: ${streamed}`);

const refused = await supportBot('Delete order A1');
const denial = refused.steps[0]?.content.find((c) => c.type === 'tool-error');
const denied = denial && denial.type === 'tool-error' && PolicyDeniedError.isInstance(denial.error) ? denial.error : undefined;
console.log(`policy: ${denied ? `${denied.tool} blocked before it ran (${denied.rule})` : 'not blocked'}`);

console.log('\nspans:');
console.log(formatSpanTree(exporter.getFinishedSpans()));

await server.close();
await provider.shutdown();
