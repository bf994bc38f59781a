import Anthropic from '@anthropic-ai/sdk';
import { SpanStatusCode } from '@opentelemetry/api';
import * as A from '@warden/core';
import { createTestTracing, drain, errorShape, type TestTracing, type TwinClients } from '@warden/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAnthropicTwins } from './anthropic-twins';
import { wrapAnthropic } from './wrap-anthropic';

const params = { model: 'claude-sonnet-4-6', max_tokens: 128, messages: [{ role: 'user' as const, content: 'Where is my order?' }], stream: true as const };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WARDEN = '@warden/anthropic';

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await sleep(5);
}

describe('messages.create({ stream: true }) and messages.stream(): every way a stream ends', () => {
  let tracing: TestTracing;
  let twins: TwinClients<Anthropic>;
  // Only Warden's spans: the bare twin's SDK spans share the global provider.
  const ours = () => tracing.spans().filter((s) => s.instrumentationScope.name === WARDEN);
  beforeAll(() => {
    tracing = createTestTracing();
  });
  beforeEach(async () => {
    twins = await startAnthropicTwins({ streamIdleTimeoutMs: 60_000 });
  });
  afterEach(async () => {
    tracing.reset();
    await twins.close();
  });
  afterAll(() => tracing.shutdown());

  it('consumed: same events as the bare client; usage, stop reason, tool names, time to first chunk', async () => {
    twins.setBehaviour(() => ({ text: 'It shipped today.', toolCalls: [{ name: 'track', arguments: { id: 'P1' } }], inputTokens: 33, outputTokens: 8 }));
    const bare = await drain(await twins.bare.messages.create(params));
    const wrapped = await drain(await twins.wrapped.messages.create(params));
    expect(wrapped).toEqual(bare);
    expect(ours()).toHaveLength(1);
    const span = ours()[0]!;
    expect(span.name).toBe('chat claude-sonnet-4-6');
    expect(span.attributes).toMatchObject({
      [A.ATTR_WARDEN_STREAM]: true,
      [A.ATTR_WARDEN_STREAM_OUTCOME]: 'completed',
      [A.ATTR_GEN_AI_RESPONSE_ID]: 'msg_000000',
      [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['tool_use'],
      [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 33,
      [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 8,
      [A.ATTR_WARDEN_TOOL_CALLS_NAMES]: ['track'],
      [A.ATTR_WARDEN_OUTPUT_LENGTH]: 'It shipped today.'.length,
    });
    expect(span.attributes[A.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]).toBeGreaterThan(0);
    expect(JSON.stringify(span.attributes)).not.toContain('P1');
  });

  it('broken out of: ends once as broken', async () => {
    twins.setBehaviour(() => ({ text: 'a b c d e f g h', chunkDelayMs: 2 }));
    const take = async (c: Anthropic) => {
      const stream = await c.messages.create(params);
      const seen: unknown[] = [];
      for await (const event of stream) {
        seen.push(event);
        if (seen.length === 3) break;
      }
      return { seen, aborted: stream.controller.signal.aborted };
    };
    expect(await take(twins.wrapped)).toEqual(await take(twins.bare));
    await sleep(20);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('broken');
  });

  it('aborted with stream.controller.abort(): ends once as aborted', async () => {
    twins.setBehaviour(() => ({ text: 'a b c d e f g h i j k l', chunkDelayMs: 5 }));
    const read = async (c: Anthropic) => {
      const stream = await c.messages.create(params);
      let n = 0;
      for await (const _event of stream) if (++n === 2) stream.controller.abort();
      return n;
    };
    expect(await read(twins.wrapped)).toBe(await read(twins.bare));
    await sleep(20);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('aborted');
  });

  it('cut by the server: same error as the bare client, span ends as error', async () => {
    twins.setBehaviour(() => ({ text: 'this will be cut short', failAfterChunks: 3, chunkDelayMs: 5 }));
    const bare = await drain(await twins.bare.messages.create(params));
    const wrapped = await drain(await twins.wrapped.messages.create(params));
    expect(bare.error).toBeDefined();
    expect(wrapped.chunks).toEqual(bare.chunks);
    expect(errorShape(wrapped.error)).toEqual(errorShape(bare.error));
    await sleep(20);
    const span = ours()[0]!;
    expect(span.attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('error');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[A.ATTR_GEN_AI_RESPONSE_ID]).toBe('msg_000000');
  });

  it('.tee() and .toReadableStream() keep working, one span each', async () => {
    twins.setBehaviour(() => ({ text: 'split me' }));
    const tee = async (c: Anthropic) => {
      const [left, right] = (await c.messages.create(params)).tee();
      return [await drain(left), await drain(right)];
    };
    expect(await tee(twins.wrapped)).toEqual(await tee(twins.bare));
    const readable = async (c: Anthropic) => new Response((await c.messages.create(params)).toReadableStream()).text();
    expect(await readable(twins.wrapped)).toBe(await readable(twins.bare));
    expect(ours()).toHaveLength(2);
    expect(ours().map((s) => s.attributes[A.ATTR_WARDEN_STREAM_OUTCOME])).toEqual(['completed', 'completed']);
  });

  it('messages.stream(): finalMessage(), text events and the event list equal the bare client’s', async () => {
    twins.setBehaviour(() => ({ text: 'Hello from the helper.', toolCalls: [{ name: 'lookup', arguments: { q: 'x' } }], inputTokens: 9, outputTokens: 6 }));
    const run = async (c: Anthropic) => {
      const texts: string[] = [];
      const events: string[] = [];
      const stream = c.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
      stream.on('text', (delta) => texts.push(delta));
      stream.on('streamEvent', (event) => events.push(event.type));
      const final = await stream.finalMessage();
      return { final, texts, events, finalText: await stream.finalText() };
    };
    expect(await run(twins.wrapped)).toEqual(await run(twins.bare));
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.attributes).toMatchObject({
      [A.ATTR_WARDEN_STREAM_OUTCOME]: 'completed',
      [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 9,
      [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 6,
      [A.ATTR_WARDEN_TOOL_CALLS_NAMES]: ['lookup'],
      [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['tool_use'],
    });
  });

  it('messages.stream() aborted by the caller: same rejection, span ends as aborted', async () => {
    twins.setBehaviour(() => ({ text: 'a b c d e f g h i j k l m n', chunkDelayMs: 5 }));
    const run = async (c: Anthropic) => {
      const stream = c.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
      stream.on('text', () => stream.abort());
      return stream.finalMessage().then(
        () => 'resolved',
        (e: unknown) => errorShape(e),
      );
    };
    expect(await run(twins.wrapped)).toEqual(await run(twins.bare));
    await sleep(20);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('aborted');
  });

  it('messages.stream() with an HTTP error: same error from finalMessage(), span status ERROR', async () => {
    twins.setBehaviour(() => ({ status: 529, errorMessage: 'Overloaded' }));
    const run = (c: Anthropic) =>
      c.messages
        .stream({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] })
        .finalMessage()
        .catch((e: unknown) => e);
    const bare = await run(twins.bare);
    const wrapped = await run(twins.wrapped);
    expect(errorShape(wrapped)).toEqual(errorShape(bare));
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(ours()[0]!.attributes[A.ATTR_ERROR_TYPE]).toBe(errorShape(bare).name);
  });
});

describe('an Anthropic stream dropped unread', () => {
  let tracing: TestTracing;
  let twins: TwinClients<Anthropic>;
  beforeAll(async () => {
    tracing = createTestTracing();
    twins = await startAnthropicTwins();
  });
  afterAll(async () => {
    await twins.close();
    await tracing.shutdown();
  });

  it('ends as abandoned after the idle timeout', async () => {
    const client = wrapAnthropic(new Anthropic({ apiKey: 'k', baseURL: twins.wrappedServer.anthropicBaseURL, maxRetries: 0 }), { streamIdleTimeoutMs: 30 });
    const stream = await client.messages.create(params);
    expect(tracing.spans()).toHaveLength(0);
    await waitFor(() => tracing.spans().length > 0);
    expect(tracing.spans()[0]!.attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('abandoned');
    stream.controller.abort();
    tracing.reset();
  });

  it('ends as abandoned when the stream object is garbage-collected (no idle timeout)', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'vitest.config.ts runs the tests with --expose-gc').toBeTypeOf('function');
    const client = wrapAnthropic(new Anthropic({ apiKey: 'k', baseURL: twins.wrappedServer.anthropicBaseURL, maxRetries: 0 }), { streamIdleTimeoutMs: 0 });
    await (async () => {
      await client.messages.create(params);
    })();
    for (let i = 0; i < 50 && tracing.spans().length === 0; i++) {
      await sleep(10);
      gc!();
      await sleep(10);
    }
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]!.attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('abandoned');
  });
});
