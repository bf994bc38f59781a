import type { Serialized } from '@langchain/core/load/serializable';
import { AIMessage, HumanMessage, type BaseMessage } from '@langchain/core/messages';
import { SpanStatusCode } from '@opentelemetry/api';
import { callRecordFromSpan } from '@warden/analyzer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_DEFINITIONS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_WARDEN_OUTPUT_LENGTH,
  ATTR_WARDEN_POLICY_DECISION,
  ATTR_WARDEN_SOURCE,
  ATTR_WARDEN_STREAM,
  ATTR_WARDEN_STREAM_OUTCOME,
  ATTR_WARDEN_TOOL_CALLS_NAMES,
  PolicyDeniedError,
  setToolGuard,
  traceAgent,
  type ToolCallCheck,
  type ToolGuard,
} from '@warden/core';
import { createTestTracing, startFakeLlmServer, type FakeBehaviour, type FakeLlmServer, type TestTracing } from '@warden/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { chatModel, orderAgent, orderBot, orderTools } from './__fixtures__/order-agent';
import { openRunCount, WardenCallbackHandler } from './callback-handler';
import { wrapLangChain } from './wrap';

let tracing: TestTracing;
const servers: FakeLlmServer[] = [];
beforeAll(() => {
  tracing = createTestTracing();
});
afterEach(async () => {
  setToolGuard(undefined);
  vi.restoreAllMocks();
  tracing.reset();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await tracing.shutdown();
});

async function server(behaviour: FakeBehaviour): Promise<FakeLlmServer> {
  const s = await startFakeLlmServer({ behaviour });
  servers.push(s);
  return s;
}

/** Runs `run` bare and wrapped, each against a fresh fake server so server-made ids repeat. */
async function bareAndWrapped<R>(behaviour: FakeBehaviour, run: (server: FakeLlmServer, wrapped: boolean) => Promise<R>) {
  const bare = await run(await server(behaviour), false);
  tracing.reset();
  const wrapped = await run(await server(behaviour), true);
  return { bare, wrapped };
}

/** What the app sees of a message: LangChain's own serialised form. */
const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
/**
 * A streamed chunk without a provider id gets `run-<runId>` from LangChain when any callback
 * handler is attached (a fresh random id per run, so never equal across runs): left out.
 */
const withoutRunIds = (v: unknown) =>
  JSON.parse(
    JSON.stringify(v, (key, value: unknown) => (key === 'id' && typeof value === 'string' && value.startsWith('run-') ? undefined : value)),
  ) as unknown;
const spansWhere = (op: string) => tracing.spans().filter((s) => s.attributes[ATTR_GEN_AI_OPERATION_NAME] === op);
const byName = (name: string) => tracing.spans().filter((s) => s.name === name);
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
const idOf = (s: ReadableSpan | undefined) => s?.spanContext().spanId;

/** Denies `delete_order` (enforce mode), allows the rest. */
class DenyDeletes implements ToolGuard {
  readonly checks: ToolCallCheck[] = [];
  async check(call: ToolCallCheck) {
    this.checks.push(call);
    if (call.tool !== 'delete_order') return { allowed: true };
    return {
      allowed: false,
      rule: 'tool_not_allowed',
      error: new PolicyDeniedError({ agent: call.agent?.name, tool: call.tool, rule: 'tool_not_allowed', reason: 'not in allowedTools' }),
    };
  }
}

