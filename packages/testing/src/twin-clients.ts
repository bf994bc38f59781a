/**
 * A bare and a wrapped client, each on its own fake server with the same behaviour, so the
 * same call sequence yields identical ids and the two results can be deep-compared. Generic
 * over the client, so the openai and anthropic wrappers' tests share it (no SDK is imported here).
 */
import { startFakeLlmServer, type FakeLlmServer } from './fake-llm-server';
import type { FakeBehaviour } from './fake-reply';

export interface TwinClients<C> {
  bare: C;
  wrapped: C;
  bareServer: FakeLlmServer;
  wrappedServer: FakeLlmServer;
  setBehaviour(behaviour: FakeBehaviour): void;
  close(): Promise<void>;
}

/** `connect` makes a client talking to a server; `wrap` instruments one (the twin that is compared). */
export async function startTwinClients<C>(
  connect: (server: FakeLlmServer) => C,
  wrap: (client: C) => C,
  behaviour: FakeBehaviour = () => ({}),
): Promise<TwinClients<C>> {
  const bareServer = await startFakeLlmServer({ behaviour });
  const wrappedServer = await startFakeLlmServer({ behaviour });
  return {
    bare: connect(bareServer),
    wrapped: wrap(connect(wrappedServer)),
    bareServer,
    wrappedServer,
    setBehaviour(b) {
      bareServer.setBehaviour(b);
      wrappedServer.setBehaviour(b);
    },
    async close() {
      await Promise.all([bareServer.close(), wrappedServer.close()]);
    },
  };
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function outcome<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Runs `call` on both clients and returns both outcomes (value or thrown error). */
export async function both<C, T>(twins: TwinClients<C>, call: (client: C) => Promise<T>): Promise<{ bare: Outcome<T>; wrapped: Outcome<T> }> {
  const bare = await outcome(() => call(twins.bare));
  const wrapped = await outcome(() => call(twins.wrapped));
  return { bare, wrapped };
}

/** Every chunk of an async iterable, or the error that ended it, after the chunks. */
export async function drain<T>(stream: AsyncIterable<T>): Promise<{ chunks: T[]; error?: unknown }> {
  const chunks: T[] = [];
  try {
    for await (const c of stream) chunks.push(c);
    return { chunks };
  } catch (error) {
    return { chunks, error };
  }
}

/**
 * The comparable face of an SDK error: class, message and its own fields (those of both SDKs'
 * APIError: `code` is OpenAI's, `requestID` both), headers without the date.
 */
export function errorShape(error: unknown): Record<string, unknown> {
  const e = error as Error & Record<string, unknown>;
  const headers = e.headers instanceof Headers ? Object.fromEntries([...e.headers.entries()].filter(([k]) => k !== 'date')) : e.headers;
  return {
    class: e?.constructor?.name,
    name: e?.name,
    message: e?.message,
    status: e.status,
    error: e.error,
    code: e.code,
    type: e.type,
    requestID: e.requestID,
    headers,
  };
}
