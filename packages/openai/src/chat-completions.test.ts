import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import * as A from '@warden/core';
import { both, createTestTracing, drain, errorShape, startFixtureServer, type FixtureServer, type TestTracing, type TwinClients } from '@warden/testing';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAITwins } from './openai-twins';
import { wrapOpenAI } from './wrap-openai';

const CONTENT_ATTRS = [A.ATTR_GEN_AI_INPUT_MESSAGES, A.ATTR_GEN_AI_OUTPUT_MESSAGES, A.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, A.ATTR_GEN_AI_TOOL_DEFINITIONS];

const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

describe('chat.completions.create (plain)', () => {
  let tracing: TestTracing;
  let twins: TwinClients<OpenAI>;
  beforeAll(() => {
    tracing = createTestTracing();
  });
  // Fresh twin servers per test keep both request counters, hence response ids, in step.
  beforeEach(async () => {
    twins = await startOpenAITwins();
  });
  afterEach(async () => {
    tracing.reset();
    await twins.close();
  });
  afterAll(() => tracing.shutdown());

  it('returns what the bare client returns and records one CLIENT span with GenAI attributes', async () => {
    twins.setBehaviour(() => ({ text: 'It is sunny in Paris.', inputTokens: 31, outputTokens: 6 }));
    const { bare, wrapped } = await both(twins, (c) =>
      c.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Weather in Paris?' },
        ],
        temperature: 0.2,
        top_p: 0.9,
        max_completion_tokens: 50,
        stop: ['END'],
        seed: 7,
        frequency_penalty: 0.1,
        presence_penalty: 0.3,
        response_format: { type: 'text' },
      }),
    );
    expect(wrapped).toEqual(bare);
    expect(wrapped.ok && wrapped.value._request_id).toBe(bare.ok && bare.value._request_id);

    const [span] = tracing.spans();
    expect(tracing.spans()).toHaveLength(1);
    expect(span!.name).toBe('chat gpt-4o-mini');
    expect(span!.kind).toBe(SpanKind.CLIENT);
    expect(span!.instrumentationScope.name).toBe('@warden/openai');
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.attributes).toMatchObject({
      [A.ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [A.ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
      [A.ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini',
      [A.ATTR_SERVER_ADDRESS]: '127.0.0.1',
      [A.ATTR_SERVER_PORT]: twins.wrappedServer.port,
      [A.ATTR_GEN_AI_REQUEST_TEMPERATURE]: 0.2,
      [A.ATTR_GEN_AI_REQUEST_TOP_P]: 0.9,
      [A.ATTR_GEN_AI_REQUEST_MAX_TOKENS]: 50,
      [A.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES]: ['END'],
      [A.ATTR_GEN_AI_REQUEST_SEED]: 7,
      [A.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY]: 0.1,
      [A.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY]: 0.3,
      [A.ATTR_GEN_AI_OUTPUT_TYPE]: 'text',
      [A.ATTR_GEN_AI_RESPONSE_ID]: 'chatcmpl-000000',
      [A.ATTR_GEN_AI_RESPONSE_MODEL]: 'gpt-4o-mini',
      [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
      [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 31,
      [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 6,
      [A.ATTR_WARDEN_OUTPUT_LENGTH]: 'It is sunny in Paris.'.length,
      [A.ATTR_WARDEN_CONTENT_CAPTURED]: false,
    });
    for (const key of CONTENT_ATTRS) expect(span!.attributes[key]).toBeUndefined();
    expect(span!.attributes[A.ATTR_WARDEN_TOOL_CALLS_NAMES]).toBeUndefined();
    expect(span!.attributes[A.ATTR_WARDEN_STREAM]).toBeUndefined();
  });

  it('records the names of requested tool calls always, their arguments never without capture', async () => {
    twins.setBehaviour(() => ({
      toolCalls: [
        { name: 'get_weather', arguments: { city: 'Paris' } },
        { name: 'get_time', arguments: { tz: 'CET' } },
      ],
    }));
    const { bare, wrapped } = await both(twins, (c) =>
      c.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool] }),
    );
    expect(wrapped).toEqual(bare);
    const span = tracing.spans()[0]!;
    expect(span.attributes[A.ATTR_WARDEN_TOOL_CALLS_NAMES]).toEqual(['get_weather', 'get_time']);
    expect(span.attributes[A.ATTR_WARDEN_TOOL_CALLS_COUNT]).toBe(2);
    expect(span.attributes[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['tool_calls']);
    expect(JSON.stringify(span.attributes)).not.toContain('Paris');
    expect(JSON.stringify(span.attributes)).not.toContain('CET');
  });

  it('keeps .withResponse() and .asResponse() of the SDK promise working', async () => {
    twins.setBehaviour(() => ({ text: 'ok' }));
    const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
    const withResponse = await both(twins, async (c) => {
      const r = await c.chat.completions.create(params).withResponse();
      return { data: r.data, status: r.response.status, requestId: r.request_id };
    });
    expect(withResponse.wrapped).toEqual(withResponse.bare);
    expect(withResponse.wrapped.ok && withResponse.wrapped.value.requestId).toBe('req_000000');
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]!.attributes[A.ATTR_GEN_AI_RESPONSE_ID]).toBe('chatcmpl-000000');

    tracing.reset();
    const asResponse = await both(twins, async (c) => {
      const response = await c.chat.completions.create(params).asResponse();
      return { status: response.status, body: (await response.json()) as unknown };
    });
    expect(asResponse.wrapped).toEqual(asResponse.bare);
    await new Promise((r) => setImmediate(r));
    // The body went to the caller unparsed: the span ends at the response, without its facts.
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]!.attributes[A.ATTR_GEN_AI_RESPONSE_ID]).toBeUndefined();
  });

  it('records SDK helpers built on create: parse() (a derived APIPromise) and stream()', async () => {
    twins.setBehaviour(() => ({ text: '{"city":"Paris"}' }));
    const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'city?' }] };
    const parsed = await both(twins, (c) => c.chat.completions.parse(params));
    expect(parsed.wrapped).toEqual(parsed.bare);
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]!.attributes[A.ATTR_GEN_AI_RESPONSE_ID]).toBe('chatcmpl-000000');

    tracing.reset();
    const streamed = await both(twins, (c) => c.chat.completions.stream(params).finalChatCompletion());
    expect(streamed.wrapped).toEqual(streamed.bare);
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]!.attributes).toMatchObject({
      [A.ATTR_WARDEN_STREAM_OUTCOME]: 'completed',
      [A.ATTR_GEN_AI_RESPONSE_ID]: 'chatcmpl-000001',
      [A.ATTR_WARDEN_OUTPUT_LENGTH]: '{"city":"Paris"}'.length,
    });
  });

  it('returns the SDK APIPromise object itself, not a new promise', () => {
    const p = twins.wrapped.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(p.constructor.name).toBe('APIPromise');
    expect(typeof p.withResponse).toBe('function');
    return p;
  });

  it('throws the same error class and message, and marks the span as an error', async () => {
    twins.setBehaviour(() => ({ status: 429, errorMessage: 'Rate limit reached for gpt-4o' }));
    const { bare, wrapped } = await both(twins, (c) => c.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }));
    expect(bare.ok || wrapped.ok).toBe(false);
    const bareError = !bare.ok ? bare.error : undefined;
    const wrappedError = !wrapped.ok ? wrapped.error : undefined;
    expect(wrappedError).toBeInstanceOf(OpenAI.RateLimitError);
    expect(errorShape(wrappedError)).toEqual(errorShape(bareError));
    const span = tracing.spans()[0]!;
    // Content is off: the status says what failed, not the provider's text (which may echo the prompt).
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.status.message).toMatch(/^RateLimitError \(status 429\b/);
    expect(span.status.message).not.toContain('Rate limit reached');
    expect(span.attributes[A.ATTR_ERROR_TYPE]).toBe('RateLimitError');
  });

  it('records a connection failure with the error the SDK throws', async () => {
    const unreachable = new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 });
    const bareUnreachable = new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 });
    wrapOpenAI(unreachable);
    const call = (c: OpenAI) => c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    const bareError = await call(bareUnreachable).catch((e: unknown) => e);
    const wrappedError = await call(unreachable).catch((e: unknown) => e);
    expect(wrappedError).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(errorShape(wrappedError)).toEqual(errorShape(bareError));
    expect(tracing.spans()[0]!.attributes[A.ATTR_ERROR_TYPE]).toBe('APIConnectionError');
    expect(tracing.spans()[0]!.attributes[A.ATTR_SERVER_PORT]).toBe(9);
  });

  it('records a refusal and its length, not its text', async () => {
    twins.setBehaviour(() => ({ refusal: 'I cannot help with that.' }));
    const { bare, wrapped } = await both(twins, (c) => c.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }));
    expect(wrapped).toEqual(bare);
    const span = tracing.spans()[0]!;
    expect(span.attributes[A.ATTR_WARDEN_REFUSAL]).toBe(true);
    expect(span.attributes[A.ATTR_WARDEN_OUTPUT_LENGTH]).toBe('I cannot help with that.'.length);
  });
});