describe('a chat model', () => {
  it('invoke: one chat span with model, usage and finish reason; the same message as the bare model', async () => {
    const { bare, wrapped } = await bareAndWrapped(
      () => ({ text: 'Your order has shipped.', inputTokens: 21, outputTokens: 5 }),
      async (s, wrap) => {
        const model = chatModel(s.openaiBaseURL, { temperature: 0.3, maxTokens: 64 });
        if (wrap) expect(wrapLangChain(model, { agent: 'support' })).toBe(model);
        return plain(await model.invoke([new HumanMessage('Where is my order?')]));
      },
    );
    expect(wrapped).toEqual(bare);
    const [span, ...rest] = spansWhere('chat');
    expect(rest).toHaveLength(0);
    expect(span!.name).toBe('chat gpt-4o-mini');
    expect(span!.attributes).toMatchObject({
      [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
      [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini',
      [ATTR_GEN_AI_REQUEST_TEMPERATURE]: 0.3,
      [ATTR_GEN_AI_REQUEST_MAX_TOKENS]: 64,
      [ATTR_GEN_AI_RESPONSE_MODEL]: 'gpt-4o-mini',
      [ATTR_GEN_AI_AGENT_NAME]: 'support',
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 21,
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 5,
      [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR_WARDEN_OUTPUT_LENGTH]: 'Your order has shipped.'.length,
      [ATTR_WARDEN_SOURCE]: 'langchain',
    });
    expect(String(span!.attributes[ATTR_GEN_AI_RESPONSE_ID])).toMatch(/^chatcmpl-/);
    expect(span!.attributes[ATTR_GEN_AI_INPUT_MESSAGES]).toBeUndefined();
    expect(openRunCount()).toBe(0);
  });

  it('invoke through the Responses API (useResponsesApi): usage, finish reason and the same message', async () => {
    const { ChatOpenAI } = await import('@langchain/openai');
    const { bare, wrapped } = await bareAndWrapped(
      () => ({ text: 'Shipped.', inputTokens: 13, outputTokens: 2 }),
      async (s, wrap) => {
        const model = new ChatOpenAI({
          model: 'gpt-4o-mini',
          configuration: { baseURL: s.openaiBaseURL },
          apiKey: 'test',
          maxRetries: 0,
          useResponsesApi: true,
        });
        if (wrap) wrapLangChain(model);
        return plain(await model.invoke('Where is my order?'));
      },
    );
    expect(wrapped).toEqual(bare);
    expect(servers[1]!.requests[0]!.path).toBe('/v1/responses');
    const [span] = spansWhere('chat');
    expect(span!.attributes).toMatchObject({
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 13,
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 2,
      [ATTR_GEN_AI_RESPONSE_ID]: 'resp_000000',
    });
  });

  it('stream: the same chunks as the bare model; the span ends completed with usage and time to first chunk', async () => {
    const { bare, wrapped } = await bareAndWrapped(
      () => ({ text: 'Your order has shipped today.', inputTokens: 17, outputTokens: 6 }),
      async (s, wrap) => {
        const model = chatModel(s.openaiBaseURL);
        if (wrap) wrapLangChain(model);
        const chunks: unknown[] = [];
        for await (const c of await model.stream('Where is my order?')) chunks.push(withoutRunIds(c));
        return chunks;
      },
    );
    expect(wrapped).toEqual(bare);
    const [span] = spansWhere('chat');
    expect(span!.attributes).toMatchObject({
      [ATTR_WARDEN_STREAM]: true,
      [ATTR_WARDEN_STREAM_OUTCOME]: 'completed',
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 17,
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 6,
    });
    expect(span!.attributes[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]).toBeGreaterThan(0);
    expect(openRunCount()).toBe(0);
  });

  it('an HTTP 400: the same error as the bare model, recorded on the span', async () => {
    const s = await server(() => ({ status: 400, errorMessage: 'bad request: context too long' }));
    const run = (wrap: boolean) => {
      const model = chatModel(s.openaiBaseURL);
      if (wrap) wrapLangChain(model);
      return model.invoke('x').then(
        () => undefined,
        (e: unknown) => e as Error & { status?: number },
      );
    };
    const bareError = await run(false);
    const wrappedError = await run(true);
    expect(wrappedError?.constructor).toBe(bareError?.constructor);
    expect(wrappedError?.message).toBe(bareError?.message);
    expect(wrappedError?.status).toBe(400);
    const [span] = spansWhere('chat');
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes[ATTR_ERROR_TYPE]).toBe(errorName(bareError));
    expect(openRunCount()).toBe(0);
  });

  it('an abort: the same error as the bare model; invoke and stream spans end as errors', async () => {
    const s = await server(() => ({ text: 'one two three four five six seven eight', delayMs: 30, chunkDelayMs: 30 }));
    const run = async (wrap: boolean) => {
      const model = chatModel(s.openaiBaseURL);
      if (wrap) wrapLangChain(model);
      const invokeError = await model.invoke('x', { signal: AbortSignal.timeout(10) }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      const ac = new AbortController();
      const chunks: string[] = [];
      const streamError = await (async () => {
        for await (const c of await model.stream('x', { signal: ac.signal })) {
          chunks.push(String(c.content));
          if (chunks.length === 2) ac.abort();
        }
      })().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      return { invokeError: [invokeError?.constructor.name, invokeError?.message], streamError: [streamError?.constructor.name, streamError?.message], chunks };
    };
    const bare = await run(false);
    tracing.reset();
    const wrapped = await run(true);
    expect(wrapped).toEqual(bare);
    expect(wrapped.streamError[0]).toBeDefined();
    const [invokeSpan, streamSpan] = spansWhere('chat');
    expect(invokeSpan!.status.code).toBe(SpanStatusCode.ERROR);
    expect(streamSpan!.status.code).toBe(SpanStatusCode.ERROR);
    expect(streamSpan!.attributes[ATTR_WARDEN_STREAM_OUTCOME]).toBeDefined();
    expect(openRunCount()).toBe(0);
  });
});

describe('the two model-start callbacks', () => {
  const llm: Serialized = { lc: 1, type: 'not_implemented', id: ['langchain', 'llms', 'openai', 'OpenAI'] };
  const extra = (model: string) => ({ invocation_params: { model, temperature: 0.2, tools: [{ type: 'function', function: { name: 'lookup' } }] } });
  const meta = { ls_provider: 'openai' };
  const ended = { generations: [[{ text: 'hello' }]] };

  it('handleLLMStart (a text model): a text_completion span, each prompt a user message', () => {
    const handler = new WardenCallbackHandler({ captureContent: true });
    handler.handleLLMStart(llm, ['Say hi', 'Say bye'], 'run-text', undefined, extra('gpt-3.5-turbo-instruct'), [], meta);
    handler.handleLLMEnd(ended, 'run-text');
    const [span] = spansWhere('text_completion');
    expect(span!.name).toBe('text_completion gpt-3.5-turbo-instruct');
    expect(span!.attributes).toMatchObject({
      [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
      [ATTR_GEN_AI_REQUEST_TEMPERATURE]: 0.2,
      [ATTR_WARDEN_SOURCE]: 'langchain',
    });
    expect(JSON.parse(String(span!.attributes[ATTR_GEN_AI_INPUT_MESSAGES]))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Say hi' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Say bye' }] },
    ]);
    expect(span!.attributes[ATTR_GEN_AI_TOOL_DEFINITIONS]).toBeUndefined();
    expect(openRunCount()).toBe(0);
  });

  it('handleChatModelStart (a chat model): a chat span with the first message list and the tool definitions', () => {
    const handler = new WardenCallbackHandler({ captureContent: true });
    handler.handleChatModelStart(llm, [[new HumanMessage('Where is A1?')]], 'run-chat', undefined, extra('gpt-4o-mini'), [], meta);
    handler.handleLLMEnd(ended, 'run-chat');
    const [span] = spansWhere('chat');
    expect(span!.name).toBe('chat gpt-4o-mini');
    expect(span!.attributes).toMatchObject({
      [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
      [ATTR_GEN_AI_REQUEST_TEMPERATURE]: 0.2,
      [ATTR_WARDEN_SOURCE]: 'langchain',
    });
    expect(String(span!.attributes[ATTR_GEN_AI_INPUT_MESSAGES])).toContain('Where is A1?');
    expect(JSON.parse(String(span!.attributes[ATTR_GEN_AI_TOOL_DEFINITIONS]))).toEqual([{ type: 'function', function: { name: 'lookup' } }]);
    expect(openRunCount()).toBe(0);
  });

  it('a start callback that fails inside Warden is reported, never thrown into LangChain', () => {
    const handler = new WardenCallbackHandler();
    const bad = {
      get invocation_params(): never {
        throw new Error('boom');
      },
    };
    expect(() => handler.handleLLMStart(llm, ['x'], 'run-bad', undefined, bad)).not.toThrow();
    expect(() => handler.handleChatModelStart(llm, [[]], 'run-bad2', undefined, bad)).not.toThrow();
    expect(spansWhere('text_completion')).toEqual([]);
  });
});

