import { SpanStatusCode } from '@opentelemetry/api';
import * as A from '@warden/core';
import { createTestTracing, drain, errorShape, type TestTracing, type TwinClients } from '@warden/testing';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAITwins } from './openai-twins';
import { wrapOpenAI } from './wrap-openai';

const params = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'Tell me about my order' }],
  stream: true as const,
  stream_options: { include_usage: true },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await sleep(5);
}

describe('chat.completions.create({ stream: true }): every way a stream ends', () => {
  let tracing: TestTracing;
  let twins: TwinClients<OpenAI>;
  beforeAll(() => {
    tracing = createTestTracing();
  });
  beforeEach(async () => {
    twins = await startOpenAITwins({ streamIdleTimeoutMs: 60_000 });
  });
  afterEach(async () => {
    tracing.reset();
    await twins.close();
  });
  afterAll(() => tracing.shutdown());

  it('consumed: yields the same chunks as the bare client, and records usage, tool names and time to first chunk', async () => {
    twins.setBehaviour(() => ({
      text: 'Your order shipped today.',
      toolCalls: [{ name: 'track_parcel', arguments: { id: 'P1' } }],
      inputTokens: 40,
      outputTokens: 9,
    }));
    const bare = await drain(await twins.bare.chat.completions.create(params));
    const stream = await twins.wrapped.chat.completions.create(params);
    expect(stream).toBeInstanceOf((await import('openai/streaming')).Stream);
    const wrapped = await drain(stream);
    expect(wrapped).toEqual(bare);
    expect(wrapped.chunks.length).toBeGreaterThan(5);

    expect(tracing.spans()).toHaveLength(1);
    const span = tracing.spans()[0]!;
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      [A.ATTR_WARDEN_STREAM]: true,
      [A.ATTR_WARDEN_STREAM_OUTCOME]: 'completed',
      [A.ATTR_GEN_AI_RESPONSE_ID]: 'chatcmpl-000000',
      [A.ATTR_GEN_AI_RESPONSE_MODEL]: 'gpt-4o-mini',
      [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['tool_calls'],
      [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 40,
      [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 9,
      [A.ATTR_WARDEN_TOOL_CALLS_NAMES]: ['track_parcel'],
      [A.ATTR_WARDEN_OUTPUT_LENGTH]: 'Your order shipped today.'.length,
    });
    const ttfc = span.attributes[A.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] as number;
    expect(ttfc).toBeGreaterThan(0);
    expect(ttfc).toBeLessThan(5);
    expect(JSON.stringify(span.attributes)).not.toContain('P1');
  });

  it('broken out of: ends once as broken, and the SDK still cancels the request', async () => {
    twins.setBehaviour(() => ({ text: 'one two three four five six seven eight', chunkDelayMs: 2 }));
    const take = async (c: OpenAI) => {
      const stream = await c.chat.completions.create(params);
      const seen: unknown[] = [];
      for await (const chunk of stream) {
        seen.push(chunk);
        if (seen.length === 3) break;
      }
      return { seen, aborted: stream.controller.signal.aborted };
    };
    const bare = await take(twins.bare);
    const wrapped = await take(twins.wrapped);
    expect(wrapped).toEqual(bare);
    expect(wrapped.aborted).toBe(true);
    await sleep(20);
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]!.attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('broken');
    expect(tracing.spans()[0]!.attributes[A.ATTR_WARDEN_OUTPUT_LENGTH]).toBeGreaterThan(0);
  });

  it('aborted with stream.controller.abort() while reading: ends once as aborted', async () => {
    twins.setBehaviour(() => ({ text: 'a b c d e f g h i j k l m n o p', chunkDelayMs: 5 }));
    const read = async (c: OpenAI) => {
      const stream = await c.chat.completions.create(params);
      const seen: unknown[] = [];
      for await (const chunk of stream) {
        seen.push(chunk);
        if (seen.length === 2) stream.controller.abort();
      }
      return seen.length;
    };
    const bare = await read(twins.bare);
    const wrapped = await read(twins.wrapped);
    expect(wrapped).toBe(bare);
    await sleep(20);
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]!.attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('aborted');
  });

  it('aborted before anyone reads it: ends as aborted', async () => {
    twins.setBehaviour(() => ({ text: 'never read' }));
    const stream = await twins.wrapped.chat.completions.create(params);
    stream.controller.abort();
    await waitFor(() => tracing.spans().length > 0);
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]!.attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('aborted');
  });

  it('cut by the server mid-stream: throws what the bare client throws and ends as error', async () => {
    twins.setBehaviour(() => ({ text: 'this answer will be cut short by the server', failAfterChunks: 3, chunkDelayMs: 5 }));
    const bare = await drain(await twins.bare.chat.completions.create(params));
    const wrapped = await drain(await twins.wrapped.chat.completions.create(params));
    expect(bare.error).toBeDefined();
    expect(wrapped.chunks).toEqual(bare.chunks);
    expect(errorShape(wrapped.error)).toEqual(errorShape(bare.error));
    await sleep(20);
    expect(tracing.spans()).toHaveLength(1);
    const span = tracing.spans()[0]!;
    expect(span.attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('error');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[A.ATTR_ERROR_TYPE]).toBe(errorShape(bare.error).name);
  });

  it('an HTTP error before the stream starts: same error, span status ERROR', async () => {
    twins.setBehaviour(() => ({ status: 500, errorMessage: 'upstream exploded' }));
    const bare = await twins.bare.chat.completions.create(params).catch((e: unknown) => e);
    const wrapped = await twins.wrapped.chat.completions.create(params).catch((e: unknown) => e);
    expect(wrapped).toBeInstanceOf(OpenAI.InternalServerError);
    expect(errorShape(wrapped)).toEqual(errorShape(bare));
    expect(tracing.spans()[0]!.attributes[A.ATTR_ERROR_TYPE]).toBe('InternalServerError');
  });

  it('.tee() and .toReadableStream() still work and the call is recorded once', async () => {
    twins.setBehaviour(() => ({ text: 'split me in two' }));
    const tee = async (c: OpenAI) => {
      const [left, right] = (await c.chat.completions.create(params)).tee();
      return [await drain(left), await drain(right)];
    };
    const bare = await tee(twins.bare);
    const wrapped = await tee(twins.wrapped);
    expect(wrapped).toEqual(bare);
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]!.attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('completed');

    tracing.reset();
    const readable = async (c: OpenAI) => {
      const body = (await c.chat.completions.create(params)).toReadableStream();
      return new Response(body).text();
    };
    const bareText = await readable(twins.bare);
    const wrappedText = await readable(twins.wrapped);
    expect(wrappedText).toBe(bareText);
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]!.attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('completed');
  });

  it('withResponse() on a stream gives the same stream object shape and records once', async () => {
    twins.setBehaviour(() => ({ text: 'hello' }));
    const run = async (c: OpenAI) => {
      const { data, response } = await c.chat.completions.create(params).withResponse();
      return { status: response.status, chunks: await drain(data) };
    };
    expect(await run(twins.wrapped)).toEqual(await run(twins.bare));
    expect(tracing.spans()).toHaveLength(1);
  });
});

