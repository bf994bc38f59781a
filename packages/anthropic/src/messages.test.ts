import Anthropic from '@anthropic-ai/sdk';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import * as A from '@warden/core';
import { both, createTestTracing, drain, errorShape, startFixtureServer, type FixtureServer, type TestTracing, type TwinClients } from '@warden/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAnthropicTwins } from './anthropic-twins';
import { wrapAnthropic } from './wrap-anthropic';

const CONTENT_ATTRS = [A.ATTR_GEN_AI_INPUT_MESSAGES, A.ATTR_GEN_AI_OUTPUT_MESSAGES, A.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, A.ATTR_GEN_AI_TOOL_DEFINITIONS];
const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
};

describe('messages.create (plain)', () => {
  let tracing: TestTracing;
  let twins: TwinClients<Anthropic>;
  beforeAll(() => {
    tracing = createTestTracing();
  });
  // Fresh twin servers per test keep both request counters, hence message ids, in step.
  beforeEach(async () => {
    twins = await startAnthropicTwins();
  });
  afterEach(async () => {
    tracing.reset();
    await twins.close();
  });
  afterAll(() => tracing.shutdown());

  it('returns what the bare client returns and records exactly one span, Warden’s, with GenAI attributes', async () => {
    twins.setBehaviour(() => ({ text: 'Sunny in Paris.', inputTokens: 30, outputTokens: 5 }));
    const { bare, wrapped } = await both(twins, (c) =>
      c.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 256,
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        temperature: 0.3,
        top_p: 0.8,
        top_k: 40,
        stop_sequences: ['END'],
        // Sampling fields the 1.x types dropped are still sent as given; the span records them.
      } as Anthropic.MessageCreateParamsNonStreaming),
    );
    expect(wrapped).toEqual(bare);
    // The bare client's SDK span went to the same global provider: drop it, then count ours.
    const spans = tracing.spans().filter((s) => s.instrumentationScope.name === '@warden/anthropic');
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span.name).toBe('chat claude-sonnet-4-6');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      [A.ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [A.ATTR_GEN_AI_PROVIDER_NAME]: 'anthropic',
      [A.ATTR_GEN_AI_REQUEST_MODEL]: 'claude-sonnet-4-6',
      [A.ATTR_SERVER_ADDRESS]: '127.0.0.1',
      [A.ATTR_SERVER_PORT]: twins.wrappedServer.port,
      [A.ATTR_GEN_AI_REQUEST_MAX_TOKENS]: 256,
      [A.ATTR_GEN_AI_REQUEST_TEMPERATURE]: 0.3,
      [A.ATTR_GEN_AI_REQUEST_TOP_P]: 0.8,
      [A.ATTR_GEN_AI_REQUEST_TOP_K]: 40,
      [A.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES]: ['END'],
      [A.ATTR_GEN_AI_RESPONSE_ID]: 'msg_000000',
      [A.ATTR_GEN_AI_RESPONSE_MODEL]: 'claude-sonnet-4-6',
      [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['end_turn'],
      [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 30,
      [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 5,
      [A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 0,
      [A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: 0,
      [A.ATTR_WARDEN_OUTPUT_LENGTH]: 'Sunny in Paris.'.length,
    });
    for (const key of CONTENT_ATTRS) expect(span.attributes[key]).toBeUndefined();
  });

  it('records tool_use names always and their input never without capture', async () => {
    twins.setBehaviour(() => ({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] }));
    const { bare, wrapped } = await both(twins, (c) =>
      c.messages.create({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool] }),
    );
    expect(wrapped).toEqual(bare);
    const span = tracing.spans().find((s) => s.instrumentationScope.name === '@warden/anthropic')!;
    expect(span.attributes[A.ATTR_WARDEN_TOOL_CALLS_NAMES]).toEqual(['get_weather']);
    expect(span.attributes[A.ATTR_WARDEN_TOOL_CALLS_COUNT]).toBe(1);
    expect(span.attributes[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['tool_use']);
    expect(JSON.stringify(span.attributes)).not.toContain('Oslo');
  });

  it('keeps .withResponse() and .asResponse() working', async () => {
    twins.setBehaviour(() => ({ text: 'ok' }));
    const params = { model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user' as const, content: 'hi' }] };
    const withResponse = await both(twins, async (c) => {
      const r = await c.messages.create(params).withResponse();
      return { data: r.data, status: r.response.status };
    });
    expect(withResponse.wrapped).toEqual(withResponse.bare);
    const asResponse = await both(twins, async (c) => {
      const response = await c.messages.create(params).asResponse();
      return (await response.json()) as unknown;
    });
    expect(asResponse.wrapped).toEqual(asResponse.bare);
    await new Promise((r) => setImmediate(r));
    const ours = tracing.spans().filter((s) => s.instrumentationScope.name === '@warden/anthropic');
    expect(ours).toHaveLength(2);
    expect(ours[0]!.attributes[A.ATTR_GEN_AI_RESPONSE_ID]).toBe('msg_000000');
  });

  it('throws the same error and marks the span as an error', async () => {
    twins.setBehaviour(() => ({ status: 429, errorMessage: 'Number of request tokens has exceeded your rate limit' }));
    const { bare, wrapped } = await both(twins, (c) =>
      c.messages.create({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(!wrapped.ok && wrapped.error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(errorShape(!wrapped.ok && wrapped.error)).toEqual(errorShape(!bare.ok && bare.error));
    const span = tracing.spans().find((s) => s.instrumentationScope.name === '@warden/anthropic')!;
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[A.ATTR_ERROR_TYPE]).toBe('RateLimitError');
  });
});

describe('messages.create content capture', () => {
  let tracing: TestTracing;
  let twins: TwinClients<Anthropic>;
  beforeAll(() => {
    tracing = createTestTracing();
  });
  beforeEach(async () => {
    twins = await startAnthropicTwins({ captureContent: true });
  });
  afterEach(async () => {
    tracing.reset();
    delete process.env[A.CAPTURE_CONTENT_ENV];
    await twins.close();
  });
  afterAll(() => tracing.shutdown());

  it('records system, messages, tools and tool_use input in the semconv format, with secrets redacted', async () => {
    twins.setBehaviour(() => ({ text: 'Sure.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] }));
    const { bare, wrapped } = await both(twins, (c) =>
      c.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 128,
        system: [{ type: 'text', text: 'You are a helpful agent.' }],
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Key sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789, mail ops@example.org' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_9', name: 'lookup', input: { q: 'a' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'found' }] },
        ],
      }),
    );
    expect(wrapped).toEqual(bare);
    const attrs = tracing.spans().find((s) => s.instrumentationScope.name === '@warden/anthropic')!.attributes;
    expect(JSON.parse(attrs[A.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] as string)).toEqual([{ type: 'text', content: 'You are a helpful agent.' }]);
    const input = JSON.parse(attrs[A.ATTR_GEN_AI_INPUT_MESSAGES] as string) as { role: string; parts: Record<string, unknown>[] }[];
    const first = input[0]!.parts[0]!.content as string;
    expect(first).not.toContain('sk-proj-AbCd');
    expect(first).not.toContain('ops@example.org');
    expect(first).toContain('[REDACTED');
    expect(input[1]!.parts).toEqual([{ type: 'tool_call', id: 'toolu_9', name: 'lookup', arguments: { q: 'a' } }]);
    expect(input[2]!.parts).toEqual([{ type: 'tool_call_response', id: 'toolu_9', response: 'found' }]);
    expect(JSON.parse(attrs[A.ATTR_GEN_AI_OUTPUT_MESSAGES] as string)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Sure.' },
          { type: 'tool_call', id: 'toolu_0_0', name: 'get_weather', arguments: { city: 'Oslo' } },
        ],
        finish_reason: 'tool_use',
      },
    ]);
    expect(JSON.parse(attrs[A.ATTR_GEN_AI_TOOL_DEFINITIONS] as string)).toEqual([weatherTool]);
  });

  it('is off by default and turns on by OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true', async () => {
    const client = wrapAnthropic(new Anthropic({ apiKey: 'k', baseURL: twins.wrappedServer.anthropicBaseURL, maxRetries: 0 }));
    const params = { model: 'm', max_tokens: 8, messages: [{ role: 'user' as const, content: 'hello' }] };
    await client.messages.create(params);
    for (const key of CONTENT_ATTRS) expect(tracing.spans()[0]!.attributes[key]).toBeUndefined();
    expect(tracing.spans()[0]!.attributes[A.ATTR_WARDEN_CONTENT_CAPTURED]).toBe(false);
    process.env[A.CAPTURE_CONTENT_ENV] = 'true';
    await client.messages.create(params);
    expect(JSON.parse(tracing.spans()[1]!.attributes[A.ATTR_GEN_AI_INPUT_MESSAGES] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'hello' }] },
    ]);
  });

  it('keeps unicode intact and truncates a huge prompt to valid, bounded JSON', async () => {
    twins.setBehaviour(() => ({ text: 'ok' }));
    const unicode = 'Grüße 👋🏽 — 東京 مرحبا';
    const { bare, wrapped } = await both(twins, (c) =>
      c.messages.create({
        model: 'm',
        max_tokens: 8,
        messages: [
          { role: 'user', content: unicode },
          { role: 'user', content: 'y'.repeat(300_000) },
        ],
      }),
    );
    expect(wrapped).toEqual(bare);
    const raw = tracing.spans().find((s) => s.instrumentationScope.name === '@warden/anthropic')!.attributes[A.ATTR_GEN_AI_INPUT_MESSAGES] as string;
    expect(raw.length).toBeLessThanOrEqual(A.DEFAULT_MAX_CONTENT_LENGTH);
    expect((JSON.parse(raw) as { parts: { content: string }[] }[])[0]!.parts[0]!.content).toBe(unicode);
  });
});

