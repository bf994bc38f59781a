import { trace } from '@opentelemetry/api';
import { WardenConfigError, type Alert } from '@warden/core';
import { publishAlert, resolveContentPolicy } from '@warden/core/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { monitor, type Warden } from './monitor';

const alert = (kind: Alert['kind']): Alert => ({
  id: 'a1',
  kind,
  severity: 'high',
  detector: 'test.detector',
  subject: { agent: 'bot' },
  message: 'something happened',
  score: 2,
  threshold: 1,
  traceIds: [],
  controls: ['L3.mcp-onboarding'],
  time: new Date(0).toISOString(),
});

describe('monitor()', () => {
  let warden: Warden | undefined;
  afterEach(async () => {
    await warden?.shutdown();
    warden = undefined;
    delete process.env.OTEL_TRACES_EXPORTER;
    delete process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
    delete process.env.OTEL_SERVICE_NAME;
  });

  it('rejects bad options with one error naming each field and what was expected', () => {
    let error: unknown;
    try {
      monitor({ exporter: 'jaeger' as never, shutdownTimeoutMs: -1, otlp: { endpoint: 'not a url' } });
    } catch (e) {
      error = e;
    }
    expect(WardenConfigError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toMatch(/exporter: expected 'otlp' \| 'console' \| 'memory' \| 'none' or a SpanExporter/);
    expect(message).toMatch(/shutdownTimeoutMs:/);
    expect(message).toMatch(/otlp\.endpoint: expected a URL/);
    expect(() => monitor({ unknownOption: 1 } as never)).toThrow(/unknownOption/);
  });

  it('registers a global provider whose spans reach the memory exporter with the service name', async () => {
    warden = monitor({ serviceName: 'svc-a', exporter: 'memory' });
    expect(warden.registeredGlobal).toBe(true);
    trace.getTracer('t').startSpan('hello').end();
    const spans = warden.finishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['hello']);
    expect(spans[0]!.resource.attributes['service.name']).toBe('svc-a');
  });

  it('honours OTEL_SERVICE_NAME, OTEL_TRACES_EXPORTER and OTEL_EXPORTER_OTLP_PROTOCOL', async () => {
    process.env.OTEL_SERVICE_NAME = 'from-env';
    process.env.OTEL_TRACES_EXPORTER = 'none';
    warden = monitor();
    expect(warden.serviceName).toBe('from-env');
    expect(warden.exporterKind).toBe('none');
    await warden.shutdown();
    process.env.OTEL_TRACES_EXPORTER = 'otlp';
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'grpc';
    expect(() => monitor()).toThrow(/grpc is not supported/);
    warden = undefined;
  });

  it('reads OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT once, when it starts; a wrapper option still wins', async () => {
    const env = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';
    try {
      process.env[env] = 'true';
      warden = monitor({ exporter: 'none', metrics: 'none', registerGlobal: false });
      delete process.env[env];
      expect(resolveContentPolicy().enabled).toBe(true);
      expect(resolveContentPolicy({ captureContent: false }).enabled).toBe(false);
      await warden.shutdown();
      warden = monitor({ exporter: 'none', metrics: 'none', registerGlobal: false });
      process.env[env] = 'true';
      expect(resolveContentPolicy().enabled).toBe(false);
      expect(resolveContentPolicy({ captureContent: true }).enabled).toBe(true);
      await warden.shutdown();
      warden = undefined;
      // Without monitor() the variable is read at each call again.
      expect(resolveContentPolicy().enabled).toBe(true);
    } finally {
      delete process.env[env];
    }
  });

  it('shutdown() is bounded when the collector is down', async () => {
    warden = monitor({ exporter: 'otlp', otlp: { endpoint: 'http://127.0.0.1:9' }, shutdownTimeoutMs: 500, metrics: 'none' });
    trace.getTracer('t').startSpan('lost').end();
    const started = Date.now();
    await warden.shutdown();
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('delivers alerts from the event bus to alert and alert:<kind>, and a throwing handler becomes an error event', () => {
    warden = monitor({ exporter: 'none' });
    const all: Alert[] = [];
    const mcp: Alert[] = [];
    const errors: unknown[] = [];
    warden.on('alert', (a) => all.push(a));
    warden.on('alert:mcp_risk', (a) => mcp.push(a));
    warden.on('error', (e) => errors.push(e.error));
    publishAlert(alert('mcp_risk'));
    expect(all).toHaveLength(1);
    expect(mcp).toHaveLength(1);
    expect(warden.alertSubscriberCount()).toBe(2);
    warden.on('alert:drift', () => {
      throw new Error('pager is down');
    });
    expect(() => publishAlert(alert('drift'))).not.toThrow();
    expect(errors.map((e) => (e as Error).message)).toEqual(['pager is down']);
  });
});
