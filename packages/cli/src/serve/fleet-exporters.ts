/**
 * One simulated service of the fleet: a BasicTracerProvider with its resource, exporting over
 * the SDK's own OTLP exporter to `warden serve` (OTLP/HTTP or OTLP/gRPC), and optionally
 * analysed in-process as well; and its metrics and logs, through the SDK's own exporters.
 * For tests and the bench only.
 */
import { OTLPLogExporter as OtlpGrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as OtlpProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as OtlpGrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as OtlpProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Meter, Tracer } from '@opentelemetry/api';
import type { Logger } from '@opentelemetry/api-logs';
import { ATTR_SERVICE_NAME } from '@warden/core';

export type FleetProtocol = 'http/protobuf' | 'http/protobuf+gzip' | 'http/json' | 'grpc' | 'grpc+gzip';

/** Where `warden serve` listens: its HTTP base URL and, for the gRPC protocols, its gRPC port. */
export interface ServeEndpoint {
  url: string;
  grpcPort?: number;
}

function grpcUrl(serve: ServeEndpoint): string {
  if (serve.grpcPort === undefined) throw new Error('this serve has no gRPC port');
  return `http://${new URL(serve.url).hostname}:${serve.grpcPort}`;
}

function traceExporter(protocol: FleetProtocol, serve: ServeEndpoint): SpanExporter {
  // The legacy config types compression as a string enum these packages do not re-export.
  const gzip = protocol.endsWith('+gzip') ? { compression: 'gzip' as never } : {};
  if (protocol === 'http/json') return new OtlpHttpJsonExporter({ url: `${serve.url}/v1/traces`, timeoutMillis: 20_000 });
  if (protocol.startsWith('grpc')) return new OtlpGrpcExporter({ url: grpcUrl(serve), timeoutMillis: 20_000, ...gzip });
  return new OtlpProtoExporter({ url: `${serve.url}/v1/traces`, timeoutMillis: 20_000, ...gzip });
}

export interface SimulatedService {
  name: string;
  tracer: Tracer;
  /** Sends every ended span to `warden serve` (one request) and waits for the answer. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Exports ended spans to one `warden serve` when flushed: one request per flush, so spans reach
 * it in the order they ended. As an extra processor it sends the same spans to a second serve.
 */
export function exportingProcessor(protocol: FleetProtocol, serve: string | ServeEndpoint): SpanProcessor {
  return new BatchSpanProcessor(traceExporter(protocol, typeof serve === 'string' ? { url: serve } : serve), {
    maxQueueSize: 100_000,
    maxExportBatchSize: 100_000,
    scheduledDelayMillis: 3_600_000,
    exportTimeoutMillis: 20_000,
  });
}

export function simulatedService(
  name: string,
  protocol: FleetProtocol,
  serve: string | ServeEndpoint,
  extraProcessors: SpanProcessor[] = [],
): SimulatedService {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: name }),
    spanProcessors: [...extraProcessors, exportingProcessor(protocol, serve)],
  });
  return {
    name,
    tracer: provider.getTracer('warden-serve-fleet'),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

export interface SimulatedSignals {
  meter: Meter;
  logger: Logger;
  /** Exports the metrics collected so far and every emitted log record, and waits for the answers. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** A service's metrics and logs, exported by the SDK's own OTLP exporters to `warden serve`. */
export function simulatedSignals(name: string, protocol: 'http/protobuf' | 'grpc', serve: ServeEndpoint): SimulatedSignals {
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: name });
  const grpc = protocol === 'grpc';
  const metricExporter = grpc
    ? new OtlpGrpcMetricExporter({ url: grpcUrl(serve), timeoutMillis: 20_000 })
    : new OtlpProtoMetricExporter({ url: `${serve.url}/v1/metrics`, timeoutMillis: 20_000 });
  const logExporter = grpc
    ? new OtlpGrpcLogExporter({ url: grpcUrl(serve), timeoutMillis: 20_000 })
    : new OtlpProtoLogExporter({ url: `${serve.url}/v1/logs`, timeoutMillis: 20_000 });
  // Exports only when flushed: the interval is longer than any test.
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000, exportTimeoutMillis: 20_000 });
  const meters = new MeterProvider({ resource, readers: [reader] });
  const logs = new LoggerProvider({
    resource,
    processors: [new BatchLogRecordProcessor({ exporter: logExporter, scheduledDelayMillis: 3_600_000, exportTimeoutMillis: 20_000 })],
  });
  return {
    meter: meters.getMeter('warden-serve-fleet'),
    logger: logs.getLogger('warden-serve-fleet'),
    flush: async () => {
      await Promise.all([meters.forceFlush(), logs.forceFlush()]);
    },
    shutdown: async () => {
      await Promise.all([meters.shutdown(), logs.shutdown()]);
    },
  };
}
