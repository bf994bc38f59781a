import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from './fake-llm-server';

// The fake must be faithful enough that the real SDKs parse every shape it sends.
describe('fake LLM server speaks the real SDKs wire formats', () => {
  let server: FakeLlmServer;
  let openai: OpenAI;
  let anthropic: Anthropic;
  beforeAll(async () => {
    server = await startFakeLlmServer();
    openai = new OpenAI({ apiKey: 'test', baseURL: server.openaiBaseURL, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: 'test', baseURL: server.anthropicBaseURL, maxRetries: 0 });
  });
  afterAll(() => server.close());

  it('chat completions, plain and streamed with tool calls and usage', async () => {
    server.setBehaviour(() => ({ text: 'hello there', outputTokens: 2 }));
    const plain = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(plain.choices[0]!.message.content).toBe('hello there');
    expect(plain.usage?.completion_tokens).toBe(2);

    server.setBehaviour(() => ({ toolCalls: [{ name: 'lookup', arguments: { q: 'x' } }] }));
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let args = '';
    let name = '';
    let usage: unknown;
    for await (const chunk of stream) {
      const tc = chunk.choices[0]?.delta.tool_calls?.[0];
      if (tc?.function?.name) name = tc.function.name;
      if (tc?.function?.arguments) args += tc.function.arguments;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(name).toBe('lookup');
    expect(JSON.parse(args)).toEqual({ q: 'x' });
    expect(usage).toMatchObject({ prompt_tokens: 25 });
  });

  it('responses, plain and streamed; embeddings in base64', async () => {
    server.setBehaviour(() => ({ text: 'one two three' }));
    const r = await openai.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    expect(r.output_text).toBe('one two three');
    const s = await openai.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true });
    const types: string[] = [];
    for await (const e of s) types.push(e.type);
    expect(types.at(-1)).toBe('response.completed');
    const emb = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'bb'] });
    expect(emb.data).toHaveLength(2);
    expect(emb.data[0]!.embedding).toHaveLength(8);
  });

  it('anthropic messages, plain and streamed, with tool_use', async () => {
    server.setBehaviour(() => ({ text: 'hi', toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] }));
    const m = await anthropic.messages.create({ model: 'claude-fake-1', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    expect(m.content.map((c) => c.type)).toEqual(['text', 'tool_use']);
    const final = await anthropic.messages.stream({ model: 'claude-fake-1', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(final.content[1]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Oslo' } });
    expect(final.usage.output_tokens).toBe(m.usage.output_tokens);
  });

  it('errors carry the provider error shape', async () => {
    server.setBehaviour(() => ({ status: 400, errorMessage: 'bad model' }));
    await expect(openai.chat.completions.create({ model: 'x', messages: [] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(anthropic.messages.create({ model: 'x', max_tokens: 1, messages: [] })).rejects.toBeInstanceOf(Anthropic.BadRequestError);
  });
});
