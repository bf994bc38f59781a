import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SamplingDecision, SimpleSpanProcessor, type Sampler } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CAPTURE_CONTENT_ENV, resolveContentPolicy } from './content';
import { startModelCallSpan } from './model-call-span';
import { setContentDefaults } from './registry';
import { ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK } from './semconv';
import { StreamWatch } from './stream-watch';

describe('ModelCallSpan', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('test');
  beforeEach(() => exporter.reset());
  afterEach(() => {
    delete process.env[CAPTURE_CONTENT_ENV];
    setContentDefaults({});
  });

  it('records a model call with the GenAI attributes and ends once', () => {
    const call = startModelCallSpan(
      tracer,
      {
        operation: 'chat',
        provider: 'openai',
        requestModel: 'gpt-4o-mini',
        serverAddress: 'api.example',
        serverPort: 443,
        request: { maxTokens: 50, temperature: 0.2 },
        agent: { name: 'support-bot', conversationId: 'c1' },
      },
      resolveContentPolicy(),
    );
    call.recordInput({ messages: [{ role: 'user', parts: [{ type: 'text', content: 'secret prompt' }] }] });
    call.recordResponse({
      id: 'r1',
      model: 'gpt-4o-mini-2024',
      finishReasons: ['tool_calls'],
      usage: { inputTokens: 10, outputTokens: 5 },
      toolCalls: [{ name: 'lookup', arguments: { q: 1 } }],
      outputLength: 42,
    });
    call.end();
    call.end();
    const [span] = exporter.getFinishedSpans();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(span!.name).toBe('chat gpt-4o-mini');
    expect(span!.kind).toBe(SpanKind.CLIENT);
    expect(span!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.response.id': 'r1',
      'gen_ai.response.model': 'gpt-4o-mini-2024',
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.agent.name': 'support-bot',
      'gen_ai.conversation.id': 'c1',
      'warden.tool_calls.names': ['lookup'],
      'warden.tool_calls.count': 1,
      'warden.output.length': 42,
      'server.address': 'api.example',
      'server.port': 443,
      'warden.content.captured': false,
    });
    // Content is off by default: nothing of the prompt leaves the process.
    expect(JSON.stringify(span!.attributes)).not.toContain('secret prompt');
    expect(span!.attributes['gen_ai.input.messages']).toBeUndefined();
  });

  it('captures redacted content when the environment opts in', () => {
    process.env[CAPTURE_CONTENT_ENV] = 'true';
    const call = startModelCallSpan(tracer, { operation: 'chat', provider: 'openai', requestModel: 'm' }, resolveContentPolicy());
    call.recordInput({ messages: [{ role: 'user', parts: [{ type: 'text', content: 'my key is sk-proj-abcdefghijklmnopqrstuvwx' }] }] });
    call.end();
    const attr = String(exporter.getFinishedSpans()[0]!.attributes['gen_ai.input.messages']);
    expect(JSON.parse(attr)[0].parts[0].content).toBe('my key is [REDACTED:api_key]');
  });

  it('lets a wrapper option override the environment and monitor() defaults', () => {
    process.env[CAPTURE_CONTENT_ENV] = 'true';
    expect(resolveContentPolicy({ captureContent: false }).enabled).toBe(false);
    setContentDefaults({ captureContent: false });
    expect(resolveContentPolicy().enabled).toBe(false);
    expect(resolveContentPolicy({ captureContent: true }).enabled).toBe(true);
  });

  it('records errors with error.type and status ERROR', () => {
    class RateLimitError extends Error {
      override name = 'RateLimitError';
    }
    const call = startModelCallSpan(tracer, { operation: 'chat', provider: 'openai' }, resolveContentPolicy());
    call.recordError(new RateLimitError('slow down'));
    call.end();
    const span = exporter.getFinishedSpans()[0]!;
    expect(span.name).toBe('chat');
    expect(span.attributes['error.type']).toBe('RateLimitError');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'RateLimitError' });
  });

  it('caps agent, model and tool names recorded on the span and its name (#13 item 11)', () => {
    const huge = 'x'.repeat(100_000);
    const call = startModelCallSpan(
      tracer,
      {
        operation: 'chat',
        provider: huge,
        requestModel: huge,
        serverAddress: huge,
        agent: { name: huge, id: huge, version: huge, conversationId: huge, promptVersion: huge },
      },
      resolveContentPolicy(),
    );
    call.recordResponse({ id: huge, model: huge, finishReasons: [huge], toolCalls: [{ name: huge }] });
    call.end();
    const span = exporter.getFinishedSpans()[0]!;
    expect(span.name.length).toBeLessThanOrEqual(5 + 256);
    for (const [key, value] of Object.entries(span.attributes)) {
      for (const v of Array.isArray(value) ? value : [value]) expect(String(v).length, key).toBeLessThanOrEqual(256);
    }
    expect(span.attributes['gen_ai.agent.name']).toMatch(/^x+…$/);
  });

  it('ignores NaN and infinite numbers instead of writing them', () => {
    const call = startModelCallSpan(tracer, { operation: 'chat', provider: 'openai', request: { temperature: NaN } }, resolveContentPolicy());
    call.recordResponse({ usage: { inputTokens: Infinity, outputTokens: -5, cacheReadInputTokens: 0 } });
    call.end();
    const a = exporter.getFinishedSpans()[0]!.attributes;
    expect(a['gen_ai.request.temperature']).toBeUndefined();
    expect(a['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(a['gen_ai.usage.output_tokens']).toBeUndefined();
    expect(a['gen_ai.usage.cache_read.input_tokens']).toBe(0);
  });

  it('gives a sampler the sampling-relevant attributes at start, and the span the rest after', () => {
    const seen: Record<string, unknown>[] = [];
    const sampler: Sampler = {
      shouldSample(_context, _traceId, _name, _kind, attributes) {
        seen.push({ ...attributes });
        return { decision: SamplingDecision.RECORD_AND_SAMPLED };
      },
      toString: () => 'RecordingSampler',
    };
    const sampled = new BasicTracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const call = startModelCallSpan(
      sampled.getTracer('test'),
      {
        operation: 'chat',
        provider: 'openai',
        requestModel: 'gpt-4o-mini',
        serverAddress: 'api.openai.com',
        serverPort: 443,
        streaming: true,
        agent: { name: 'support-bot', conversationId: 'c-1' },
        request: { temperature: 0.2, choiceCount: 2 },
      },
      resolveContentPolicy(),
    );
    call.end('completed');
    expect(seen).toEqual([
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'server.address': 'api.openai.com',
        'server.port': 443,
      },
    ]);
    expect(exporter.getFinishedSpans()[0]!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'server.address': 'api.openai.com',
      'server.port': 443,
      'gen_ai.agent.name': 'support-bot',
      'gen_ai.conversation.id': 'c-1',
      'warden.stream': true,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.choice.count': 2,
      'warden.content.captured': false,
      'warden.stream.outcome': 'completed',
    });
  });

  it('records time to first chunk no longer than the span, even when starting the span is slow', () => {
    // A sampler runs inside startSpan before the span's start time; a slow one used to count in TTFC only.
    const slowSampler: Sampler = {
      shouldSample() {
        const until = performance.now() + 3;
        while (performance.now() < until);
        return { decision: SamplingDecision.RECORD_AND_SAMPLED };
      },
      toString: () => 'SlowSampler',
    };
    const slowProvider = new BasicTracerProvider({ sampler: slowSampler, spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const call = startModelCallSpan(slowProvider.getTracer('test'), { operation: 'chat', provider: 'openai', streaming: true }, resolveContentPolicy());
    call.recordFirstChunk();
    call.end('completed');
    const span = exporter.getFinishedSpans()[0]!;
    const ttfcNanos = (span.attributes[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] as number) * 1e9;
    const durationNanos = span.duration[0] * 1e9 + span.duration[1];
    expect(ttfcNanos).toBeGreaterThan(0);
    expect(ttfcNanos).toBeLessThanOrEqual(durationNanos + 1);
  });
});

