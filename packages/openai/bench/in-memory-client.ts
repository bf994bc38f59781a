/**
 * The real `openai` client both benches call (overhead.ts, profile-call.ts): a `fetch` that answers
 * from memory with recorded fixtures (no sockets), and the same two-message request.
 */
import { readFileSync } from 'node:fs';
import { fetchFromMemory, sseBody } from '@warden/testing';
import OpenAI from 'openai';

const fixture = (name: string) => readFileSync(new URL(`../src/__fixtures__/${name}`, import.meta.url), 'utf8');
const inMemoryFetch = fetchFromMemory({
  json: fixture('chat-cached-usage.json'),
  sse: sseBody(fixture('chat-usage-only.chunks.txt')),
  headers: { 'x-request-id': 'req_bench' },
});

export const newClient = () => new OpenAI({ apiKey: 'sk-bench', baseURL: 'http://in-memory.invalid/v1', maxRetries: 0, fetch: inMemoryFetch });

export const messages = [
  { role: 'system' as const, content: 'You are a support agent for an online shop.' },
  { role: 'user' as const, content: 'Where is my order 7? It was due yesterday.' },
];
