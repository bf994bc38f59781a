import { createOpenAI } from '@ai-sdk/openai';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_WARDEN_POLICY_DECISION,
  ATTR_WARDEN_POLICY_RULE,
  ATTR_WARDEN_SOURCE,
  ATTR_WARDEN_SUPERSEDED,
  ATTR_WARDEN_TOOL_CALLS_NAMES,
  onInternalError,
  PolicyDeniedError,
  setToolGuard,
  type ToolCallCheck,
  type ToolGuard,
} from '@warden/core';
import { createTestTracing, startFakeLlmServer, type FakeBehaviour, type FakeLlmServer, type TestTracing } from '@warden/testing';
import { generateText, stepCountIs, streamText, tool, type ToolSet } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { orderBot, withoutWallClock } from './__fixtures__/order-bot';
import { wrapAISDKModel } from './middleware';
import { wardenTools } from './tools';

let tracing: TestTracing;
const servers: FakeLlmServer[] = [];
beforeAll(() => {
  tracing = createTestTracing();
});
afterEach(async () => {
  setToolGuard(undefined);
  tracing.reset();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await tracing.shutdown();
});

async function openaiAt(behaviour: FakeBehaviour) {
  const s = await startFakeLlmServer({ behaviour });
  servers.push(s);
  return createOpenAI({ baseURL: s.openaiBaseURL, apiKey: 'test' });
}

/** The app's tools; `ran` counts real executions so a test can tell a tool did not run. */
function orderTools() {
  const ran: string[] = [];
  const tools = {
    lookup_order: tool({
      description: 'Look up an order by id',
      inputSchema: z.object({ id: z.string() }),
      execute: async ({ id }) => {
        ran.push(`lookup_order:${id}`);
        return { id, status: 'shipped', contact: 'ops@example.com' };
      },
    }),
    delete_order: tool({
      description: 'Delete an order',
      inputSchema: z.object({ id: z.string() }),
      execute: async ({ id }) => {
        ran.push(`delete_order:${id}`);
        return { deleted: id };
      },
    }),
  } satisfies ToolSet;
  return { tools, ran };
}

/** A small policy of our own: `delete_order` is denied for every agent (enforce mode). */
class DenyDeletes implements ToolGuard {
  readonly checks: ToolCallCheck[] = [];
  async check(call: ToolCallCheck) {
    this.checks.push(call);
    if (call.tool !== 'delete_order') return { allowed: true, rule: 'allowed_tools' };
    const error = new PolicyDeniedError({ agent: call.agent?.name, tool: call.tool, rule: 'tool_not_allowed', reason: 'not in allowedTools' });
    return { allowed: false, error, rule: 'tool_not_allowed' };
  }
}

const toolSpans = () => tracing.spans().filter((s) => s.attributes[ATTR_GEN_AI_OPERATION_NAME] === 'execute_tool');
const chatSpans = () => tracing.spans().filter((s) => s.attributes[ATTR_GEN_AI_OPERATION_NAME] === 'chat' && s.attributes[ATTR_WARDEN_SOURCE] === 'ai-sdk');
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
const ns = ([sec, nanos]: [number, number]) => sec * 1e9 + nanos;

