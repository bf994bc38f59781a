import Anthropic from '@anthropic-ai/sdk';
import { startFakeLlmServer, type FakeLlmServer } from '@warden/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamOutcome } from './model-call-span';
import { watchSdkStream, type SdkStreamHooks } from './sdk-stream';

/** The part of an SDK Stream these tests use; both SDKs' Stream has it. */
interface SdkStream extends AsyncIterable<unknown> {
  controller: AbortController;
}

/** A streamed call of a real Stainless-generated SDK against the fake server. */
interface SdkUnderTest {
  sdk: string;
  connect(server: FakeLlmServer): (signal?: AbortSignal) => Promise<SdkStream>;
}

const sdks: SdkUnderTest[] = [
  {
    sdk: 'openai',
    connect(server) {
      const client = new OpenAI({ apiKey: 'k', baseURL: server.openaiBaseURL, maxRetries: 0 });
      return (signal) => client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true }, { signal });
    },
  },
  {
    sdk: '@anthropic-ai/sdk',
    connect(server) {
      const client = new Anthropic({ apiKey: 'k', baseURL: server.anthropicBaseURL, maxRetries: 0 });
      return (signal) => client.messages.create({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }], stream: true }, { signal });
    },
  },
];

function recorder(): { chunks: unknown[]; ends: { outcome: StreamOutcome; error?: unknown }[]; hooks: SdkStreamHooks<unknown> } {
  const chunks: unknown[] = [];
  const ends: { outcome: StreamOutcome; error?: unknown }[] = [];
  return { chunks, ends, hooks: { onChunk: (c) => chunks.push(c), onEnd: (outcome, error) => ends.push({ outcome, error }) } };
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
};

// Against each real SDK's Stream: the caller keeps the same object and sees the same chunks.
describe.each(sdks)('watchSdkStream on $sdk', ({ connect }) => {
  let server: FakeLlmServer;
  let stream: (signal?: AbortSignal) => Promise<SdkStream>;
  beforeAll(async () => {
    server = await startFakeLlmServer({ behaviour: () => ({ text: 'one two three four five six' }) });
    stream = connect(server);
  });
  afterAll(() => server.close());

  it('sees every chunk the caller reads and ends once as completed', async () => {
    const seen = recorder();
    const s = await stream();
    expect(watchSdkStream(s, seen.hooks, { idleTimeoutMs: 60_000 })).toBe(true);
    const read: unknown[] = [];
    for await (const chunk of s) read.push(chunk);
    await until(() => seen.ends.length > 0);
    expect(seen.chunks).toEqual(read);
    expect(read.length).toBeGreaterThan(2);
    expect(seen.ends).toEqual([{ outcome: 'completed', error: undefined }]);
  });

  it('ends as broken when the caller breaks out', async () => {
    const seen = recorder();
    const s = await stream();
    watchSdkStream(s, seen.hooks, { idleTimeoutMs: 60_000 });
    for await (const _chunk of s) break;
    await until(() => seen.ends.length > 0);
    expect(seen.ends.map((e) => e.outcome)).toEqual(['broken']);
  });

  it('ends as aborted when the controller aborts before anyone reads', async () => {
    const seen = recorder();
    const s = await stream();
    watchSdkStream(s, seen.hooks, { idleTimeoutMs: 60_000 });
    s.controller.abort();
    await until(() => seen.ends.length > 0);
    expect(seen.ends.map((e) => e.outcome)).toEqual(['aborted']);
    expect(seen.chunks).toEqual([]);
  });

  it('ends as aborted when the request signal the caller passed aborts before anyone reads', async () => {
    const seen = recorder();
    const caller = new AbortController();
    const s = await stream(caller.signal);
    watchSdkStream(s, seen.hooks, { idleTimeoutMs: 60_000 });
    caller.abort();
    await until(() => seen.ends.length > 0);
    expect(seen.ends.map((e) => e.outcome)).toEqual(['aborted']);
    expect(s.controller.signal.aborted).toBe(true);
  });

  it('keeps the controller an AbortController whose abort() aborts its signal with the reason given', async () => {
    const seen = recorder();
    const s = await stream();
    watchSdkStream(s, seen.hooks, { idleTimeoutMs: 60_000 });
    expect(s.controller).toBeInstanceOf(AbortController);
    expect(Object.keys(s.controller)).toEqual([]);
    s.controller.abort('stop');
    s.controller.abort('again');
    expect(s.controller.signal.reason).toBe('stop');
    await until(() => seen.ends.length > 0);
    await new Promise((r) => setTimeout(r, 10));
    expect(seen.ends.map((e) => e.outcome)).toEqual(['aborted']);
  });

  it('leaves anything that is not an SDK stream alone', () => {
    const seen = recorder();
    const plain = { iterator: () => [][Symbol.iterator]() };
    expect(watchSdkStream(plain, seen.hooks, { idleTimeoutMs: 60_000 })).toBe(false);
    expect(watchSdkStream(undefined, seen.hooks, { idleTimeoutMs: 60_000 })).toBe(false);
    expect(seen.ends).toEqual([]);
  });
});
