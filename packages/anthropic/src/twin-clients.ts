/**
 * Test support: a bare and a wrapped client, each on its own fake server with the same
 * behaviour, so the same call sequence yields identical ids and the two results can be
 * deep-compared. Imported by tests only.
 */
import Anthropic from '@anthropic-ai/sdk';
import { startFakeLlmServer, type FakeBehaviour, type FakeLlmServer } from '@warden/testing';
import { wrapAnthropic, type WrapAnthropicOptions } from './wrap-anthropic';

export interface TwinClients {
  bare: Anthropic;
  wrapped: Anthropic;
  bareServer: FakeLlmServer;
  wrappedServer: FakeLlmServer;
  setBehaviour(behaviour: FakeBehaviour): void;
  close(): Promise<void>;
}

export async function startTwinClients(options: WrapAnthropicOptions = {}, behaviour: FakeBehaviour = () => ({})): Promise<TwinClients> {
  const bareServer = await startFakeLlmServer({ behaviour });
  const wrappedServer = await startFakeLlmServer({ behaviour });
  const bare = new Anthropic({ apiKey: 'sk-ant-test', baseURL: bareServer.anthropicBaseURL, maxRetries: 0 });
  const wrapped = wrapAnthropic(new Anthropic({ apiKey: 'sk-ant-test', baseURL: wrappedServer.anthropicBaseURL, maxRetries: 0 }), options);
  return {
    bare,
    wrapped,
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
export async function both<T>(twins: TwinClients, call: (client: Anthropic) => Promise<T>): Promise<{ bare: Outcome<T>; wrapped: Outcome<T> }> {
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

/** The comparable face of an error: class, message and its own fields. */
export function errorShape(error: unknown): Record<string, unknown> {
  const e = error as Error & Record<string, unknown>;
  const headers = e.headers instanceof Headers ? Object.fromEntries([...e.headers.entries()].filter(([k]) => k !== 'date')) : e.headers;
  return { class: e?.constructor?.name, name: e?.name, message: e?.message, status: e.status, error: e.error, type: e.type, requestID: e.requestID, headers };
}
