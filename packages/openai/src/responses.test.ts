import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import * as A from '@warden/core';
import { both, createTestTracing, drain, errorShape, type TestTracing, type TwinClients } from '@warden/testing';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAITwins } from './openai-twins';

describe('responses.create', () => {
  let tracing: TestTracing;
  let twins: TwinClients<OpenAI>;
  beforeAll(() => {
    tracing = createTestTracing();
  });
  beforeEach(async () => {
    twins = await startOpenAITwins();
  });
  afterEach(async () => {
    tracing.reset();
    await twins.close();
  });
  afterAll(() => tracing.shutdown());

  it('plain: same response (output_text included), one CLIENT span with usage and finish reason', async () => {
    twins.setBehaviour(() => ({ text: 'Order 7 shipped.', inputTokens: 20, outputTokens: 4 }));
    const { bare, wrapped } = await both(twins, (c) =>
      c.responses.create({ model: 'gpt-4.1', input: 'Where is order 7?', instructions: 'Be brief.', max_output_tokens: 64, temperature: 0.5 }),
    );
    expect(wrapped).toEqual(bare);
    expect(wrapped.ok && wrapped.value.output_text).toBe('Order 7 shipped.');
    const span = tracing.spans()[0]!;
    expect(tracing.spans()).toHaveLength(1);
    expect(span.name).toBe('chat gpt-4.1');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      [A.ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [A.ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
      [A.ATTR_GEN_AI_REQUEST_MAX_TOKENS]: 64,
      [A.ATTR_GEN_AI_REQUEST_TEMPERATURE]: 0.5,
      [A.ATTR_GEN_AI_RESPONSE_ID]: 'resp_000000',
      [A.ATTR_GEN_AI_RESPONSE_MODEL]: 'gpt-4.1',
      [A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
      [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 20,
      [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 4,
      [A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 0,
      [A.ATTR_WARDEN_OUTPUT_LENGTH]: 'Order 7 shipped.'.length,
    });
    expect(span.attributes[A.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS]).toBeUndefined();
    expect(span.attributes[A.ATTR_GEN_AI_INPUT_MESSAGES]).toBeUndefined();
  });

  it('function calls: names recorded, finish reason tool_calls, incomplete maps to its reason', async () => {
    twins.setBehaviour(() => ({ toolCalls: [{ name: 'refund', arguments: { order: 7 } }] }));
    const { bare, wrapped } = await both(twins, (c) => c.responses.create({ model: 'gpt-4.1', input: 'refund order 7' }));
    expect(wrapped).toEqual(bare);
    expect(tracing.spans()[0]!.attributes[A.ATTR_WARDEN_TOOL_CALLS_NAMES]).toEqual(['refund']);
    expect(tracing.spans()[0]!.attributes[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['tool_calls']);

    tracing.reset();
    twins.setBehaviour(() => ({ text: 'cut', finishReason: 'max_output_tokens' }));
    const cut = await both(twins, (c) => c.responses.create({ model: 'gpt-4.1', input: 'long' }));
    expect(cut.wrapped).toEqual(cut.bare);
    expect(tracing.spans()[0]!.attributes[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['max_output_tokens']);
  });

  it('stream: same events, the final response.completed event gives usage and id', async () => {
    twins.setBehaviour(() => ({ text: 'streamed answer here', toolCalls: [{ name: 'lookup', arguments: { q: 'x' } }], inputTokens: 11, outputTokens: 5 }));
    const params = { model: 'gpt-4.1', input: 'hi', stream: true as const };
    const bare = await drain(await twins.bare.responses.create(params));
    const wrapped = await drain(await twins.wrapped.responses.create(params));
    expect(wrapped).toEqual(bare);
    const span = tracing.spans()[0]!;
    expect(tracing.spans()).toHaveLength(1);
    expect(span.attributes).toMatchObject({
      [A.ATTR_WARDEN_STREAM]: true,
      [A.ATTR_WARDEN_STREAM_OUTCOME]: 'completed',
      [A.ATTR_GEN_AI_RESPONSE_ID]: 'resp_000000',
      [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 11,
      [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 5,
      [A.ATTR_WARDEN_TOOL_CALLS_NAMES]: ['lookup'],
      [A.ATTR_WARDEN_OUTPUT_LENGTH]: 'streamed answer here'.length,
    });
    expect(span.attributes[A.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]).toBeGreaterThan(0);
  });

  it('stream cut before response.completed: same error, partial facts from the deltas', async () => {
    twins.setBehaviour(() => ({ text: 'one two three four five six', failAfterChunks: 6, chunkDelayMs: 5 }));
    const params = { model: 'gpt-4.1', input: 'hi', stream: true as const };
    const bare = await drain(await twins.bare.responses.create(params));
    const wrapped = await drain(await twins.wrapped.responses.create(params));
    expect(wrapped.chunks).toEqual(bare.chunks);
    expect(errorShape(wrapped.error)).toEqual(errorShape(bare.error));
    const span = tracing.spans()[0]!;
    expect(span.attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('error');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[A.ATTR_GEN_AI_RESPONSE_ID]).toBe('resp_000000');
    expect(span.attributes[A.ATTR_WARDEN_OUTPUT_LENGTH]).toBe('one two three '.length);
  });

  it('stream broken out of or aborted: same events seen, span ends once as broken / aborted', async () => {
    twins.setBehaviour(() => ({ text: 'a b c d e f g h i j k l', chunkDelayMs: 3 }));
    const params = { model: 'gpt-4.1', input: 'hi', stream: true as const };
    const take = async (c: OpenAI, abort: boolean) => {
      const stream = await c.responses.create(params);
      const types: string[] = [];
      for await (const event of stream) {
        types.push(event.type);
        if (types.length === 4) {
          if (!abort) break;
          stream.controller.abort();
        }
      }
      return types;
    };
    expect(await take(twins.wrapped, false)).toEqual(await take(twins.bare, false));
    expect(await take(twins.wrapped, true)).toEqual(await take(twins.bare, true));
    await new Promise((r) => setTimeout(r, 20));
    expect(tracing.spans().map((s) => s.attributes[A.ATTR_WARDEN_STREAM_OUTCOME])).toEqual(['broken', 'aborted']);
  });

  it('errors keep their class; content capture records instructions as system instructions', async () => {
    twins.setBehaviour(() => ({ status: 400, errorMessage: 'bad input' }));
    const { bare, wrapped } = await both(twins, (c) => c.responses.create({ model: 'gpt-4.1', input: 'x' }));
    expect(!wrapped.ok && wrapped.error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(errorShape(!wrapped.ok && wrapped.error)).toEqual(errorShape(!bare.ok && bare.error));
    expect(tracing.spans()[0]!.attributes[A.ATTR_ERROR_TYPE]).toBe('BadRequestError');

    tracing.reset();
    const { wrapOpenAI } = await import('./wrap-openai');
    wrapOpenAI(twins.wrapped, { captureContent: true });
    twins.wrappedServer.setBehaviour(() => ({ text: 'fine' }));
    await twins.wrapped.responses.create({
      model: 'gpt-4.1',
      instructions: 'You are terse.',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'hello' }] },
        { type: 'function_call_output', call_id: 'c1', output: '{"ok":true}' },
      ],
    });
    const attrs = tracing.spans()[0]!.attributes;
    expect(JSON.parse(attrs[A.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] as string)).toEqual([{ type: 'text', content: 'You are terse.' }]);
    expect(JSON.parse(attrs[A.ATTR_GEN_AI_INPUT_MESSAGES] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'hello' }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: '{"ok":true}' }] },
    ]);
    expect(JSON.parse(attrs[A.ATTR_GEN_AI_OUTPUT_MESSAGES] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'fine' }], finish_reason: 'stop' },
    ]);
  });
});
