import Anthropic from '@anthropic-ai/sdk';
import { startFakeLlmServer, type FakeLlmServer } from '@warden/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onInternalError, type InternalErrorEvent } from './registry';
import { observeApiPromise, type ApiPromiseObserver } from './sdk-api-promise';

interface Seen {
  events: string[];
  data: unknown[];
  errors: unknown[];
}

function recorder(): { seen: Seen; observer: ApiPromiseObserver } {
  const seen: Seen = { events: [], data: [], errors: [] };
  return {
    seen,
    observer: {
      onData: (d) => (seen.events.push('data'), seen.data.push(d)),
      onError: (e) => (seen.events.push('error'), seen.errors.push(e)),
      onUnparsed: () => seen.events.push('unparsed'),
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

/** The part of an SDK APIPromise these tests use; both SDKs' APIPromise has it. */
interface SdkApiPromise extends Promise<unknown> {
  withResponse(): Promise<{ data: unknown; response: Response }>;
  asResponse(): Promise<Response>;
}

/** One call of a real Stainless-generated SDK against the fake server, and its body's type tag. */
interface SdkUnderTest {
  sdk: string;
  connect(server: FakeLlmServer): () => SdkApiPromise;
  kind(body: unknown): unknown;
  bodyKind: string;
}

const sdks: SdkUnderTest[] = [
  {
    sdk: 'openai',
    connect(server) {
      const client = new OpenAI({ apiKey: 'k', baseURL: server.openaiBaseURL, maxRetries: 0 });
      return () => client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    },
    kind: (body) => (body as { object?: unknown }).object,
    bodyKind: 'chat.completion',
  },
  {
    sdk: '@anthropic-ai/sdk',
    connect(server) {
      const client = new Anthropic({ apiKey: 'k', baseURL: server.anthropicBaseURL, maxRetries: 0 });
      return () => client.messages.create({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    },
    kind: (body) => (body as { type?: unknown }).type,
    bodyKind: 'message',
  },
];

// Against each real SDK's APIPromise: observing must not change what the caller sees.
describe.each(sdks)('observeApiPromise on $sdk', ({ connect, kind, bodyKind }) => {
  let server: FakeLlmServer;
  let create: ReturnType<SdkUnderTest['connect']>;
  beforeAll(async () => {
    server = await startFakeLlmServer();
    create = connect(server);
  });
  afterAll(() => server.close());

  it('returns the same object and reports the parsed body once, however often it is awaited', async () => {
    const { seen, observer } = recorder();
    const p = create();
    expect(observeApiPromise(p, observer, 'test')).toBe(p);
    const first = await p;
    const again = await p;
    const { data } = await p.withResponse();
    expect(again).toBe(first);
    expect(data).toBe(first);
    expect(seen.events).toEqual(['data']);
    expect(seen.data[0]).toBe(first);
  });

  it('reports a failed request with the very error the caller gets, and the request promise still rejects with it', async () => {
    server.setBehaviour(() => ({ status: 400, errorMessage: 'bad' }));
    const { seen, observer } = recorder();
    const p = observeApiPromise(create(), observer, 'test');
    const error = await p.catch((e: unknown) => e);
    server.setBehaviour(() => ({}));
    expect(seen.events).toEqual(['error']);
    expect(seen.errors[0]).toBe(error);
    await expect((p as unknown as { responsePromise: Promise<unknown> }).responsePromise).rejects.toBe(error);
  });

  it('reports an unparsed response for .asResponse(), and a parse through a derived promise as data', async () => {
    const unparsed = recorder();
    const response = await observeApiPromise(create(), unparsed.observer, 'test').asResponse();
    expect(response.status).toBe(200);
    await tick();
    expect(unparsed.seen.events).toEqual(['unparsed']);

    const derived = recorder();
    const base = observeApiPromise(create(), derived.observer, 'test');
    const value = await (base as unknown as { _thenUnwrap<T>(f: (x: unknown) => T): Promise<T> })._thenUnwrap((x) => ({ wrapped: x }));
    await tick();
    expect(derived.seen.events).toEqual(['data']);
    expect(value.wrapped).toBe(derived.seen.data[0]);
  });

  it('a throwing observer is reported as a Warden error and the caller still gets the result', async () => {
    const reported: InternalErrorEvent[] = [];
    const off = onInternalError((e) => reported.push(e));
    const p = observeApiPromise(
      create(),
      {
        onData() {
          throw new Error('observer bug');
        },
        onError() {},
        onUnparsed() {},
      },
      'test.observe',
    );
    const result = await p;
    off();
    expect(kind(result)).toBe(bodyKind);
    expect(reported.map((e) => e.where)).toEqual(['test.observe']);
  });

  it('observes a plain promise or value from another SDK version without touching it', async () => {
    const { seen, observer } = recorder();
    const plain = Promise.resolve(42);
    expect(observeApiPromise(plain, observer, 'test')).toBe(plain);
    expect(observeApiPromise('not a promise', observer, 'test')).toBe('not a promise');
    await tick();
    expect(seen.data).toEqual(['not a promise', 42]);
  });
});

// The SDKs' parseResponse is async; a parse that throws at once or returns a plain value must still be seen once, and passed on as it was.
describe('observeApiPromise on a parse that is not async', () => {
  /** The two fields observeApiPromise hooks, driven the way the SDK's parse() drives them. */
  const apiPromiseLike = (parse: (client: unknown, props: unknown) => unknown) => {
    const fields = { responsePromise: Promise.resolve({ props: 1 }) as Promise<unknown>, parseResponse: parse };
    const parsed = () => fields.responsePromise.then((props) => fields.parseResponse('client', props));
    return { fields, parsed };
  };

  it('a parse that throws at once: reported as the error, and the caller gets a rejection with it', async () => {
    const boom = new Error('parse failed');
    const { seen, observer } = recorder();
    const { fields, parsed } = apiPromiseLike(() => {
      throw boom;
    });
    observeApiPromise(fields, observer, 'test');
    const direct = fields.parseResponse('client', {});
    await expect(direct).rejects.toBe(boom);
    await expect(parsed()).rejects.toBe(boom);
    expect(seen.events).toEqual(['error']);
    expect(seen.errors[0]).toBe(boom);
  });

  it('a parse that returns a plain value: reported as data, and the caller gets a promise of it', async () => {
    const body = { object: 'chat.completion' };
    const { seen, observer } = recorder();
    const { fields, parsed } = apiPromiseLike(() => body);
    observeApiPromise(fields, observer, 'test');
    const value = await parsed();
    expect(value).toBe(body);
    expect(fields.parseResponse('client', {})).toBeInstanceOf(Promise);
    expect(seen.events).toEqual(['data']);
    expect(seen.data[0]).toBe(body);
  });

  it('the data is reported before the caller awaiting the parse resumes', async () => {
    const { seen, observer } = recorder();
    const { fields, parsed } = apiPromiseLike(async () => ({ ok: true }));
    observeApiPromise(fields, observer, 'test');
    await parsed();
    expect(seen.events).toEqual(['data']);
  });
});
