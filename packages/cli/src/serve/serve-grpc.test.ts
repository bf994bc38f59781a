import { request } from 'node:http';
import { status, type ServiceError } from '@grpc/grpc-js';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpGrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Analyzer, AnalyzerSpanProcessor } from '@warden/analyzer';
import type { Alert } from '@warden/core';
import { startOtlpReceiver, type OtlpReceiver } from '@warden/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatedService, simulatedSignals, type FleetProtocol } from './fleet-exporters';
import { retryDelayOf } from './otlp-grpc';
import { startServe, type ServeHandle } from './serve';
import { chatCalls, recordChat, seededRandom } from './simulated-fleet';

// Spans seconds apart: baselines fixed on records alone (the default also asks for 5 minutes of traffic).
const ANALYZER_OPTIONS = { warmup: 100, window: 50, warmupMs: 0 };

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(options: Parameters<typeof startServe>[0]): Promise<ServeHandle> {
  const h = await startServe({ port: 0, grpcPort: 0, ...options });
  cleanups.push(() => h.close());
  return h;
}

async function receiver(): Promise<OtlpReceiver> {
  const r = await startOtlpReceiver();
  cleanups.push(() => r.close());
  return r;
}

function comparable(alerts: Alert[]): unknown[] {
  return alerts.map(({ id: _id, ...rest }) => rest).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function finishedSpans(n: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('t');
  for (let i = 0; i < n; i++) tracer.startSpan('chat m', { attributes: { 'gen_ai.operation.name': 'chat' } }).end();
  return memory.getFinishedSpans();
}

function grpcExport(h: ServeHandle, spans: ReadableSpan[]): Promise<ExportResult> {
  const exporter = new OtlpGrpcTraceExporter({ url: `http://127.0.0.1:${h.grpcPort}` });
  cleanups.push(() => exporter.shutdown());
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe('warden serve over OTLP/gRPC', () => {
  it('raises the same alerts as the in-process analyzer on spans sent by the OTel gRPC exporter (plain and gzip) beside HTTP', async () => {
    const h = await serve({ analyzer: ANALYZER_OPTIONS });
    const served: Alert[] = [];
    h.onAlert((a) => served.push(a));
    const inProcess = new Analyzer(ANALYZER_OPTIONS);
    const local: Alert[] = [];
    inProcess.on('alert', (a) => local.push(a));
    const fleet: Array<[string, FleetProtocol, number]> = [
      ['support', 'grpc', 4],
      ['search', 'grpc+gzip', 4],
      ['checkout', 'http/protobuf', 1],
    ];
    const services = fleet.map(([name, protocol]) => {
      const s = simulatedService(name, protocol, h, [new AnalyzerSpanProcessor(inProcess)]);
      cleanups.push(() => s.shutdown());
      return s;
    });
    const random = seededRandom(17);
    const start = Date.UTC(2026, 0, 1);
    for (const phase of ['baseline', 'shift'] as const) {
      for (const [i, [name, , scale]] of fleet.entries()) {
        const calls = chatCalls(random, 150, {
          agent: `${name}-agent`,
          model: 'gpt-4o',
          startMs: start + (phase === 'shift' ? 200_000 : 0),
          outputScale: phase === 'shift' ? scale : 1,
        });
        for (const call of calls) recordChat(services[i]!.tracer, call);
      }
      await Promise.all(services.map((s) => s.flush()));
    }
    await h.whenIdle();
    expect(local.length).toBeGreaterThan(0);
    expect(comparable(served)).toEqual(comparable(local));
    expect(new Set(served.map((a) => a.subject.service))).toEqual(new Set(['support', 'search']));
    expect(h.metrics.spansAnalyzed).toBe(900);
    // gRPC requests are counted with HTTP's, under the status their outcome corresponds to.
    expect(await (await fetch(`${h.url}/metrics`)).text()).toContain('warden_serve_requests_total{status="200"} 6');
  });

  it('answers RESOURCE_EXHAUSTED with RetryInfo over the shared body budget, and UNAVAILABLE while draining', async () => {
    const h = await serve({ maxInflightBytes: 100, retryAfterSeconds: 4 });
    // An HTTP body half sent holds 60 bytes of the 100-byte budget.
    const slow = request(`${h.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 1000 } });
    slow.on('error', () => undefined);
    slow.write('x'.repeat(60));
    const deadline = Date.now() + 5_000;
    while (!/warden_serve_body_bytes_in_flight 60/.test(await (await fetch(`${h.url}/metrics`)).text())) {
      if (Date.now() > deadline) throw new Error('the HTTP body never arrived');
      await new Promise((r) => setTimeout(r, 20));
    }
    const throttled = await grpcExport(h, finishedSpans(3));
    expect(throttled.code).toBe(ExportResultCode.FAILED);
    const error = throttled.error as unknown as ServiceError;
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(retryDelayOf(error.metadata)).toBe(4);
    expect(h.metrics.bodiesOverBudget).toBe(1);
    slow.destroy();

    await h.drain();
    const draining = await grpcExport(h, finishedSpans(1));
    expect((draining.error as unknown as ServiceError).code).toBe(status.UNAVAILABLE);
    expect(retryDelayOf((draining.error as unknown as ServiceError).metadata)).toBe(4);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toContain('warden_serve_requests_total{status="429"} 1');
    expect(metrics).toContain('warden_serve_requests_total{status="503"} 1');
  });
});

describe('warden serve metrics and logs', () => {
  it('relays metrics and logs from the OTel exporters (gRPC and HTTP) to the --forward target', async () => {
    const target = await receiver();
    const h = await serve({ forward: target.url });
    for (const protocol of ['grpc', 'http/protobuf'] as const) {
      const signals = simulatedSignals(`app-${protocol}`, protocol, h);
      cleanups.push(() => signals.shutdown());
      signals.meter.createCounter('orders').add(3);
      signals.logger.emit({ body: `order placed via ${protocol}` });
      await signals.flush();
    }
    const metrics = await target.waitFor(2, '/v1/metrics');
    const logs = await target.waitFor(2, '/v1/logs');
    expect(metrics.map((m) => m.contentType)).toEqual(['application/x-protobuf', 'application/x-protobuf']);
    expect(metrics.map((m) => m.body.includes('app-grpc') || m.body.includes('app-http/protobuf'))).toEqual([true, true]);
    expect(metrics.some((m) => m.body.includes('orders'))).toBe(true);
    expect(logs.some((l) => l.body.includes('order placed via grpc'))).toBe(true);
    expect(logs.some((l) => l.body.includes('order placed via http/protobuf'))).toBe(true);
    const text = await (await fetch(`${h.url}/metrics`)).text();
    expect(text).toContain('warden_serve_signal_requests_total{signal="metrics",outcome="forwarded"} 2');
    expect(text).toContain('warden_serve_signal_requests_total{signal="logs",outcome="forwarded"} 2');
  });

  it("without --forward answers an empty success in the request's encoding and counts it; never 405 to a POST", async () => {
    const h = await serve({});
    const json = await fetch(`${h.url}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceMetrics":[]}' });
    expect(json.status).toBe(200);
    expect(await json.text()).toBe('{}');
    const proto = await fetch(`${h.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array([0x0a, 0x00]),
    });
    expect(proto.status).toBe(200);
    expect(proto.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await proto.arrayBuffer()).byteLength).toBe(0);
    const signals = simulatedSignals('app', 'grpc', h);
    cleanups.push(() => signals.shutdown());
    signals.logger.emit({ body: 'hello' });
    await signals.flush();
    const bad = await fetch(`${h.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceLogs": 1}' });
    expect(bad.status).toBe(400);
    const text = await (await fetch(`${h.url}/metrics`)).text();
    expect(text).toContain('warden_serve_signal_requests_total{signal="metrics",outcome="discarded"} 1');
    expect(text).toContain('warden_serve_signal_requests_total{signal="logs",outcome="discarded"} 2');
    expect(text).toContain('warden_serve_signal_requests_total{signal="logs",outcome="malformed"} 1');
  });
});
