import { trace } from '@opentelemetry/api';
import { decodeTraceRequest } from '@warden/cli';
import { startFakeLlmServer, startOtlpReceiver, type FakeLlmServer, type OtlpReceiver } from '@warden/testing';
import OpenAI from 'openai';
import { monitor, wrap } from 'warden';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// End to end: a wrapped real client, monitor(), the real OTLP exporters, a receiver on 127.0.0.1.
describe.each(['http/json', 'http/protobuf'] as const)('monitor() exports GenAI spans over OTLP (%s)', (protocol) => {
  let receiver: OtlpReceiver;
  let model: FakeLlmServer;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    model = await startFakeLlmServer({ behaviour: () => ({ text: 'your order shipped', outputTokens: 3, inputTokens: 11 }) });
  });
  afterAll(async () => {
    await receiver.close();
    await model.close();
  });

  it('delivers the model-call span with its attributes and the service name', async () => {
    const warden = monitor({ serviceName: 'e2e-svc', exporter: 'otlp', otlp: { endpoint: receiver.url, protocol }, metrics: 'none', analyzer: false });
    try {
      const openai = wrap(new OpenAI({ apiKey: 'test', baseURL: model.openaiBaseURL, maxRetries: 0 }), { agent: 'support-bot' });
      const reply = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'where is my order? 😀' }] });
      expect(reply.choices[0]!.message.content).toBe('your order shipped');
      await warden.flush();
    } finally {
      await warden.shutdown();
    }
    const [exported] = await receiver.waitFor(1);
    expect(exported!.contentType).toBe(protocol === 'http/json' ? 'application/json' : 'application/x-protobuf');
    const decoded = decodeTraceRequest(exported!.body, protocol === 'http/json' ? 'json' : 'protobuf');
    const spans = decoded.spans.filter((s) => s.span.attributes['gen_ai.operation.name'] === 'chat');
    expect(spans).toHaveLength(1);
    const { span, service } = spans[0]!;
    expect(service).toBe('e2e-svc');
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.agent.name': 'support-bot',
      'gen_ai.response.finish_reasons': ['stop'],
    });
    // No content left the process: capture is off by default.
    expect(exported!.body.toString('utf8')).not.toContain('where is my order');
    expect(trace.getTracerProvider()).toBeDefined();
  });
});
