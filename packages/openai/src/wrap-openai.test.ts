import Anthropic from '@anthropic-ai/sdk';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import * as A from '@warden/core';
import { createTestTracing, startFakeLlmServer, type FakeLlmServer, type TestTracing } from '@warden/testing';
import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isOpenAIClient, wrapOpenAI } from './wrap-openai';

describe('wrapOpenAI', () => {
  let tracing: TestTracing;
  let server: FakeLlmServer;
  const client = () => new OpenAI({ apiKey: 'k', baseURL: server.openaiBaseURL, maxRetries: 0 });
  const ask = (c: OpenAI) => c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  beforeAll(async () => {
    tracing = createTestTracing();
    server = await startFakeLlmServer();
  });
  afterEach(() => {
    tracing.reset();
    A.setToolGuard(undefined);
  });
  afterAll(async () => {
    await server.close();
    await tracing.shutdown();
  });

  it('returns the same client object, still an instance of its class, and leaves other clients alone', async () => {
    const c = client();
    const other = client();
    expect(wrapOpenAI(c)).toBe(c);
    expect(c).toBeInstanceOf(OpenAI);
    expect(Object.keys(c)).toEqual(Object.keys(other));
    await ask(other);
    expect(tracing.spans()).toHaveLength(0);
    await ask(c);
    expect(tracing.spans()).toHaveLength(1);
  });

  it('wrapping twice records each call once, with the latest options', async () => {
    const c = wrapOpenAI(wrapOpenAI(client(), { agent: 'first' }), { agent: 'second' });
    await ask(c);
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]!.attributes[A.ATTR_GEN_AI_AGENT_NAME]).toBe('second');
  });

  it('records the agent from options, and the agent active in context over it', async () => {
    const c = wrapOpenAI(client(), { agent: { name: 'support', id: 'a-1', version: '2' } });
    await ask(c);
    await A.withAgent({ name: 'billing', conversationId: 'conv-9' }, () => ask(c));
    const [first, second] = tracing.spans();
    expect(first!.attributes).toMatchObject({ [A.ATTR_GEN_AI_AGENT_NAME]: 'support', [A.ATTR_GEN_AI_AGENT_ID]: 'a-1', [A.ATTR_GEN_AI_AGENT_VERSION]: '2' });
    expect(second!.attributes).toMatchObject({ [A.ATTR_GEN_AI_AGENT_NAME]: 'billing', [A.ATTR_GEN_AI_CONVERSATION_ID]: 'conv-9' });
  });

  it('nests under the active span, and the SDK call runs with the model-call span active', async () => {
    const c = wrapOpenAI(client());
    const tracer = trace.getTracer('app');
    await tracer.startActiveSpan('handle request', async (parent) => {
      await ask(c);
      parent.end();
    });
    const model = tracing.spans().find((s) => s.name.startsWith('chat'))!;
    const parent = tracing.spans().find((s) => s.name === 'handle request')!;
    expect(model.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(model.spanContext().traceId).toBe(parent.spanContext().traceId);
  });

  it('tells the tool guard which tools the model asked for (record only)', async () => {
    const seen: A.ToolCallCheck[] = [];
    A.setToolGuard({ check: async () => ({ allowed: true }), observeRequested: (call) => seen.push(call) });
    server.setBehaviour(() => ({ toolCalls: [{ name: 'send_email', arguments: { to: 'a@b.c' }, id: 'call_x' }] }));
    const c = wrapOpenAI(client(), { agent: 'mailer' });
    await ask(c);
    server.setBehaviour(() => ({}));
    expect(seen).toEqual([
      {
        tool: 'send_email',
        agent: { name: 'mailer' },
        arguments: { to: 'a@b.c' },
        source: 'model',
        callId: 'call_x',
        traceId: tracing.spans()[0]!.spanContext().traceId,
      },
    ]);
  });

  it('records with an explicit tracerProvider, and a failing one never breaks the call', async () => {
    const exporter = new InMemorySpanExporter();
    const own = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    await ask(wrapOpenAI(client(), { tracerProvider: own }));
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(tracing.spans()).toHaveLength(0);
    const errors: A.InternalErrorEvent[] = [];
    const off = A.onInternalError((e) => errors.push(e));
    const broken = {
      getTracer() {
        throw new Error('provider exploded');
      },
    };
    const c = wrapOpenAI(client(), { tracerProvider: broken });
    server.setBehaviour(() => ({ text: 'same answer' }));
    const bare = await ask(client());
    const wrapped = await ask(c);
    off();
    server.setBehaviour(() => ({}));
    expect(wrapped.choices).toEqual(bare.choices);
    expect(errors.map((e) => e.where)).toContain('openai.startSpan');
  });

  it('names Azure OpenAI as the provider', async () => {
    const azure = wrapOpenAI(new AzureOpenAI({ apiKey: 'k', apiVersion: '2024-10-21', baseURL: `${server.url}/openai`, maxRetries: 0 }));
    const reply = await azure.chat.completions.create({ model: 'my-deployment', messages: [{ role: 'user', content: 'hi' }] });
    expect(reply.model).toBe('my-deployment');
    expect(tracing.spans()[0]!.attributes[A.ATTR_GEN_AI_PROVIDER_NAME]).toBe('azure.ai.openai');
  });

  it('rejects bad options with one error naming each field, and non-OpenAI clients', () => {
    expect(() => wrapOpenAI(client(), { captureContent: 'yes' as unknown as boolean, streamIdleTimeoutMs: -1 })).toThrowError(
      /option "captureContent": expected a boolean, got the string "yes"; option "streamIdleTimeoutMs"/,
    );
    let caught: unknown;
    try {
      wrapOpenAI(client(), { maxContentLength: 3 });
    } catch (e) {
      caught = e;
    }
    expect(A.WardenConfigError.isInstance(caught)).toBe(true);
    expect((caught as A.WardenConfigError).issues[0]!.path).toBe('maxContentLength');
    expect(() => wrapOpenAI({} as OpenAI)).toThrowError(/expected an OpenAI client/);
  });

  it('isOpenAIClient tells OpenAI clients from everything else without loading the SDK', () => {
    expect(isOpenAIClient(client())).toBe(true);
    expect(isOpenAIClient(new Anthropic({ apiKey: 'k' }))).toBe(false);
    expect(isOpenAIClient(null)).toBe(false);
    expect(isOpenAIClient('openai')).toBe(false);
    expect(isOpenAIClient({ chat: {} })).toBe(false);
  });
});
