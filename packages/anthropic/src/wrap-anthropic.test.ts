import Anthropic from '@anthropic-ai/sdk';
import * as A from '@warden/core';
import { createTestTracing, startFakeLlmServer, type FakeLlmServer, type TestTracing } from '@warden/testing';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAnthropicClient, wrapAnthropic } from './wrap-anthropic';

describe('wrapAnthropic', () => {
  let tracing: TestTracing;
  let server: FakeLlmServer;
  // The SDK's own spans are turned off here so every span counted is Warden's.
  const client = () => new Anthropic({ apiKey: 'k', baseURL: server.anthropicBaseURL, maxRetries: 0, openTelemetry: false });
  const ask = (c: Anthropic) => c.messages.create({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
  beforeAll(async () => {
    tracing = createTestTracing();
    server = await startFakeLlmServer();
  });
  afterEach(() => {
    tracing.reset();
    A.setToolGuard(undefined);
  });
  afterAll(async () => {
    await server.close();
    await tracing.shutdown();
  });

  it('returns the same client object, still an instance of its class, and leaves other clients alone', async () => {
    const c = client();
    const other = client();
    expect(wrapAnthropic(c)).toBe(c);
    expect(c).toBeInstanceOf(Anthropic);
    expect(Object.keys(c)).toEqual(Object.keys(other));
    await ask(other);
    expect(tracing.spans()).toHaveLength(0);
    await ask(c);
    expect(tracing.spans()).toHaveLength(1);
  });

  it('wrapping twice records each call once, with the latest options', async () => {
    const c = wrapAnthropic(wrapAnthropic(client(), { agent: 'first' }), { agent: { name: 'second', promptVersion: 'v3' } });
    await ask(c);
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]!.attributes).toMatchObject({ [A.ATTR_GEN_AI_AGENT_NAME]: 'second', [A.ATTR_WARDEN_PROMPT_VERSION]: 'v3' });
  });

  it('tells the tool guard which tools the model asked for, from plain and streamed calls', async () => {
    const seen: A.ToolCallCheck[] = [];
    A.setToolGuard({ check: async () => ({ allowed: true }), observeRequested: (call) => seen.push(call) });
    server.setBehaviour(() => ({ toolCalls: [{ name: 'send_email', arguments: { to: 'x@y.z' }, id: 'call_m' }] }));
    const c = wrapAnthropic(client(), { agent: 'mailer' });
    await ask(c);
    await c.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    server.setBehaviour(() => ({}));
    expect(seen.map(({ tool, arguments: args, source, callId, agent }) => ({ tool, args, source, callId, agent }))).toEqual([
      { tool: 'send_email', args: { to: 'x@y.z' }, source: 'model', callId: 'toolu_m', agent: { name: 'mailer' } },
      { tool: 'send_email', args: { to: 'x@y.z' }, source: 'model', callId: 'toolu_m', agent: { name: 'mailer' } },
    ]);
  });

  it('rejects bad options naming the field, and clients that are not Anthropic’s', () => {
    expect(() => wrapAnthropic(client(), { agent: 42 as unknown as string })).toThrowError(/option "agent": expected a name or an object/);
    expect(() => wrapAnthropic(new OpenAI({ apiKey: 'k' }) as unknown as Anthropic)).toThrowError(/expected an Anthropic client/);
  });

  it('isAnthropicClient tells Anthropic clients from everything else', () => {
    expect(isAnthropicClient(client())).toBe(true);
    expect(isAnthropicClient(new OpenAI({ apiKey: 'k' }))).toBe(false);
    expect(isAnthropicClient(undefined)).toBe(false);
    expect(isAnthropicClient({ messages: { create() {} } })).toBe(false);
  });
});