describe.each(['chat', 'responses'] as const)('a tool loop (%s api)', (api) => {
  it('records a chat span per step and an execute_tool span, and returns what the bare loop returns', async () => {
    const run = async (wrap: boolean) => {
      const openai = await openaiAt(orderBot());
      const base = api === 'chat' ? openai.chat('gpt-4o-mini') : openai.responses('gpt-4o-mini');
      const { tools } = orderTools();
      const r = await generateText({
        model: wrap ? wrapAISDKModel(base, { agent: 'support' }) : base,
        tools: wrap ? wardenTools(tools, { agent: 'support' }) : tools,
        prompt: 'Where is order A1?',
        stopWhen: stepCountIs(3),
      });
      return withoutWallClock({ text: r.text, steps: r.steps, totalUsage: r.totalUsage, toolResults: r.toolResults, response: r.response });
    };
    const bare = await run(false);
    tracing.reset();
    const wrapped = await run(true);
    expect(wrapped).toEqual(bare);

    const chats = chatSpans();
    expect(chats).toHaveLength(2);
    expect(chats[0]!.attributes).toMatchObject({ [ATTR_WARDEN_TOOL_CALLS_NAMES]: ['lookup_order'], [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['tool_calls'] });
    expect(chats[1]!.attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['stop']);
    const [toolSpan, ...more] = toolSpans();
    expect(more).toHaveLength(0);
    expect(toolSpan!.name).toBe('execute_tool lookup_order');
    expect(toolSpan!.attributes).toMatchObject({
      [ATTR_GEN_AI_TOOL_NAME]: 'lookup_order',
      [ATTR_GEN_AI_TOOL_CALL_ID]: 'call_1',
      [ATTR_GEN_AI_AGENT_NAME]: 'support',
    });
    // The tool ran after the first model call and before the second. The SDK stamps some span
    // starts at millisecond resolution (Date.now), so the order is checked to within 1 ms.
    const ms = 1e6;
    expect(ns(toolSpan!.startTime)).toBeGreaterThanOrEqual(ns(chats[0]!.endTime) - ms);
    expect(ns(toolSpan!.endTime)).toBeLessThanOrEqual(ns(chats[1]!.startTime) + ms);
    // Content capture off: no arguments or result.
    expect(toolSpan!.attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS]).toBeUndefined();
    expect(toolSpan!.attributes[ATTR_GEN_AI_TOOL_CALL_RESULT]).toBeUndefined();
  });
});

describe('the AI SDK ToolLoopAgent', () => {
  it('records its steps and tool executions under the agent identity given in the options', async () => {
    const { ToolLoopAgent } = await import('ai');
    const openai = await openaiAt(orderBot());
    const { tools, ran } = orderTools();
    const agent = new ToolLoopAgent({
      model: wrapAISDKModel(openai.responses('gpt-4o-mini'), { agent: 'orders' }),
      tools: wardenTools(tools, { agent: 'orders' }),
    });
    const r = await agent.generate({ prompt: 'Where is order A1?' });
    expect(r.text).toBe('Order A1 has shipped.');
    expect(ran).toEqual(['lookup_order:A1']);
    expect(chatSpans().map((s) => s.attributes[ATTR_GEN_AI_AGENT_NAME])).toEqual(['orders', 'orders']);
    expect(toolSpans().map((s) => [s.name, s.attributes[ATTR_GEN_AI_AGENT_NAME]])).toEqual([['execute_tool lookup_order', 'orders']]);
  });
});

describe('policies', () => {
  it('stops a denied tool before it runs; the AI SDK hands the typed PolicyDeniedError back as a tool-error', async () => {
    const guard = new DenyDeletes();
    setToolGuard(guard);
    const openai = await openaiAt(orderBot('delete_order'));
    const { tools, ran } = orderTools();
    const r = await generateText({
      model: wrapAISDKModel(openai.chat('gpt-4o-mini')),
      tools: wardenTools(tools, { agent: 'support' }),
      prompt: 'Delete order A1',
      stopWhen: stepCountIs(3),
    });
    expect(ran).toEqual([]);
    const toolError = r.steps[0]!.content.find((c) => c.type === 'tool-error');
    expect(toolError).toBeDefined();
    const error = (toolError as { error: unknown }).error;
    expect(PolicyDeniedError.isInstance(error)).toBe(true);
    expect((error as PolicyDeniedError).rule).toBe('tool_not_allowed');
    expect(guard.checks).toEqual([
      expect.objectContaining({ tool: 'delete_order', source: 'ai-sdk', callId: 'call_1', arguments: { id: 'A1' }, agent: { name: 'support' } }),
    ]);

    const [span] = toolSpans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes).toMatchObject({ [ATTR_WARDEN_POLICY_DECISION]: 'deny', [ATTR_WARDEN_POLICY_RULE]: 'tool_not_allowed' });
  });

  it('lets an allowed tool run and records the decision', async () => {
    setToolGuard(new DenyDeletes());
    const openai = await openaiAt(orderBot());
    const { tools, ran } = orderTools();
    await generateText({ model: openai.chat('m'), tools: wardenTools(tools), prompt: 'x', stopWhen: stepCountIs(3) });
    expect(ran).toEqual(['lookup_order:A1']);
    expect(toolSpans()[0]!.attributes[ATTR_WARDEN_POLICY_DECISION]).toBe('allow');
  });

  it('runs the tool when the guard itself fails, and reports the failure as Warden’s own', async () => {
    setToolGuard({ check: async () => Promise.reject(new Error('policy store unreachable')) });
    const reported: string[] = [];
    const off = onInternalError((e) => reported.push(e.where));
    try {
      const openai = await openaiAt(orderBot());
      const { tools, ran } = orderTools();
      await generateText({ model: openai.chat('m'), tools: wardenTools(tools), prompt: 'x', stopWhen: stepCountIs(3) });
      expect(ran).toEqual(['lookup_order:A1']);
      expect(reported).toContain('core.enforceToolPolicy');
    } finally {
      off();
    }
  });
});

