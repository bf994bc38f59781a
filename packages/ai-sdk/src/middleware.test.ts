import { createOpenAI } from '@ai-sdk/openai';
import { callRecordFromSpan } from '@warden/analyzer';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_WARDEN_OUTPUT_LENGTH,
  ATTR_WARDEN_SOURCE,
  ATTR_WARDEN_STREAM,
  ATTR_WARDEN_STREAM_OUTCOME,
  ATTR_WARDEN_SUPERSEDED,
  ATTR_WARDEN_TOOL_CALLS_NAMES,
  UnsupportedClientError,
  WardenConfigError,
  withAgent,
} from '@warden/core';
import { createTestTracing, startFakeLlmServer, type FakeBehaviour, type FakeLlmServer, type TestTracing } from '@warden/testing';
import { generateObject, generateText, streamText, type LanguageModel } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { orderBot, withoutWallClock } from './__fixtures__/order-bot';
import { isAISDKLanguageModel, wardenMiddleware, wrapAISDKModel } from './middleware';
import { wardenTools } from './tools';

let tracing: TestTracing;
const servers: FakeLlmServer[] = [];

beforeAll(() => {
  tracing = createTestTracing();
});
afterEach(async () => {
  tracing.reset();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await tracing.shutdown();
});

type Api = 'chat' | 'responses';
const APIS: Api[] = ['chat', 'responses'];

async function server(behaviour: FakeBehaviour): Promise<FakeLlmServer> {
  const s = await startFakeLlmServer({ behaviour });
  servers.push(s);
  return s;
}

function model(s: FakeLlmServer, api: Api, id = 'gpt-4o-mini') {
  const openai = createOpenAI({ baseURL: s.openaiBaseURL, apiKey: 'test' });
  return api === 'chat' ? openai.chat(id) : openai.responses(id);
}

/** Runs `run` on a bare and on a wrapped model, each against a fresh fake server, so server ids repeat. */
async function bareAndWrapped<R>(behaviour: FakeBehaviour, api: Api, run: (m: LanguageModel) => Promise<R>) {
  const bare = await run(model(await server(behaviour), api));
  tracing.reset();
  const wrapped = await run(wrapAISDKModel(model(await server(behaviour), api), { agent: 'support' }));
  return { bare, wrapped };
}