describe('a stream dropped unread', () => {
  let tracing: TestTracing;
  let server: Awaited<ReturnType<typeof startOpenAITwins>>;
  beforeAll(async () => {
    tracing = createTestTracing();
    server = await startOpenAITwins();
  });
  afterAll(async () => {
    await server.close();
    await tracing.shutdown();
  });

  it('ends as abandoned after the idle timeout', async () => {
    const client = wrapOpenAI(new OpenAI({ apiKey: 'k', baseURL: server.wrappedServer.openaiBaseURL, maxRetries: 0 }), { streamIdleTimeoutMs: 30 });
    const stream = await client.chat.completions.create(params);
    expect(tracing.spans()).toHaveLength(0);
    await waitFor(() => tracing.spans().length > 0);
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]!.attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('abandoned');
    stream.controller.abort();
    tracing.reset();
  });

  it('ends as abandoned when the stream object is garbage-collected (no idle timeout)', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'vitest.config.ts runs the tests with --expose-gc').toBeTypeOf('function');
    const client = wrapOpenAI(new OpenAI({ apiKey: 'k', baseURL: server.wrappedServer.openaiBaseURL, maxRetries: 0 }), { streamIdleTimeoutMs: 0 });
    await (async () => {
      const stream = await client.chat.completions.create(params);
      // Drop the body so the socket does not pin anything; the stream object itself is never read.
      void stream;
    })();
    for (let i = 0; i < 50 && tracing.spans().length === 0; i++) {
      gc!();
      await sleep(20);
    }
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]!.attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('abandoned');
  });
});