describe('execute_tool spans', () => {
  it('nest under the AI SDK ai.toolCall span when its telemetry is on, marking it superseded', async () => {
    const openai = await openaiAt(orderBot());
    const { tools } = orderTools();
    await generateText({
      model: openai.chat('m'),
      tools: wardenTools(tools),
      prompt: 'x',
      stopWhen: stepCountIs(3),
      experimental_telemetry: { isEnabled: true },
    });
    const [toolCall] = tracing.spans().filter((s) => s.name === 'ai.toolCall');
    const [span] = toolSpans();
    expect(parentOf(span!)).toBe(toolCall!.spanContext().spanId);
    expect(toolCall!.attributes[ATTR_WARDEN_SUPERSEDED]).toBe(true);
  });

  it('record redacted arguments and results only when content capture is on', async () => {
    const openai = await openaiAt(orderBot('lookup_order', { id: 'A1', note: 'call me at jane@example.com' }));
    const tools = {
      lookup_order: tool({ inputSchema: z.object({ id: z.string(), note: z.string() }), execute: async ({ id }) => ({ id, owner: 'bob@example.com' }) }),
    };
    await generateText({ model: openai.chat('m'), tools: wardenTools(tools, { captureContent: true }), prompt: 'x', stopWhen: stepCountIs(3) });
    const [span] = toolSpans();
    const args = String(span!.attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS]);
    const result = String(span!.attributes[ATTR_GEN_AI_TOOL_CALL_RESULT]);
    expect(args).toContain('"id":"A1"');
    expect(args).not.toContain('jane@example.com');
    expect(result).toContain('"id":"A1"');
    expect(result).not.toContain('bob@example.com');
  });

  it('record a failing tool as an error while the AI SDK sees the same error', async () => {
    const openai = await openaiAt(orderBot());
    const boom = new RangeError('order service down');
    const tools = { lookup_order: tool({ inputSchema: z.object({ id: z.string() }), execute: async (): Promise<{ id: string }> => Promise.reject(boom) }) };
    const r = await generateText({ model: openai.chat('m'), tools: wardenTools(tools), prompt: 'x', stopWhen: stepCountIs(3) });
    const toolError = r.steps[0]!.content.find((c) => c.type === 'tool-error') as { error: unknown } | undefined;
    expect(toolError?.error).toBe(boom);
    // Content is off: the span says what failed (the error's type), not its text.
    expect(toolSpans()[0]!.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'RangeError' });
  });

  it('keep a generator tool a generator: preliminary results stream through and the span ends after the last', async () => {
    const openai = await openaiAt(orderBot());
    const tools = {
      lookup_order: tool({
        inputSchema: z.object({ id: z.string() }),
        async *execute({ id }) {
          yield { id, status: 'looking' };
          yield { id, status: 'shipped' };
        },
      }),
    };
    const preliminary: unknown[] = [];
    const r = streamText({ model: openai.chat('m'), tools: wardenTools(tools), prompt: 'x', stopWhen: stepCountIs(3) });
    for await (const p of r.fullStream) if (p.type === 'tool-result') preliminary.push({ output: p.output, preliminary: p.preliminary ?? false });
    expect(preliminary).toEqual([
      { output: { id: 'A1', status: 'looking' }, preliminary: true },
      { output: { id: 'A1', status: 'shipped' }, preliminary: true },
      { output: { id: 'A1', status: 'shipped' }, preliminary: false },
    ]);
    expect(toolSpans()).toHaveLength(1);
  });

  it('leave tools without execute untouched', () => {
    const clientSide = { ask_user: tool({ inputSchema: z.object({ q: z.string() }) }) };
    expect(wardenTools(clientSide).ask_user).toBe(clientSide.ask_user);
  });
});
