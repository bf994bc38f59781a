import { credentials, makeGenericClientConstructor, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { OTLPTraceExporter as OtlpGrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportOutcome, OtlpSignal } from './export-outcome';
import { decodeTraceRequest } from './otlp-decode';
import { OTLP_GRPC_PATHS, retryDelayOf, startOtlpGrpcServer, type OtlpGrpcServer } from './otlp-grpc';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function spans(n: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'grpc-test' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('t');
  for (let i = 0; i < n; i++) tracer.startSpan(`chat m${i}`, { attributes: { 'gen_ai.operation.name': 'chat' } }).end();
  return memory.getFinishedSpans();
}

async function server(
  outcomes: ExportOutcome[],
  received: Array<{ signal: OtlpSignal; message: Buffer; auth?: string }>,
  maxMessageBytes = 1 << 20,
): Promise<OtlpGrpcServer> {
  const s = await startOtlpGrpcServer({
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes,
    handler: async (signal, message, metadata) => {
      received.push({ signal, message, auth: metadata.get('authorization')[0] as string | undefined });
      return outcomes.shift() ?? { kind: 'ok', response: Buffer.alloc(0) };
    },
  });
  cleanups.push(() => s.close(100));
  return s;
}

function exportWith(exporter: OtlpGrpcTraceExporter, batch: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(batch, resolve));
}

describe('OTLP/gRPC receiver', () => {
  it("hands the real OTel gRPC exporter's request bytes to the handler, which decode as the HTTP ones do", async () => {
    const received: Array<{ signal: OtlpSignal; message: Buffer; auth?: string }> = [];
    const s = await server([], received);
    for (const compression of ['none', 'gzip'] as const) {
      const exporter = new OtlpGrpcTraceExporter({ url: `http://${s.address}`, compression: compression as never, metadata: bearer('t0k') });
      cleanups.push(() => exporter.shutdown());
      const result = await exportWith(exporter, spans(3));
      expect(result.code).toBe(ExportResultCode.SUCCESS);
    }
    expect(received.map((r) => r.signal)).toEqual(['traces', 'traces']);
    expect(received[0]!.auth).toBe('Bearer t0k');
    for (const r of received) {
      const decoded = decodeTraceRequest(r.message, 'protobuf');
      expect(decoded.totalSpans).toBe(3);
      expect(decoded.spans.map((d) => d.service)).toEqual(['grpc-test', 'grpc-test', 'grpc-test']);
    }
  });

  it('says throttling as RESOURCE_EXHAUSTED with RetryInfo, draining as UNAVAILABLE, bad input as INVALID_ARGUMENT', async () => {
    const received: Array<{ signal: OtlpSignal; message: Buffer }> = [];
    const s = await server(
      [
        { kind: 'throttled', message: 'analyzer queue is full', retryAfterSeconds: 3 },
        { kind: 'unavailable', message: 'shutting down', retryAfterSeconds: 1 },
        { kind: 'invalid', message: 'not OTLP' },
        { kind: 'unauthenticated', message: 'bearer token required' },
      ],
      received,
    );
    const exporter = new OtlpGrpcTraceExporter({ url: `http://${s.address}` });
    cleanups.push(() => exporter.shutdown());
    const errors: ServiceError[] = [];
    for (let i = 0; i < 4; i++) {
      const result = await exportWith(exporter, spans(1));
      expect(result.code).toBe(ExportResultCode.FAILED);
      errors.push(result.error as unknown as ServiceError);
    }
    expect(errors.map((e) => e.code)).toEqual([status.RESOURCE_EXHAUSTED, status.UNAVAILABLE, status.INVALID_ARGUMENT, status.UNAUTHENTICATED]);
    expect(errors[0]!.details).toBe('analyzer queue is full');
    expect(retryDelayOf(errors[0]!.metadata)).toBe(3);
    expect(retryDelayOf(errors[1]!.metadata)).toBe(1);
    expect(retryDelayOf(errors[2]!.metadata)).toBeUndefined();
  });

  it('serves the metrics and logs services too, and refuses a message over the limit before the handler sees it', async () => {
    const received: Array<{ signal: OtlpSignal; message: Buffer }> = [];
    const s = await server([], received, 1024);
    const call = (path: string, message: Buffer): Promise<{ error: ServiceError | null; response?: Buffer }> => {
      const Client = makeGenericClientConstructor(
        {
          Export: {
            path,
            requestStream: false,
            responseStream: false,
            requestSerialize: (b: Buffer) => b,
            requestDeserialize: (b: Buffer) => b,
            responseSerialize: (b: Buffer) => b,
            responseDeserialize: (b: Buffer) => b,
          },
        },
        'Export',
      );
      const client = new Client(s.address, credentials.createInsecure()) as unknown as {
        Export(m: Buffer, md: Metadata, cb: (e: ServiceError | null, r?: Buffer) => void): void;
        close(): void;
      };
      return new Promise((resolve) =>
        client.Export(message, new Metadata(), (error, response) => {
          client.close();
          resolve({ error, response });
        }),
      );
    };
    expect((await call(OTLP_GRPC_PATHS.metrics, Buffer.from([0x0a, 0x00]))).error).toBeNull();
    expect((await call(OTLP_GRPC_PATHS.logs, Buffer.from([0x0a, 0x00]))).error).toBeNull();
    const big = await call(OTLP_GRPC_PATHS.traces, Buffer.alloc(4096, 1));
    expect(big.error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(received.map((r) => r.signal)).toEqual(['metrics', 'logs']);
  });
});

function bearer(token: string): Metadata {
  const m = new Metadata();
  m.set('authorization', `Bearer ${token}`);
  return m;
}