describe('messages.create on recorded shapes', () => {
  let tracing: TestTracing;
  let fixtures: FixtureServer;
  let bare: Anthropic;
  let wrapped: Anthropic;
  beforeAll(async () => {
    tracing = createTestTracing();
    fixtures = await startFixtureServer(new URL('./__fixtures__/', import.meta.url));
    bare = new Anthropic({ apiKey: 'k', baseURL: fixtures.url, maxRetries: 0, openTelemetry: false });
    wrapped = wrapAnthropic(new Anthropic({ apiKey: 'k', baseURL: fixtures.url, maxRetries: 0 }), { captureContent: true });
  });
  afterEach(() => tracing.reset());
  afterAll(async () => {
    await fixtures.close();
    await tracing.shutdown();
  });
  const params = { model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };

  it('cache reads and writes: input tokens include them, each is also recorded; thinking is reasoning', async () => {
    fixtures.use('message-cached-usage.json');
    expect(await wrapped.messages.create(params)).toEqual(await bare.messages.create(params));
    const attrs = tracing.spans()[0]!.attributes;
    expect(attrs[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(12 + 50 + 1800);
    expect(attrs[A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]).toBe(1800);
    expect(attrs[A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]).toBe(50);
    expect(attrs[A.ATTR_WARDEN_OUTPUT_LENGTH]).toBe('Hello again!'.length);
    expect(JSON.parse(attrs[A.ATTR_GEN_AI_OUTPUT_MESSAGES] as string)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'The user greets me.' },
          { type: 'text', content: 'Hello again!' },
        ],
        finish_reason: 'end_turn',
      },
    ]);
  });

  it('empty content with a refusal stop reason', async () => {
    fixtures.use('message-empty-content.json');
    expect(await wrapped.messages.create(params)).toEqual(await bare.messages.create(params));
    const attrs = tracing.spans()[0]!.attributes;
    expect(attrs[A.ATTR_WARDEN_REFUSAL]).toBe(true);
    expect(attrs[A.ATTR_WARDEN_OUTPUT_LENGTH]).toBe(0);
    expect(attrs[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['refusal']);
  });

  it('a stream with pings, cached input, unicode text and a tool_use block', async () => {
    fixtures.use('message-ping-and-cache.chunks.txt');
    const b = await drain(await bare.messages.create({ ...params, stream: true }));
    const w = await drain(await wrapped.messages.create({ ...params, stream: true }));
    expect(w).toEqual(b);
    const attrs = tracing.spans()[0]!.attributes;
    expect(attrs).toMatchObject({
      [A.ATTR_GEN_AI_RESPONSE_ID]: 'msg_01Stream',
      [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 405,
      [A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 400,
      [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 21,
      [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['tool_use'],
      [A.ATTR_WARDEN_TOOL_CALLS_NAMES]: ['lookup_order'],
      [A.ATTR_WARDEN_OUTPUT_LENGTH]: 'Grüße 👋'.length,
    });
    expect(JSON.parse(attrs[A.ATTR_GEN_AI_OUTPUT_MESSAGES] as string)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Grüße 👋' },
          { type: 'tool_call', id: 'toolu_01', name: 'lookup_order', arguments: { id: 7 } },
        ],
        finish_reason: 'tool_use',
      },
    ]);
  });
});
