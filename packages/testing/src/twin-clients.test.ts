import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeLlmServer } from './fake-llm-server';
import { both, drain, errorShape, startTwinClients, type TwinClients } from './twin-clients';

/** The smallest "client": posts one chat completion to its server and returns the body. */
interface TinyClient {
  label: string;
  chat(): Promise<unknown>;
}

const connect = (server: FakeLlmServer): TinyClient => ({
  label: 'bare',
  async chat() {
    const res = await fetch(`${server.openaiBaseURL}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [] }) });
    if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status });
    return res.json();
  },
});

describe('startTwinClients', () => {
  let twins: TwinClients<TinyClient>;
  beforeAll(async () => {
    twins = await startTwinClients(connect, (client) => ({ ...client, label: 'wrapped' }));
  });
  afterAll(() => twins.close());

  it('gives each twin its own server with the same behaviour, so results compare equal', async () => {
    expect([twins.bare.label, twins.wrapped.label]).toEqual(['bare', 'wrapped']);
    expect(twins.bareServer.url).not.toBe(twins.wrappedServer.url);
    twins.setBehaviour(() => ({ text: 'same on both' }));
    const { bare, wrapped } = await both(twins, (c) => c.chat());
    expect(bare.ok && wrapped.ok).toBe(true);
    expect(wrapped).toEqual(bare);
  });

  it('both() returns a thrown error as an outcome, and errorShape() makes errors comparable', async () => {
    twins.setBehaviour(() => ({ status: 500, errorMessage: 'boom' }));
    const { bare, wrapped } = await both(twins, (c) => c.chat());
    twins.setBehaviour(() => ({}));
    expect(bare.ok || wrapped.ok).toBe(false);
    if (bare.ok || wrapped.ok) return;
    expect(errorShape(wrapped.error)).toEqual(errorShape(bare.error));
    expect(errorShape(bare.error)).toMatchObject({ class: 'Error', message: 'HTTP 500', status: 500 });
  });

  it('drain() keeps the chunks read before an error, then the error', async () => {
    async function* cut() {
      yield 1;
      yield 2;
      throw new Error('cut');
    }
    const { chunks, error } = await drain(cut());
    expect(chunks).toEqual([1, 2]);
    expect((error as Error).message).toBe('cut');
  });
});
