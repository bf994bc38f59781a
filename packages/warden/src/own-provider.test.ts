import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startFakeLlmServer } from '@warden/testing';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { monitor } from './monitor';
import { wrap } from './wrap';

// A team with its own OTel setup keeps it: Warden adds one processor and registers nothing.
describe('under an existing OpenTelemetry provider', () => {
  afterAll(() => {
    trace.disable();
    context.disable();
  });

  it('does not replace the global provider; its processor feeds the analyzer and posture', async () => {
    const server = await startFakeLlmServer({ behaviour: () => ({ text: 'hello', outputTokens: 1 }) });
    const theirs = new InMemorySpanExporter();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    // The app's provider is created first; monitor() sees it and stays out of the way.
    const early = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(theirs)] });
    trace.setGlobalTracerProvider(early);
    const warden = monitor({ exporter: 'none', serviceName: 'their-app' });
    expect(warden.registeredGlobal).toBe(false);
    // The documented way: add warden.spanProcessor to the app's provider.
    trace.disable();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(theirs), warden.spanProcessor] });
    trace.setGlobalTracerProvider(provider);
    try {
      const openai = wrap(new OpenAI({ apiKey: 'k', baseURL: server.openaiBaseURL, maxRetries: 0 }), { agent: 'bot' });
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      expect(theirs.getFinishedSpans().map((s) => s.name)).toEqual(['chat gpt-4o-mini']);
      const groups = warden.analyzer!.groups();
      expect(groups.map((g) => [g.key.agent, g.key.model, g.count])).toEqual([['bot', 'gpt-4o-mini', 1]]);
      expect(warden.posture().inventory.agents).toContain('bot');
      await warden.shutdown();
      // shutdown() leaves the app's provider, which it never registered, working.
      trace.getTracer('app').startSpan('after warden').end();
      expect(theirs.getFinishedSpans().map((s) => s.name)).toContain('after warden');
    } finally {
      await warden.shutdown();
      await provider.shutdown();
      await server.close();
    }
  });
});