describe('chat.completions.create content capture', () => {
  let tracing: TestTracing;
  let twins: TwinClients<OpenAI>;
  beforeAll(() => {
    tracing = createTestTracing();
  });
  beforeEach(async () => {
    twins = await startOpenAITwins({ captureContent: true, redactPatterns: [/ORDER-\d+/g] });
  });
  afterEach(async () => {
    tracing.reset();
    delete process.env[A.CAPTURE_CONTENT_ENV];
    await twins.close();
  });
  afterAll(() => tracing.shutdown());

  const secretPrompt = 'My key is sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 and mail me at jane.doe@example.com about ORDER-42';

  it('records messages, system prompt, tools and tool-call arguments in the semconv format, redacted', async () => {
    twins.setBehaviour(() => ({ text: 'Reply to jane.doe@example.com', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] }));
    const { bare, wrapped } = await both(twins, (c) =>
      c.chat.completions.create({
        model: 'gpt-4o',
        messages: [
          { role: 'system', content: 'You are a helpful agent.' },
          { role: 'user', content: secretPrompt },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"a"}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'found' },
        ],
        tools: [weatherTool],
      }),
    );
    expect(wrapped).toEqual(bare);
    const attrs = tracing.spans()[0]!.attributes;
    expect(attrs[A.ATTR_WARDEN_CONTENT_CAPTURED]).toBe(true);
    const input = JSON.parse(attrs[A.ATTR_GEN_AI_INPUT_MESSAGES] as string) as { role: string; parts: Record<string, unknown>[] }[];
    expect(input.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(input[0]!.parts).toEqual([{ type: 'text', content: 'You are a helpful agent.' }]);
    const user = input[1]!.parts[0]!.content as string;
    expect(user).not.toContain('sk-proj-AbCd');
    expect(user).not.toContain('jane.doe@example.com');
    expect(user).not.toContain('ORDER-42');
    expect(user).toContain('[REDACTED');
    expect(input[2]!.parts).toEqual([{ type: 'tool_call', id: 'call_1', name: 'lookup', arguments: { q: 'a' } }]);
    expect(input[3]!.parts).toEqual([{ type: 'tool_call_response', id: 'call_1', response: 'found' }]);
    const output = JSON.parse(attrs[A.ATTR_GEN_AI_OUTPUT_MESSAGES] as string) as unknown[];
    expect(output).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: expect.stringContaining('[REDACTED') },
          { type: 'tool_call', id: 'call_0_0', name: 'get_weather', arguments: { city: 'Paris' } },
        ],
        finish_reason: 'tool_calls',
      },
    ]);
    expect(JSON.parse(attrs[A.ATTR_GEN_AI_TOOL_DEFINITIONS] as string)).toEqual([weatherTool]);
  });

  it('turns on by OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true when the option is unset', async () => {
    const client = wrapOpenAI(new OpenAI({ apiKey: 'k', baseURL: twins.wrappedServer.openaiBaseURL, maxRetries: 0 }));
    twins.setBehaviour(() => ({ text: 'hello' }));
    const params = { model: 'm', messages: [{ role: 'user' as const, content: 'hi there' }] };
    await client.chat.completions.create(params);
    expect(tracing.spans()[0]!.attributes[A.ATTR_GEN_AI_INPUT_MESSAGES]).toBeUndefined();
    process.env[A.CAPTURE_CONTENT_ENV] = 'true';
    await client.chat.completions.create(params);
    expect(JSON.parse(tracing.spans()[1]!.attributes[A.ATTR_GEN_AI_INPUT_MESSAGES] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'hi there' }] },
    ]);
  });

  it('keeps unicode intact and truncates a huge prompt to valid, bounded JSON', async () => {
    twins.setBehaviour(() => ({ text: 'ok' }));
    const unicode = 'Grüße 👋🏽 — 東京 مرحبا';
    const huge = 'x'.repeat(300_000);
    const { bare, wrapped } = await both(twins, (c) =>
      c.chat.completions.create({
        model: 'm',
        messages: [
          { role: 'user', content: unicode },
          { role: 'user', content: huge },
        ],
      }),
    );
    expect(wrapped).toEqual(bare);
    const raw = tracing.spans()[0]!.attributes[A.ATTR_GEN_AI_INPUT_MESSAGES] as string;
    expect(raw.length).toBeLessThanOrEqual(A.DEFAULT_MAX_CONTENT_LENGTH);
    const input = JSON.parse(raw) as { parts: { content: string }[] }[];
    expect(input[0]!.parts[0]!.content).toBe(unicode);
    expect(input[1]!.parts[0]!.content.length).toBeLessThan(huge.length);
  });
});

