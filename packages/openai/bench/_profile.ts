import { readFileSync } from 'node:fs';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { fetchFromMemory, sseBody } from '@warden/testing';
import OpenAI from 'openai';
import { monitor, wrap } from 'warden';

const fixture = (name: string) => readFileSync(new URL(`../src/__fixtures__/${name}`, import.meta.url), 'utf8');
const inMemoryFetch = fetchFromMemory({ json: fixture('chat-cached-usage.json'), sse: sseBody(fixture('chat-usage-only.chunks.txt')), headers: { 'x-request-id': 'req_bench' } });
class Drop implements SpanExporter {
  n = 0;
  export(spans: ReadableSpan[], done: (r: { code: number }) => void) { this.n += spans.length; done({ code: 0 }); }
  shutdown() { return Promise.resolve(); }
}
const content = process.argv.includes('--content');
const stream = process.argv.includes('--stream');
const bare = process.argv.includes('--bare');
const warden = monitor({ serviceName: 'bench', exporter: new Drop(), captureContent: content });
const client = new OpenAI({ apiKey: 'sk-bench', baseURL: 'http://in-memory.invalid/v1', maxRetries: 0, fetch: inMemoryFetch });
const c = bare ? client : wrap(client, { agent: 'support-bot' });
const messages = [
  { role: 'system' as const, content: 'You are a support agent for an online shop.' },
  { role: 'user' as const, content: 'Where is my order 7? It was due yesterday.' },
];
async function once() {
  if (!stream) return c.chat.completions.create({ model: 'gpt-4o-mini', messages, n: 2 });
  const s = await c.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
  for await (const _ of s);
}
const N = Number(process.env.N ?? 20000);
for (let i = 0; i < 2000; i++) await once();
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
const session = new Session();
session.connect();
if (process.env.PROF) { await session.post('Profiler.enable'); await session.post('Profiler.setSamplingInterval', { interval: 100 }); await session.post('Profiler.start'); }
const t = process.cpuUsage();
const w = performance.now();
for (let i = 0; i < N; i++) await once();
const u = process.cpuUsage(t);
console.log(`${bare ? 'bare' : 'warden'}${content ? ' content' : ''}${stream ? ' stream' : ''}: ${((u.user + u.system) / N).toFixed(1)} cpu µs/call, ${(((performance.now() - w) * 1000) / N).toFixed(1)} wall µs/call`);
if (process.env.PROF) { const { profile } = await session.post('Profiler.stop'); writeFileSync(process.env.PROF, JSON.stringify(profile)); }
await warden.shutdown();
