/**
 * examples/collector/otel-collector-config.yaml, checked against `warden serve` as far as it can
 * be without a Collector binary: the replica command in its header parses, the loadbalancing
 * exporter points at serve's gRPC port, and an OTLP/gRPC client configured as that exporter is
 * (gzip, the bearer header) is accepted.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Metadata } from '@grpc/grpc-js';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpGrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startServe } from './serve';
import { parseServeArgs } from './serve-command';
import { parseServeOptions, type ServeOptionsInput } from './serve-options';

const CONFIG = fileURLToPath(new URL('../../../../examples/collector/otel-collector-config.yaml', import.meta.url));
const TOKEN = 't'.repeat(32);

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface LoadBalancing {
  protocol: { otlp: { compression?: string; headers?: Record<string, string> } };
  resolver: { static: { hostnames: string[] } };
}

/** The `warden serve …` command written in the file's header comment, as argv. */
function replicaCommand(text: string): string[] {
  const comment = text
    .split('\n')
    .filter((l) => l.startsWith('#'))
    .map((l) => l.replace(/^#\s?/, ''))
    .join('\n')
    .replace(/\\\n\s*/g, ' ');
  const line = /warden serve (.*)/.exec(comment)?.[1];
  if (!line) throw new Error('no warden serve command in the example');
  return line.trim().split(/\s+/);
}

describe('the Collector example', () => {
  it("routes to serve's own gRPC port with the bearer token, no sidecar in between", async () => {
    const text = await readFile(CONFIG, 'utf8');
    const argv = replicaCommand(text);
    const options = parseServeArgs(argv, { WARDEN_SERVE_TOKEN: TOKEN }) as ServeOptionsInput;
    const parsed = parseServeOptions(options);
    expect(parsed.grpcPort).toBe(4317);
    const lb = (parse(text) as { exporters: Record<string, LoadBalancing> }).exporters['loadbalancing/warden']!;
    for (const host of lb.resolver.static.hostnames) expect(host.endsWith(`:${parsed.grpcPort}`)).toBe(true);
    const header = lb.protocol.otlp.headers?.authorization;
    expect(header).toBe('Bearer ${env:WARDEN_SERVE_TOKEN}');

    // A client set up as that exporter is: OTLP/gRPC, gzip, the header with the token in it.
    const serve = await startServe({ port: 0, grpcPort: 0, token: TOKEN });
    cleanups.push(() => serve.close());
    const metadata = new Metadata();
    metadata.set('authorization', header!.replace('${env:WARDEN_SERVE_TOKEN}', TOKEN));
    const exporter = new OtlpGrpcTraceExporter({
      url: `http://127.0.0.1:${serve.grpcPort}`,
      metadata,
      compression: lb.protocol.otlp.compression as never,
    });
    cleanups.push(() => exporter.shutdown());
    const memory = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('t');
    tracer.startSpan('chat gpt-4o', { attributes: { 'gen_ai.operation.name': 'chat' } }).end();
    const result = await new Promise<ExportResult>((r) => exporter.export(memory.getFinishedSpans(), r));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    await serve.whenIdle();
    expect(serve.metrics.spansAnalyzed).toBe(1);
  });
});