describe('a stream the app stops reading', () => {
  it('ends as abandoned after the idle timeout, since LangChain sends no callback', async () => {
    const s = await server(() => ({ text: 'one two three four five six', chunkDelayMs: 5 }));
    const model = wrapLangChain(chatModel(s.openaiBaseURL), { streamIdleTimeoutMs: 100 });
    for await (const _ of await model.stream('x')) break;
    // LangChain sends no callback on break; the outcome 'abandoned' says the idle timer ended the
    // span. (Asserting "no span yet" right after the break raced the 100 ms timer on a busy machine.)
    await expect.poll(() => spansWhere('chat').length, { timeout: 5_000 }).toBe(1);
    expect(spansWhere('chat')[0]!.attributes[ATTR_WARDEN_STREAM_OUTCOME]).toBe('abandoned');
    expect(openRunCount()).toBe(0);
  });
});

function errorName(e: unknown): string {
  const err = e as Error;
  return err.name && err.name !== 'Error' ? err.name : err.constructor.name;
}

describe('a tool-calling agent loop', () => {
  it('nests model calls under the agent and the tool under its step; results equal the bare run', async () => {
    const { bare, wrapped } = await bareAndWrapped(orderBot(), async (s, wrap) => {
      const { tools } = orderTools();
      const agent = orderAgent(chatModel(s.openaiBaseURL), tools);
      const run = wrap ? wrapLangChain(agent, { agent: 'support' }) : agent;
      if (wrap) expect(run).toBe(agent);
      return plain(await run.invoke('Where is order A1?'));
    });
    expect(wrapped).toEqual(bare);
    expect((wrapped as unknown[]).length).toBe(4);

    const [agentSpan] = spansWhere('invoke_agent');
    expect(agentSpan!.name).toBe('invoke_agent support');
    const chats = spansWhere('chat');
    expect(chats).toHaveLength(2);
    for (const c of chats) {
      expect(parentOf(c)).toBe(idOf(agentSpan));
      expect(c.attributes[ATTR_GEN_AI_AGENT_NAME]).toBe('support');
    }
    expect(chats[0]!.attributes).toMatchObject({ [ATTR_WARDEN_TOOL_CALLS_NAMES]: ['lookup_order'], [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['tool_calls'] });
    const [step] = byName('tools');
    expect(parentOf(step!)).toBe(idOf(agentSpan));
    const [toolSpan] = spansWhere('execute_tool');
    expect(toolSpan!.name).toBe('execute_tool lookup_order');
    expect(parentOf(toolSpan!)).toBe(idOf(step));
    expect(toolSpan!.attributes).toMatchObject({ [ATTR_GEN_AI_TOOL_CALL_ID]: 'call_1', [ATTR_GEN_AI_AGENT_NAME]: 'support' });
    const usage = chats.reduce((n, c) => n + Number(c.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]), 0);
    expect(usage).toBe(70);
    expect(openRunCount()).toBe(0);
  });

  it('feeds the analyzer: one record per model call and tool call, with agent, tokens and requested tools', async () => {
    const s = await server(orderBot());
    const { tools } = orderTools();
    await wrapLangChain(orderAgent(chatModel(s.openaiBaseURL), tools), { agent: 'support' }).invoke('x');
    const records = tracing.spans().flatMap((sp) => callRecordFromSpan(sp) ?? []);
    const chats = records.filter((r) => r.operation === 'chat');
    expect(chats.map((r) => [r.agent, r.provider, r.model, r.inputTokens, r.outputTokens, r.toolCalls])).toEqual([
      ['support', 'openai', 'gpt-4o-mini', 30, 9, ['lookup_order']],
      ['support', 'openai', 'gpt-4o-mini', 40, 5, []],
    ]);
    expect(records.filter((r) => r.operation === 'execute_tool').map((r) => [r.tool, r.agent])).toEqual([['lookup_order', 'support']]);
  });

  it('traces each run once when both the model and the agent are wrapped', async () => {
    const s = await server(orderBot());
    const { tools } = orderTools();
    const model = wrapLangChain(chatModel(s.openaiBaseURL), { agent: 'inner' });
    for (const t of tools) wrapLangChain(t);
    await wrapLangChain(orderAgent(model, tools), { agent: 'support' }).invoke('x');
    expect(spansWhere('chat')).toHaveLength(2);
    expect(spansWhere('execute_tool')).toHaveLength(1);
    expect(spansWhere('invoke_agent')).toHaveLength(1);
  });

  it('inside traceAgent, adds no second invoke_agent: model calls nest under it and carry its agent', async () => {
    const s = await server(orderBot());
    const { tools } = orderTools();
    const agent = wrapLangChain(orderAgent(chatModel(s.openaiBaseURL), tools), { agent: 'fallback' });
    await traceAgent('outer', () => agent.invoke('x'))();
    const agents = spansWhere('invoke_agent');
    expect(agents.map((a) => a.name)).toEqual(['invoke_agent outer']);
    for (const c of spansWhere('chat')) {
      expect(parentOf(c)).toBe(idOf(agents[0]));
      expect(c.attributes[ATTR_GEN_AI_AGENT_NAME]).toBe('outer');
    }
  });

  it('ends the agent span with the error when a model call fails, and leaves no run open', async () => {
    const s = await server((req) =>
      req.index === 0 ? { toolCalls: [{ id: 'call_1', name: 'lookup_order', arguments: { id: 'A1' } }] } : { status: 400, errorMessage: 'bad tool result' },
    );
    const { tools } = orderTools();
    const agent = wrapLangChain(orderAgent(chatModel(s.openaiBaseURL), tools), { agent: 'support' });
    await expect(agent.invoke('x')).rejects.toThrow('bad tool result');
    const [agentSpan] = spansWhere('invoke_agent');
    expect(agentSpan!.status.code).toBe(SpanStatusCode.ERROR);
    expect(spansWhere('chat').map((c) => c.status.code)).toEqual([SpanStatusCode.UNSET, SpanStatusCode.ERROR]);
    expect(openRunCount()).toBe(0);
  });
});

