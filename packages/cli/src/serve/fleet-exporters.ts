/**
 * One simulated service of the fleet: a BasicTracerProvider with its resource, exporting over
 * the SDK's own OTLP exporter to `warden serve`, and optionally analysed in-process as well.
 * For tests and the bench only.
 */
import { OTLPTraceExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Tracer } from '@opentelemetry/api';
import { ATTR_SERVICE_NAME } from '@warden/core';

export type FleetProtocol = 'http/protobuf' | 'http/protobuf+gzip' | 'http/json';

export interface SimulatedService {
  name: string;
  tracer: Tracer;
  /** Sends every ended span to `warden serve` (one request) and waits for the answer. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function simulatedService(
  name: string,
  protocol: FleetProtocol,
  serveUrl: string,
  extraProcessors: SpanProcessor[] = [],
): SimulatedService {
  const url = `${serveUrl}/v1/traces`;
  const exporter =
    protocol === 'http/json'
      ? new OtlpHttpJsonExporter({ url, timeoutMillis: 20_000 })
      : new OtlpProtoExporter({
          url,
          timeoutMillis: 20_000,
          // The legacy config types compression as a string enum this package does not re-export.
          ...(protocol === 'http/protobuf+gzip' ? { compression: 'gzip' as never } : {}),
        });
  // One export per flush, so spans reach `warden serve` in the order they ended.
  const batch = new BatchSpanProcessor(exporter, {
    maxQueueSize: 100_000,
    maxExportBatchSize: 100_000,
    scheduledDelayMillis: 3_600_000,
    exportTimeoutMillis: 20_000,
  });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: name }),
    spanProcessors: [...extraProcessors, batch],
  });
  return {
    name,
    tracer: provider.getTracer('warden-serve-fleet'),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