describe('chat.completions.create on recorded odd shapes', () => {
  let tracing: TestTracing;
  let fixtures: FixtureServer;
  let bare: OpenAI;
  let wrapped: OpenAI;
  beforeAll(async () => {
    tracing = createTestTracing();
    fixtures = await startFixtureServer(new URL('./__fixtures__/', import.meta.url));
    bare = new OpenAI({ apiKey: 'k', baseURL: fixtures.url, maxRetries: 0 });
    wrapped = wrapOpenAI(new OpenAI({ apiKey: 'k', baseURL: fixtures.url, maxRetries: 0 }), { captureContent: true });
  });
  afterEach(() => tracing.reset());
  afterAll(async () => {
    await fixtures.close();
    await tracing.shutdown();
  });
  const plain = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };
  const streamed = { ...plain, stream: true as const, stream_options: { include_usage: true } };

  it('empty choices: same result, no finish reasons, usage kept', async () => {
    fixtures.use('chat-empty-choices.json');
    expect(await wrapped.chat.completions.create(plain)).toEqual(await bare.chat.completions.create(plain));
    const attrs = tracing.spans()[0]!.attributes;
    expect(attrs[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toBeUndefined();
    expect(attrs[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(12);
    expect(attrs[A.ATTR_WARDEN_OUTPUT_LENGTH]).toBe(0);
    expect(attrs[A.ATTR_GEN_AI_OUTPUT_MESSAGES]).toBeUndefined();
  });

  it('null content and no usage: same result, no usage attributes, finish reason kept', async () => {
    fixtures.use('chat-null-content-no-usage.json');
    expect(await wrapped.chat.completions.create(plain)).toEqual(await bare.chat.completions.create(plain));
    const attrs = tracing.spans()[0]!.attributes;
    expect(attrs[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBeUndefined();
    expect(attrs[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['content_filter']);
    expect(JSON.parse(attrs[A.ATTR_GEN_AI_OUTPUT_MESSAGES] as string)).toEqual([{ role: 'assistant', parts: [], finish_reason: 'content_filter' }]);
  });

  it('two choices and cached prompt tokens: every finish reason and the cache-read count', async () => {
    fixtures.use('chat-cached-usage.json');
    expect(await wrapped.chat.completions.create({ ...plain, n: 2 })).toEqual(await bare.chat.completions.create({ ...plain, n: 2 }));
    const attrs = tracing.spans()[0]!.attributes;
    expect(attrs[A.ATTR_GEN_AI_REQUEST_CHOICE_COUNT]).toBe(2);
    expect(attrs[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['stop', 'length']);
    expect(attrs[A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]).toBe(1920);
    expect(attrs[A.ATTR_WARDEN_OUTPUT_LENGTH]).toBe('Hi!'.length + 'Hello!'.length);
  });

  it('a usage-only final chunk with empty choices, and unicode deltas', async () => {
    fixtures.use('chat-usage-only.chunks.txt');
    const b = await drain(await bare.chat.completions.create(streamed));
    const w = await drain(await wrapped.chat.completions.create(streamed));
    expect(w).toEqual(b);
    const attrs = tracing.spans()[0]!.attributes;
    expect(attrs[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]).toBe(9);
    expect(attrs[A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(3);
    expect(attrs[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['stop']);
    expect(attrs[A.ATTR_WARDEN_OUTPUT_LENGTH]).toBe('Hé 👋'.length);
    expect(JSON.parse(attrs[A.ATTR_GEN_AI_OUTPUT_MESSAGES] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hé 👋' }], finish_reason: 'stop' },
    ]);
  });

  it('a stream with no chunks at all completes with an empty record', async () => {
    fixtures.use('chat-empty.chunks.txt');
    const b = await drain(await bare.chat.completions.create(streamed));
    const w = await drain(await wrapped.chat.completions.create(streamed));
    expect(w).toEqual(b);
    expect(w.chunks).toEqual([]);
    const attrs = tracing.spans()[0]!.attributes;
    expect(attrs[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('completed');
    expect(attrs[A.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]).toBeUndefined();
  });
});