describe('policies', () => {
  it('a denied tool does not run: its invoke rejects with the typed PolicyDeniedError', async () => {
    const guard = new DenyDeletes();
    setToolGuard(guard);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { tools, ran } = orderTools();
    const deleteOrder = wrapLangChain(tools[1]!, { agent: 'support' });
    const error = await deleteOrder.invoke({ id: 'A1' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ran).toEqual([]);
    expect(PolicyDeniedError.isInstance(error)).toBe(true);
    expect((error as PolicyDeniedError).rule).toBe('tool_not_allowed');
    expect(guard.checks).toEqual([expect.objectContaining({ tool: 'delete_order', source: 'langchain', arguments: { id: 'A1' }, agent: { name: 'support' } })]);
    // LangChain logs what a raiseError handler throws.
    expect(logged).toHaveBeenCalled();
    const [span] = spansWhere('execute_tool');
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes[ATTR_WARDEN_POLICY_DECISION]).toBe('deny');
    expect(openRunCount()).toBe(0);
  });

  it('inside a wrapped agent, the denial stops the tool and reaches the agent’s caller', async () => {
    setToolGuard(new DenyDeletes());
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const s = await server(orderBot('delete_order'));
    const { tools, ran } = orderTools();
    const agent = wrapLangChain(orderAgent(chatModel(s.openaiBaseURL), tools), { agent: 'support' });
    const error = await agent.invoke('Delete order A1').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(PolicyDeniedError.isInstance(error)).toBe(true);
    expect(ran).toEqual([]);
    expect(spansWhere('invoke_agent')[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(openRunCount()).toBe(0);
  });

  it('an allowed tool runs, with the decision on its span', async () => {
    setToolGuard(new DenyDeletes());
    const { tools, ran } = orderTools();
    const result = await wrapLangChain(tools[0]!).invoke({ id: 'A1' });
    expect(JSON.parse(String(result))).toMatchObject({ id: 'A1' });
    expect(ran).toEqual(['lookup_order:A1']);
    expect(spansWhere('execute_tool')[0]!.attributes[ATTR_WARDEN_POLICY_DECISION]).toBe('allow');
  });
});

describe('content capture', () => {
  it('records redacted messages, tool arguments and results only when on', async () => {
    const s = await server(orderBot('lookup_order', { id: 'A1', note: 'mail jane@example.com' }));
    const { tools } = orderTools();
    const agent = wrapLangChain(orderAgent(chatModel(s.openaiBaseURL), tools), { agent: 'support', captureContent: true });
    await agent.invoke('My key is sk-proj-abcdefghijklmnopqrstuvwx. Where is A1?');
    const [first, second] = spansWhere('chat');
    const input = String(first!.attributes[ATTR_GEN_AI_INPUT_MESSAGES]);
    expect(input).toContain('Where is A1?');
    expect(input).not.toContain('sk-proj-abcdefghijklmnopqrstuvwx');
    expect(JSON.parse(String(first!.attributes[ATTR_GEN_AI_OUTPUT_MESSAGES]))[0].parts[0]).toMatchObject({
      type: 'tool_call',
      name: 'lookup_order',
      id: 'call_1',
    });
    expect(String(second!.attributes[ATTR_GEN_AI_INPUT_MESSAGES])).toContain('tool_call_response');
    const [toolSpan] = spansWhere('execute_tool');
    expect(String(toolSpan!.attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS])).toContain('"id":"A1"');
    expect(String(toolSpan!.attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS])).not.toContain('jane@example.com');
    expect(String(toolSpan!.attributes[ATTR_GEN_AI_TOOL_CALL_RESULT])).toContain('shipped');
    expect(String(toolSpan!.attributes[ATTR_GEN_AI_TOOL_CALL_RESULT])).not.toContain('ops@example.com');
  });

  it('records none of them by default', async () => {
    const s = await server(orderBot());
    const { tools } = orderTools();
    await wrapLangChain(orderAgent(chatModel(s.openaiBaseURL), tools)).invoke('x');
    for (const span of tracing.spans())
      for (const key of [ATTR_GEN_AI_INPUT_MESSAGES, ATTR_GEN_AI_OUTPUT_MESSAGES, ATTR_GEN_AI_TOOL_CALL_ARGUMENTS, ATTR_GEN_AI_TOOL_CALL_RESULT])
        expect(span.attributes[key]).toBeUndefined();
  });
});

