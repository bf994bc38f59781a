import Anthropic from '@anthropic-ai/sdk';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnsupportedClientError, WardenConfigError } from '@warden/core';
import { createTestTracing, startFakeLlmServer, type FakeLlmServer, type TestTracing } from '@warden/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectClient, wrap } from './wrap';

describe('wrap()', () => {
  let server: FakeLlmServer;
  let tracing: TestTracing;
  beforeAll(async () => {
    server = await startFakeLlmServer({ behaviour: () => ({ text: 'ok' }) });
    tracing = createTestTracing();
  });
  afterAll(async () => {
    await server.close();
    await tracing.shutdown();
  });

  it('detects each supported client and returns the same instance', async () => {
    const openai = new OpenAI({ apiKey: 'k', baseURL: server.openaiBaseURL, maxRetries: 0 });
    const anthropic = new Anthropic({ apiKey: 'k', baseURL: server.anthropicBaseURL, maxRetries: 0 });
    const mcp = new Client({ name: 'c', version: '1.0.0' });
    expect(detectClient(openai)).toBe('openai');
    expect(detectClient(anthropic)).toBe('anthropic');
    expect(detectClient(mcp)).toBe('mcp');
    const wrapped = wrap(openai, { agent: 'bot' });
    expect(wrapped).toBe(openai);
    expect(wrapped).toBeInstanceOf(OpenAI);
    expect(wrap(anthropic)).toBe(anthropic);

    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await anthropic.messages.create({ model: 'claude-fake-1', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const names = tracing.spans().map((s) => s.name);
    expect(names).toEqual(['chat gpt-4o-mini', 'chat claude-fake-1']);
    expect(tracing.spans()[0]!.attributes['gen_ai.agent.name']).toBe('bot');
  });

  it.each([
    ['null', null, /does not support null/],
    ['a plain object', {}, /does not support a plain object/],
    ['a string', 'openai', /does not support a string/],
    ['a Date', new Date(), /does not support an instance of Date/],
  ])('rejects %s with an error naming what is supported', (_what, value, message) => {
    let error: unknown;
    try {
      wrap(value as never);
    } catch (e) {
      error = e;
    }
    expect(UnsupportedClientError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/Supported: an OpenAI client/);
  });

  it('validates options and names the bad field', () => {
    const openai = new OpenAI({ apiKey: 'k', baseURL: server.openaiBaseURL });
    expect(() => wrap(openai, { agent: 42 as never })).toThrow(WardenConfigError);
    expect(() => wrap(openai, { captureContent: 'yes' as never })).toThrow(/captureContent: /);
  });
});