describe('StreamWatch', () => {
  async function* source(n: number, failAt?: number) {
    for (let i = 0; i < n; i++) {
      if (i === failAt) throw new Error('connection reset');
      yield i;
    }
  }

  function watch() {
    const seen: number[] = [];
    const ends: string[] = [];
    const w = new StreamWatch<number>({ onChunk: (c) => seen.push(c), onEnd: (o) => ends.push(o) });
    return { w, seen, ends };
  }

  it('passes chunks through and ends once as completed', async () => {
    const { w, seen, ends } = watch();
    const out: number[] = [];
    for await (const c of w.wrap(source(3))) out.push(c);
    expect(out).toEqual([0, 1, 2]);
    expect(seen).toEqual([0, 1, 2]);
    expect(ends).toEqual(['completed']);
  });

  it('ends as broken when the consumer breaks out', async () => {
    const { w, ends } = watch();
    for await (const c of w.wrap(source(10))) if (c === 1) break;
    expect(ends).toEqual(['broken']);
  });

  it('ends as error and rethrows the same error', async () => {
    const { w, ends } = watch();
    const consume = async () => {
      for await (const _ of w.wrap(source(5, 2))) void _;
    };
    await expect(consume()).rejects.toThrow('connection reset');
    expect(ends).toEqual(['error']);
  });

  it('ends as abandoned after the idle timeout when nobody reads', async () => {
    const ends: string[] = [];
    const w = new StreamWatch<number>({ onChunk: () => {}, onEnd: (o) => ends.push(o) }, { idleTimeoutMs: 20 });
    w.wrap(source(3));
    await new Promise((r) => setTimeout(r, 60));
    expect(ends).toEqual(['abandoned']);
  });

  it('does not let a failing hook break the stream', async () => {
    const w = new StreamWatch<number>({
      onChunk: () => {
        throw new Error('bug in warden');
      },
      onEnd: () => {},
    });
    const out: number[] = [];
    const prev = process.listeners('warning').length;
    for await (const c of w.wrap(source(2))) out.push(c);
    expect(out).toEqual([0, 1]);
    expect(process.listeners('warning').length).toBe(prev);
  });
});