describe('retrievers and plain functions', () => {
  it('traces a retriever under the agent that called it', async () => {
    const { BaseRetriever } = await import('@langchain/core/retrievers');
    const { Document } = await import('@langchain/core/documents');
    const { RunnableLambda } = await import('@langchain/core/runnables');
    class OrderDocs extends BaseRetriever {
      override lc_namespace = ['test', 'retrievers'];
      override async _getRelevantDocuments(query: string) {
        return [new Document({ pageContent: `docs for ${query}` })];
      }
    }
    const retriever = new OrderDocs();
    const agent = wrapLangChain(
      RunnableLambda.from(async (q: string, config) => (await retriever.invoke(q, config)).length).withConfig({ runName: 'researcher' }),
    );
    expect(await agent.invoke('refunds')).toBe(1);
    const [agentSpan] = spansWhere('invoke_agent');
    expect(agentSpan!.name).toBe('invoke_agent researcher');
    const [retrieverSpan] = tracing.spans().filter((sp) => sp.name.startsWith('retriever '));
    expect(retrieverSpan!.name).toBe('retriever OrderDocs');
    expect(parentOf(retrieverSpan!)).toBe(idOf(agentSpan));
  });

  it('keeps the chat model instance and class, and is idempotent', async () => {
    const s = await server(() => ({ text: 'ok' }));
    const { ChatOpenAI } = await import('@langchain/openai');
    const model = chatModel(s.openaiBaseURL);
    expect(wrapLangChain(wrapLangChain(model))).toBe(model);
    expect(model).toBeInstanceOf(ChatOpenAI);
    const reply = await model.invoke([new HumanMessage('hi')] as BaseMessage[]);
    expect(reply).toBeInstanceOf(AIMessage);
    expect(spansWhere('chat')).toHaveLength(1);
  });
});