const modelSpans = () => tracing.spans().filter((s) => s.attributes[ATTR_GEN_AI_OPERATION_NAME] === 'chat' && s.attributes[ATTR_WARDEN_SOURCE] === 'ai-sdk');
const byName = (name: string) => tracing.spans().filter((s) => s.name === name);
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe.each(APIS)('generateText (%s api)', (api) => {
  it('records one chat span with usage, model and finish reason, and returns what the bare model returns', async () => {
    const { bare, wrapped } = await bareAndWrapped(
      () => ({ text: 'Your order has shipped.', inputTokens: 21, outputTokens: 5 }),
      api,
      async (m) => {
        const r = await generateText({ model: m, prompt: 'Where is my order?', temperature: 0.2, maxOutputTokens: 64 });
        return withoutWallClock({
          text: r.text,
          content: r.content,
          finishReason: r.finishReason,
          usage: r.usage,
          response: r.response,
          request: r.request,
          steps: r.steps,
          providerMetadata: r.providerMetadata,
          warnings: r.warnings,
        });
      },
    );
    expect(wrapped).toEqual(bare);

    const [span, ...rest] = modelSpans();
    expect(rest).toHaveLength(0);
    expect(span!.name).toBe('chat gpt-4o-mini');
    expect(span!.kind).toBe(2 /* CLIENT */);
    expect(span!.attributes).toMatchObject({
      [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
      [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini',
      [ATTR_GEN_AI_AGENT_NAME]: 'support',
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 21,
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 5,
      [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR_GEN_AI_REQUEST_TEMPERATURE]: 0.2,
      [ATTR_GEN_AI_REQUEST_MAX_TOKENS]: 64,
      [ATTR_WARDEN_OUTPUT_LENGTH]: 'Your order has shipped.'.length,
    });
    expect(String(span!.attributes[ATTR_GEN_AI_RESPONSE_ID])).toMatch(api === 'chat' ? /^chatcmpl-/ : /^resp_/);
    // Content capture is off by default: no prompt or completion on the span.
    expect(span!.attributes[ATTR_GEN_AI_INPUT_MESSAGES]).toBeUndefined();
    expect(span!.attributes[ATTR_GEN_AI_OUTPUT_MESSAGES]).toBeUndefined();
  });

  it('nests under the active span and records the agent active in context over the option', async () => {
    const s = await server(() => ({ text: 'ok' }));
    const m = wrapAISDKModel(model(s, api), { agent: 'default-agent' });
    await trace.getTracer('app').startActiveSpan('handle request', async (root) => {
      await withAgent({ name: 'billing' }, () => generateText({ model: m, prompt: 'hi' }));
      root.end();
    });
    const [span] = modelSpans();
    expect(parentOf(span!)).toBe(byName('handle request')[0]!.spanContext().spanId);
    expect(span!.attributes[ATTR_GEN_AI_AGENT_NAME]).toBe('billing');
  });

  it('rethrows the HTTP 400 the bare model throws and records the error on the span', async () => {
    const s = await server(() => ({ status: 400, errorMessage: 'bad request: context too long' }));
    const run = (m: LanguageModel) =>
      generateText({ model: m, prompt: 'x', maxRetries: 0 }).then(
        () => undefined,
        (e: unknown) => e,
      );
    const bareError = (await run(model(s, api))) as Error & Record<string, unknown>;
    const wrappedError = (await run(wrapAISDKModel(model(s, api)))) as Error & Record<string, unknown>;
    expect(wrappedError).toBeInstanceOf(bareError.constructor);
    expect(withoutWallClock({ ...wrappedError, message: wrappedError.message })).toEqual(withoutWallClock({ ...bareError, message: bareError.message }));
    expect(wrappedError.statusCode).toBe(400);

    const [span] = modelSpans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    // Content is off: the provider's text (which may echo the prompt) stays out of the span.
    expect(span!.status.message).not.toContain('context too long');
    expect(span!.status.message).toContain('status 400');
    expect(span!.attributes[ATTR_ERROR_TYPE]).toBe(bareError.name);
  });

  it('rejects with the same abort error when the caller aborts, and ends the span as an error', async () => {
    const s = await server(() => ({ text: 'late', delayMs: 2_000 }));
    const run = async (m: LanguageModel) => {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      return generateText({ model: m, prompt: 'x', abortSignal: ac.signal, maxRetries: 0 }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    };
    const bareError = await run(model(s, api));
    const wrappedError = await run(wrapAISDKModel(model(s, api)));
    expect(wrappedError?.name).toBe(bareError?.name);
    expect(wrappedError?.constructor).toBe(bareError?.constructor);
    const [span] = modelSpans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes[ATTR_ERROR_TYPE]).toBe(bareError!.name);
  });
});

describe.each(APIS)('streamText (%s api)', (api) => {
  /** Everything the app can observe of a stream: its parts, then the promised summaries (or their errors). */
  const collect = async (m: LanguageModel, abortAfter?: number) => {
    const ac = new AbortController();
    const r = streamText({ model: m, prompt: 'Where is my order?', abortSignal: ac.signal, maxRetries: 0, onError: () => undefined });
    const parts: unknown[] = [];
    let streamError: string | undefined;
    try {
      for await (const p of r.fullStream) {
        parts.push(p);
        if (abortAfter !== undefined && parts.length === abortAfter) ac.abort();
      }
    } catch (e) {
      streamError = (e as Error).name;
    }
    const settle = (p: PromiseLike<unknown>) =>
      Promise.resolve(p).then(
        (v) => v,
        (e: unknown) => `rejected: ${(e as Error).name}`,
      );
    return { parts, streamError, text: await settle(r.text), finishReason: await settle(r.finishReason), usage: await settle(r.totalUsage) };
  };

  it('streams the same parts as the bare model and ends one span on finish with usage', async () => {
    const { bare, wrapped } = await bareAndWrapped(
      () => ({ text: 'Your order has shipped today.', inputTokens: 17, outputTokens: 6 }),
      api,
      async (m) => withoutWallClock(await collect(m)),
    );
    expect(wrapped).toEqual(bare);
    const [span, ...rest] = modelSpans();
    expect(rest).toHaveLength(0);
    expect(span!.attributes).toMatchObject({
      [ATTR_WARDEN_STREAM]: true,
      [ATTR_WARDEN_STREAM_OUTCOME]: 'completed',
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 17,
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 6,
      [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR_WARDEN_OUTPUT_LENGTH]: 'Your order has shipped today.'.length,
    });
    expect(span!.attributes[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]).toBeGreaterThan(0);
  });

  it('ends the span once as aborted when the caller aborts mid-stream, with the same parts as the bare model', async () => {
    const behaviour: FakeBehaviour = () => ({ text: 'one two three four five six seven eight', chunkDelayMs: 30 });
    const { bare, wrapped } = await bareAndWrapped(behaviour, api, async (m) => {
      const r = await collect(m, 3);
      return { ...r, parts: r.parts.map((p) => (p as { type: string }).type) };
    });
    expect(wrapped).toEqual(bare);
    expect(wrapped.parts).toContain('abort');
    const spans = modelSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes[ATTR_WARDEN_STREAM_OUTCOME]).toBe('aborted');
    expect(spans[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('ends the span completed with full usage when the app stops reading early (the AI SDK still reads the model stream to its end)', async () => {
    const s = await server(() => ({ text: 'one two three four five six seven eight', chunkDelayMs: 2, outputTokens: 8 }));
    const r = streamText({ model: wrapAISDKModel(model(s, api)), prompt: 'x' });
    for await (const _ of r.textStream) break;
    await expect.poll(() => modelSpans().length).toBe(1);
    expect(modelSpans()[0]!.attributes).toMatchObject({ [ATTR_WARDEN_STREAM_OUTCOME]: 'completed', [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 8 });
  });

  it('ends the span as broken when the model stream itself is cancelled', async () => {
    const s = await server(() => ({ text: 'one two three four five six seven eight', chunkDelayMs: 5 }));
    const wrapped = wrapAISDKModel(model(s, api));
    const { stream } = await wrapped.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] });
    const reader = stream.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    const spans = modelSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes[ATTR_WARDEN_STREAM_OUTCOME]).toBe('broken');
    expect(spans[0]!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('ends the span as abandoned when nobody reads the model stream for streamIdleTimeoutMs', async () => {
    const s = await server(() => ({ text: 'one two three four five six seven eight' }));
    const wrapped = wrapAISDKModel(model(s, api), { streamIdleTimeoutMs: 100 });
    const { stream } = await wrapped.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] });
    await stream.getReader().read();
    await expect.poll(() => modelSpans().length, { timeout: 2_000 }).toBe(1);
    expect(modelSpans()[0]!.attributes[ATTR_WARDEN_STREAM_OUTCOME]).toBe('abandoned');
  });

  it('records an error when the connection drops mid-stream, and the app sees the same error parts', async () => {
    const behaviour: FakeBehaviour = () => ({ text: 'one two three four five six', failAfterChunks: 3 });
    const { bare, wrapped } = await bareAndWrapped(behaviour, api, async (m) => {
      const r = await collect(m);
      return { ...r, parts: r.parts.map((p) => (p as { type: string }).type) };
    });
    expect(wrapped).toEqual(bare);
    expect(wrapped.parts).toContain('error');
    const spans = modelSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('generateObject', () => {
  it.each(APIS)('records a json chat span and returns the same object (%s api)', async (api) => {
    const { bare, wrapped } = await bareAndWrapped(
      () => ({ text: '{"status":"shipped","eta":"today"}', inputTokens: 33, outputTokens: 8 }),
      api,
      async (m) => {
        const r = await generateObject({ model: m, prompt: 'Order status as JSON', schema: z.object({ status: z.string(), eta: z.string() }) });
        return withoutWallClock({ object: r.object, usage: r.usage, finishReason: r.finishReason, response: r.response, request: r.request });
      },
    );
    expect(wrapped).toEqual(bare);
    expect((wrapped as { object: unknown }).object).toEqual({ status: 'shipped', eta: 'today' });
    const [span] = modelSpans();
    expect(span!.attributes).toMatchObject({ [ATTR_GEN_AI_OUTPUT_TYPE]: 'json', [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 33 });
  });
});

/** The spans that carry a model call's token usage: what a backend adding up gen_ai.usage.* would count. */
const usageCarriers = () => tracing.spans().filter((sp) => sp.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS] !== undefined);

describe('one span per model call, with the AI SDK telemetry on or off (issue 14)', () => {
  it.each(APIS)('telemetry on: enriches ai.generateText.doGenerate instead of adding a chat span; each token counted once (%s api)', async (api) => {
    const s = await server(orderBot('noop', {}));
    const { tool, stepCountIs } = await import('ai');
    const r = await generateText({
      model: wrapAISDKModel(model(s, api), { agent: 'support' }),
      prompt: 'x',
      tools: { noop: tool({ inputSchema: z.object({}), execute: async () => 'ok' }) },
      stopWhen: stepCountIs(3),
      experimental_telemetry: { isEnabled: true },
    });
    const doGenerate = byName('ai.generateText.doGenerate');
    expect(doGenerate).toHaveLength(2);
    expect(byName('chat gpt-4o-mini')).toHaveLength(0);
    // Exactly one carrier of gen_ai.usage.* per model call, and it is the SDK's own span.
    expect(
      usageCarriers()
        .map((sp) => sp.spanContext().spanId)
        .sort(),
    ).toEqual(doGenerate.map((d) => d.spanContext().spanId).sort());
    for (const d of doGenerate) {
      expect(d.attributes).toMatchObject({
        [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
        [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
        [ATTR_GEN_AI_AGENT_NAME]: 'support',
        [ATTR_WARDEN_SOURCE]: 'ai-sdk',
      });
      expect(d.attributes[ATTR_WARDEN_SUPERSEDED]).toBeUndefined();
    }
    const input = usageCarriers().reduce((n, sp) => n + Number(sp.attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS]), 0);
    expect(input).toBe(70);
    expect(r.totalUsage.inputTokens).toBe(70);
    expect(doGenerate.find((d) => d.attributes[ATTR_WARDEN_TOOL_CALLS_NAMES])!.attributes[ATTR_WARDEN_TOOL_CALLS_NAMES]).toEqual(['noop']);
    expect(
      tracing
        .spans()
        .flatMap((sp) => callRecordFromSpan(sp) ?? [])
        .filter((rec) => rec.operation === 'chat'),
    ).toHaveLength(2);
  });

  it("telemetry off: one chat span of Warden's per model call carries the usage", async () => {
    const s = await server(orderBot('noop', {}));
    const { tool, stepCountIs } = await import('ai');
    await generateText({
      model: wrapAISDKModel(model(s, 'chat')),
      prompt: 'x',
      tools: { noop: tool({ inputSchema: z.object({}), execute: async () => 'ok' }) },
      stopWhen: stepCountIs(3),
    });
    expect(usageCarriers()).toHaveLength(2);
    expect(usageCarriers().every((sp) => sp.name === 'chat gpt-4o-mini')).toBe(true);
  });

  it('feeds the analyzer one record per model call and per tool call, with each token once', async () => {
    const s = await server(orderBot());
    const { tool, stepCountIs } = await import('ai');
    await generateText({
      model: wrapAISDKModel(model(s, 'chat'), { agent: 'support' }),
      prompt: 'x',
      tools: wardenTools({ lookup_order: tool({ inputSchema: z.object({ id: z.string() }), execute: async ({ id }) => ({ id }) }) }, { agent: 'support' }),
      stopWhen: stepCountIs(3),
      experimental_telemetry: { isEnabled: true },
    });
    const records = tracing.spans().flatMap((sp) => callRecordFromSpan(sp) ?? []);
    const chats = records.filter((r) => r.operation === 'chat');
    expect(chats.map((r) => [r.agent, r.provider, r.model, r.inputTokens, r.outputTokens])).toEqual([
      ['support', 'openai', 'gpt-4o-mini', 30, 9],
      ['support', 'openai', 'gpt-4o-mini', 40, 5],
    ]);
    expect(chats[0]!.toolCalls).toEqual(['lookup_order']);
    expect(records.filter((r) => r.operation === 'execute_tool').map((r) => [r.tool, r.agent])).toEqual([['lookup_order', 'support']]);
  });

  it('telemetry on, streamed: enriches ai.streamText.doStream, which carries the usage and how the stream ended', async () => {
    const s = await server(() => ({ text: 'streamed answer', inputTokens: 12 }));
    const r = streamText({ model: wrapAISDKModel(model(s, 'chat')), prompt: 'x', experimental_telemetry: { isEnabled: true } });
    await r.consumeStream();
    await r.text;
    const [doStream] = byName('ai.streamText.doStream');
    expect(byName('chat gpt-4o-mini')).toHaveLength(0);
    expect(usageCarriers()).toEqual([doStream]);
    expect(doStream!.attributes).toMatchObject({
      [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 12,
      [ATTR_WARDEN_STREAM]: true,
      [ATTR_WARDEN_STREAM_OUTCOME]: 'completed',
      [ATTR_WARDEN_OUTPUT_LENGTH]: 'streamed answer'.length,
    });
  });
});

describe('content capture', () => {
  it('records redacted prompts and completions only when captureContent is on', async () => {
    const s = await server(() => ({ text: 'Mail me at jane@example.com', inputTokens: 10 }));
    await generateText({
      model: wrapAISDKModel(model(s, 'chat'), { captureContent: true }),
      system: 'You are a support bot.',
      prompt: 'My key is sk-proj-abcdefghijklmnopqrstuvwx, where is order A1?',
    });
    const [span] = modelSpans();
    const input = String(span!.attributes[ATTR_GEN_AI_INPUT_MESSAGES]);
    const output = String(span!.attributes[ATTR_GEN_AI_OUTPUT_MESSAGES]);
    expect(input).toContain('where is order A1?');
    expect(input).not.toContain('sk-proj-abcdefghijklmnopqrstuvwx');
    expect(input).toContain('[REDACTED');
    expect(output).not.toContain('jane@example.com');
    expect(JSON.parse(output)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: expect.stringContaining('Mail me at') }], finish_reason: 'stop' },
    ]);
  });
});

describe('wrapAISDKModel', () => {
  it('keeps provider and model id, does not wrap twice, and works as a middleware too', async () => {
    const s = await server(() => ({ text: 'ok' }));
    const m = model(s, 'chat');
    const wrapped = wrapAISDKModel(m);
    expect(isAISDKLanguageModel(m)).toBe(true);
    expect(isAISDKLanguageModel(wrapped)).toBe(true);
    expect(isAISDKLanguageModel({ modelId: 'x' })).toBe(false);
    expect(wrapped.provider).toBe('openai.chat');
    expect(wrapped.modelId).toBe('gpt-4o-mini');
    expect(wrapAISDKModel(wrapped)).toBe(wrapped);
    await generateText({ model: wrapAISDKModel(wrapped), prompt: 'x' });
    expect(modelSpans()).toHaveLength(1);

    const { wrapLanguageModel } = await import('ai');
    await generateText({ model: wrapLanguageModel({ model: m, middleware: wardenMiddleware({ agent: 'mw' }) }), prompt: 'x' });
    expect(modelSpans()[1]!.attributes[ATTR_GEN_AI_AGENT_NAME]).toBe('mw');
  });

  it('names the bad option field, and refuses a model of another specification', () => {
    expect(() => wardenMiddleware({ maxContentLength: -1 })).toThrow(WardenConfigError);
    expect(() => wardenMiddleware({ maxContentLength: -1 })).toThrow(/maxContentLength/);
    expect(() => wardenMiddleware({ agent: '' })).toThrow(/agent/);
    expect(() => wardenMiddleware({ streamIdleTimeoutMs: -5 })).toThrow(/streamIdleTimeoutMs/);
    const v2 = { specificationVersion: 'v2', provider: 'p', modelId: 'm', doGenerate: async () => ({}) };
    expect(() => wrapAISDKModel(v2 as never)).toThrow(UnsupportedClientError);
  });
});
