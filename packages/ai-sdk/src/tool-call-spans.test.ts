import { createOpenAI } from '@ai-sdk/openai';
import { callRecordFromSpan } from '@warden/analyzer';
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_WARDEN_SOURCE,
  withAgent,
} from '@warden/core';
import { createTestTracing, startFakeLlmServer, type FakeLlmServer, type TestTracing } from '@warden/testing';
import { generateText, stepCountIs, tool } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { orderBot } from './__fixtures__/order-bot';
import { wrapAISDKModel } from './middleware';
import { AISDKToolCallSpanProcessor } from './tool-call-spans';
import { wardenTools } from './tools';

let tracing: TestTracing;
const servers: FakeLlmServer[] = [];
beforeAll(() => {
  // As monitor() installs it: one more processor on the provider the AI SDK records with.
  tracing = createTestTracing([new AISDKToolCallSpanProcessor() as never]);
});
afterEach(async () => {
  tracing.reset();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => tracing.shutdown());

async function openaiModel() {
  const s = await startFakeLlmServer({ behaviour: orderBot() });
  servers.push(s);
  return createOpenAI({ baseURL: s.openaiBaseURL, apiKey: 'test' }).chat('gpt-4o-mini');
}

const lookupOrder = () => ({
  lookup_order: tool({ inputSchema: z.object({ id: z.string() }), execute: async ({ id }: { id: string }) => ({ id, status: 'shipped' }) }),
});
const toolRecords = () =>
  tracing
    .spans()
    .flatMap((sp) => callRecordFromSpan(sp) ?? [])
    .filter((r) => r.operation === 'execute_tool');

describe('tools the AI SDK runs, recorded from wrap(model) alone', () => {
  it("telemetry on: the SDK's ai.toolCall span becomes an execute_tool span of the wrapped model's agent", async () => {
    await generateText({
      model: wrapAISDKModel(await openaiModel(), { agent: 'support' }),
      tools: lookupOrder(),
      prompt: 'where is A1?',
      stopWhen: stepCountIs(3),
      experimental_telemetry: { isEnabled: true },
    });
    const [toolCall, ...rest] = tracing.spans().filter((sp) => sp.name === 'ai.toolCall');
    expect(rest).toHaveLength(0);
    expect(toolCall!.attributes).toMatchObject({
      [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool',
      [ATTR_GEN_AI_TOOL_NAME]: 'lookup_order',
      [ATTR_GEN_AI_TOOL_CALL_ID]: 'call_1',
      [ATTR_GEN_AI_AGENT_NAME]: 'support',
      [ATTR_WARDEN_SOURCE]: 'ai-sdk',
    });
    expect(toolRecords().map((r) => [r.tool, r.agent])).toEqual([['lookup_order', 'support']]);
  });

  it("telemetry on: the agent active in context wins over the wrapped model's option", async () => {
    const model = wrapAISDKModel(await openaiModel(), { agent: 'support' });
    await withAgent({ name: 'triage' }, () =>
      generateText({ model, tools: lookupOrder(), prompt: 'x', stopWhen: stepCountIs(3), experimental_telemetry: { isEnabled: true } }),
    );
    expect(toolRecords().map((r) => r.agent)).toEqual(['triage']);
  });

  it("telemetry on with wardenTools too: one tool record, Warden's (the SDK's span is marked superseded)", async () => {
    await generateText({
      model: wrapAISDKModel(await openaiModel(), { agent: 'support' }),
      tools: wardenTools(lookupOrder(), { agent: 'support' }),
      prompt: 'x',
      stopWhen: stepCountIs(3),
      experimental_telemetry: { isEnabled: true },
    });
    expect(toolRecords().map((r) => [r.tool, r.agent])).toEqual([['lookup_order', 'support']]);
  });

  it('telemetry off: the SDK records no tool span, so wrap(model) alone sees none (wardenTools records them)', async () => {
    await generateText({ model: wrapAISDKModel(await openaiModel(), { agent: 'support' }), tools: lookupOrder(), prompt: 'x', stopWhen: stepCountIs(3) });
    expect(toolRecords()).toHaveLength(0);
  });
});
