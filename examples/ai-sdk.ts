/**
 * The Vercel AI SDK under Warden: one line wraps the model, one wraps the tools. A support
 * bot answers with a tool loop (generateText), streams a reply (streamText), and is stopped
 * by a policy before it deletes an order. Self-contained: a fake OpenAI server on 127.0.0.1.
 * Run: node --import tsx examples/ai-sdk.ts
 */
import { createOpenAI } from '@ai-sdk/openai';
import { wardenTools, wrapAISDKModel } from '@warden/ai-sdk';
import { PolicyDeniedError, traceAgent } from '@warden/core';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { forbidDeletes, startInMemoryTracing, startSupportBotServer } from './lib/support-bot';

// What monitor() does for you (here: spans kept in memory, to print), a fake model server, and a no-deletes policy.
const tracing = startInMemoryTracing();
const server = await startSupportBotServer();
forbidDeletes();

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

tracing.printSpans();

await server.close();
await tracing.shutdown();
