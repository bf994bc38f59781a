/**
 * OTLP/gRPC for `warden serve`: the Export method of the TraceService, MetricsService and
 * LogsService on @grpc/grpc-js, the library the OpenTelemetry JS exporters use. Messages stay
 * raw bytes (identity serializers), so traces go through the same protobuf decoding as
 * OTLP/HTTP and metrics and logs are forwarded byte for byte.
 *
 * Throttling is said the way the OTLP spec and the Collector's exporters expect it:
 * RESOURCE_EXHAUSTED (or UNAVAILABLE while draining) with a google.rpc.RetryInfo in the
 * `grpc-status-details-bin` trailer; the Collector retries RESOURCE_EXHAUSTED only when that
 * RetryInfo is present.
 */
import { Metadata, Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { reportInternalError } from '@warden/core/internal';
import type { ExportOutcome, OtlpSignal } from './export-outcome';

/** Full gRPC method path of each signal's Export call (opentelemetry-proto collector/{trace,metrics,logs}/v1). */
export const OTLP_GRPC_PATHS: Record<OtlpSignal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

/** Receives one export: the request message's bytes and the call's metadata (e.g. authorization). */
export type GrpcExportHandler = (signal: OtlpSignal, message: Buffer, metadata: Metadata) => Promise<ExportOutcome>;

export interface OtlpGrpcServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Largest request message, after decompression (grpc-js refuses larger ones with RESOURCE_EXHAUSTED). */
  maxMessageBytes: number;
  handler: GrpcExportHandler;
}

export interface OtlpGrpcServer {
  port: number;
  /** host:port, as an OTLP/gRPC exporter's endpoint (http://host:port). */
  address: string;
  /** Lets calls in progress finish (at most `graceMs`), then closes every connection. */
  close(graceMs?: number): Promise<void>;
}

// google.rpc.Status with details, google.protobuf.Any, google.rpc.RetryInfo, google.protobuf.Duration.
const statusRoot = protobuf.Root.fromJSON({
  nested: {
    Status: {
      fields: {
        code: { type: 'int32', id: 1 },
        message: { type: 'string', id: 2 },
        details: { rule: 'repeated', type: 'Any', id: 3 },
      },
    },
    Any: { fields: { typeUrl: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
    RetryInfo: { fields: { retryDelay: { type: 'Duration', id: 1 } } },
    Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
  },
});
const StatusType = statusRoot.lookupType('Status');
const RetryInfoType = statusRoot.lookupType('RetryInfo');
const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';
const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/** The `grpc-status-details-bin` value: a google.rpc.Status carrying a RetryInfo. */
export function encodeRetryStatus(code: number, message: string, retryAfterSeconds: number): Buffer {
  const retryInfo = RetryInfoType.encode(RetryInfoType.create({ retryDelay: { seconds: retryAfterSeconds, nanos: 0 } })).finish();
  return Buffer.from(StatusType.encode(StatusType.create({ code, message, details: [{ typeUrl: RETRY_INFO_TYPE_URL, value: retryInfo }] })).finish());
}

/** The retry delay in seconds a failed call's trailers ask for, if any (what the Collector reads). */
export function retryDelayOf(metadata: Metadata | undefined): number | undefined {
  const raw = metadata?.get(STATUS_DETAILS_KEY)[0];
  if (!Buffer.isBuffer(raw)) return undefined;
  const decoded = StatusType.toObject(StatusType.decode(raw), { longs: Number }) as { details?: Array<{ typeUrl: string; value: Uint8Array }> };
  const detail = decoded.details?.find((d) => d.typeUrl === RETRY_INFO_TYPE_URL);
  if (!detail) return undefined;
  const info = RetryInfoType.toObject(RetryInfoType.decode(detail.value), { longs: Number }) as { retryDelay?: { seconds?: number; nanos?: number } };
  return (info.retryDelay?.seconds ?? 0) + (info.retryDelay?.nanos ?? 0) / 1e9;
}

interface GrpcError {
  code: status;
  details: string;
  metadata?: Metadata;
}

function grpcErrorOf(outcome: Exclude<ExportOutcome, { kind: 'ok' }>): GrpcError {
  switch (outcome.kind) {
    case 'throttled':
    case 'unavailable': {
      const code = outcome.kind === 'throttled' ? status.RESOURCE_EXHAUSTED : status.UNAVAILABLE;
      const metadata = new Metadata();
      metadata.set(STATUS_DETAILS_KEY, encodeRetryStatus(code, outcome.message, outcome.retryAfterSeconds));
      return { code, details: outcome.message, metadata };
    }
    case 'invalid':
      return { code: status.INVALID_ARGUMENT, details: outcome.message };
    // As grpc-js itself answers a message over the limit; without RetryInfo it is not retried.
    case 'too_large':
      return { code: status.RESOURCE_EXHAUSTED, details: outcome.message };
    case 'unauthenticated':
      return { code: status.UNAUTHENTICATED, details: outcome.message };
    case 'failed':
      return { code: status.INTERNAL, details: outcome.message };
  }
}

const identity = (b: Buffer): Buffer => b;

function exportMethod(path: string): ServiceDefinition {
  return {
    Export: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
}

export async function startOtlpGrpcServer(options: OtlpGrpcServerOptions): Promise<OtlpGrpcServer> {
  const server = new Server({
    'grpc.max_receive_message_length': options.maxMessageBytes,
    // Idle connections from routed Collectors live long; keepalive finds dead ones.
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
  });
  for (const [signal, path] of Object.entries(OTLP_GRPC_PATHS) as Array<[OtlpSignal, string]>) {
    server.addService(exportMethod(path), {
      Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        options.handler(signal, call.request, call.metadata).then(
          (outcome) => {
            if (outcome.kind === 'ok') callback(null, outcome.response);
            else callback(grpcErrorOf(outcome));
          },
          (e: unknown) => {
            reportInternalError('serve.grpc', e);
            callback({ code: status.INTERNAL, details: 'internal error' });
          },
        );
      },
    });
  }
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  let closed: Promise<void> | undefined;
  return {
    port,
    address: `${host}:${port}`,
    close(graceMs = 5_000) {
      closed ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      return closed;
    },
  };
}
