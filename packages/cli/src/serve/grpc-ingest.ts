/**
 * What `warden serve` does with an OTLP/gRPC export: the same as with OTLP/HTTP. Traces go
 * through TraceIngest (same queue, limits and counts), metrics and logs through the SignalRelay,
 * and the in-flight body budget is the one HTTP bodies share. Requests are counted under the
 * HTTP status their outcome corresponds to, so /metrics adds both transports up.
 */
import type { AccessControl } from './access-control';
import { httpStatusOf, type ExportOutcome } from './export-outcome';
import type { IngestEndpoint } from './ingest-endpoint';
import { encodeTraceResponse } from './otlp-decode';
import type { GrpcExportHandler } from './otlp-grpc';
import type { SignalRelay } from './otlp-signals';
import type { ServeMetrics } from './serve-metrics';
import type { TraceIngest, TraceIngestResult } from './trace-ingest';

export interface GrpcIngestDeps {
  ingest: TraceIngest;
  relay: SignalRelay;
  endpoint: IngestEndpoint;
  metrics: ServeMetrics;
  /** The same bearer token as OTLP/HTTP, from the `authorization` metadata. */
  access: AccessControl;
  retryAfterSeconds: number;
}

function traceOutcome(result: TraceIngestResult, retryAfterSeconds: number): ExportOutcome {
  switch (result.status) {
    case 'accepted':
      return { kind: 'ok', response: encodeTraceResponse('protobuf', result.partial) };
    case 'throttled':
      return { kind: 'throttled', message: result.message, retryAfterSeconds };
    case 'draining':
      return { kind: 'unavailable', message: result.message, retryAfterSeconds };
    case 'malformed':
      return { kind: 'invalid', message: result.message };
    case 'too-large':
      return { kind: 'too_large', message: result.message };
  }
}

export function grpcIngestHandler(deps: GrpcIngestDeps): GrpcExportHandler {
  const { ingest, relay, endpoint, metrics, access, retryAfterSeconds } = deps;

  async function outcomeOf(signal: Parameters<GrpcExportHandler>[0], message: Buffer): Promise<ExportOutcome> {
    if (ingest.draining) return { kind: 'unavailable', message: 'shutting down', retryAfterSeconds };
    // grpc-js has read the message already; holding it in the budget still bounds how many are
    // decoded at once, as for HTTP bodies.
    if (!endpoint.hold(message.length)) {
      metrics.bodiesOverBudget++;
      return { kind: 'throttled', message: 'too many request bodies in flight', retryAfterSeconds };
    }
    try {
      if (signal === 'traces') return traceOutcome(await ingest.ingest({ raw: message, encoding: 'protobuf' }), retryAfterSeconds);
      return (await relay.relay({ signal, body: message, encoding: 'protobuf' })).outcome;
    } finally {
      endpoint.release(message.length);
    }
  }

  return async (signal, message, metadata) => {
    if (!access.bearerAllowed(metadata.get('authorization')[0], 'ingest')) {
      metrics.authFailures++;
      metrics.countRequest(401);
      return { kind: 'unauthenticated', message: 'send authorization: Bearer <token> metadata' };
    }
    const outcome = await outcomeOf(signal, message);
    metrics.countRequest(httpStatusOf(outcome));
    return outcome;
  };
}
