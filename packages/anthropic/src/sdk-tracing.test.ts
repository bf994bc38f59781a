import Anthropic from '@anthropic-ai/sdk';
import { trace, type Span } from '@opentelemetry/api';
import { createTestTracing, drain, startFakeLlmServer, type FakeLlmServer, type TestTracing } from '@warden/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { wrapAnthropic } from './wrap-anthropic';

const SDK_SCOPE = 'com.anthropic.sdk.typescript';
const params = { model: 'claude-haiku-4-5', max_tokens: 32, messages: [{ role: 'user' as const, content: 'hi' }] };

// The global provider is registered (createTestTracing), as in an app with its own OTel setup.
describe('the Anthropic SDK’s own spans', () => {
  let tracing: TestTracing;
  let server: FakeLlmServer;
  const client = (options: ConstructorParameters<typeof Anthropic>[0] = {}) =>
    new Anthropic({ apiKey: 'k', baseURL: server.anthropicBaseURL, maxRetries: 0, ...options });
  const scopes = () => tracing.spans().map((s) => s.instrumentationScope.name);
  beforeAll(async () => {
    tracing = createTestTracing();
    server = await startFakeLlmServer();
  });
  afterEach(() => tracing.reset());
  afterAll(async () => {
    await server.close();
    await tracing.shutdown();
  });

  it('a bare client records a span of its own (what Warden must not duplicate)', async () => {
    await client().messages.create(params);
    expect(scopes()).toEqual([SDK_SCOPE]);
  });

  it('a wrapped client records exactly one span per call, Warden’s: create, create(stream), stream()', async () => {
    const c = wrapAnthropic(client());
    await c.messages.create(params);
    expect(scopes()).toEqual(['@warden/anthropic']);
    tracing.reset();
    await drain(await c.messages.create({ ...params, stream: true }));
    expect(scopes()).toEqual(['@warden/anthropic']);
    tracing.reset();
    await c.messages.stream(params).finalMessage();
    expect(scopes()).toEqual(['@warden/anthropic']);
  });

  it('only the wrapped calls lose the SDK span: other methods of the same client keep theirs', async () => {
    const c = wrapAnthropic(client());
    await c.models.list().catch(() => undefined);
    expect(scopes()).toEqual([SDK_SCOPE]);
    tracing.reset();
    await c.messages.create(params);
    await c.models.list().catch(() => undefined);
    expect(scopes()).toEqual(['@warden/anthropic', SDK_SCOPE]);
  });

  it('the request runs with Warden’s span active, so the app’s HTTP instrumentation nests under it', async () => {
    let activeDuringFetch: Span | undefined;
    const c = wrapAnthropic(
      client({
        fetch: (input, init) => {
          activeDuringFetch = trace.getActiveSpan();
          return fetch(input, init);
        },
      }),
    );
    await c.messages.create(params);
    const [ours] = tracing.spans();
    expect(activeDuringFetch?.spanContext().spanId).toBe(ours!.spanContext().spanId);
  });

  it('a client built with openTelemetry: false still gets Warden’s span', async () => {
    await wrapAnthropic(client({ openTelemetry: false })).messages.create(params);
    expect(scopes()).toEqual(['@warden/anthropic']);
  });
});
