/**
 * Transport-neutral trace ingest: one OTLP ExportTraceServiceRequest body in, an outcome out.
 * Decompresses (bounded), decodes, maps GenAI spans to records, queues them whole or not at all,
 * feeds the posture ledger and forwards the original bytes. OTLP/HTTP (and any other transport)
 * only translates the outcome into its status codes.
 */
import { ParentAgents } from './parent-agent';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { CallRecord } from '@warden/core';
import { reportInternalError } from '@warden/core/internal';
import type { AnalyzerPump } from './analyzer-pump';
import type { FleetAnalyzer } from './fleet-analyzer';
import type { FleetPosture } from './fleet-posture';
import type { Forwarder } from './forwarder';
import type { IngestQueue } from './ingest-queue';
import { decodeTraceRequest, MalformedOtlpError, type OtlpEncoding } from './otlp-decode';
import type { ServeMetrics } from './serve-metrics';

const gunzipAsync = promisify(gunzip);

export type TraceIngestResult =
  | { status: 'accepted'; partial?: { rejectedSpans: number; errorMessage: string } }
  | { status: 'throttled' | 'malformed' | 'too-large' | 'draining'; message: string };

export interface TraceIngestBody {
  /** The body as received (possibly gzip-compressed). */
  raw: Buffer;
  encoding: OtlpEncoding;
  /** 'gzip' when `raw` is compressed; 'identity' or none when not (forwarded as received). */
  contentEncoding?: 'gzip' | 'identity';
  /** Content-Type to forward `raw` with (defaults to the encoding's). */
  contentType?: string;
}

export class TraceIngest {
  /** Tool spans without an agent take their parent span's (see parent-agent.ts). */
  private readonly parentAgents = new ParentAgents();
  /** Set on shutdown: every later body is refused with 'draining'. */
  draining = false;

  constructor(
    private readonly deps: {
      fleet: FleetAnalyzer;
      queue: IngestQueue<CallRecord>;
      pump: AnalyzerPump;
      posture: FleetPosture;
      forwarder: Forwarder | undefined;
      metrics: ServeMetrics;
      maxBodyBytes: number;
    },
  ) {}

  async ingest(body: TraceIngestBody): Promise<TraceIngestResult> {
    const { fleet, queue, pump, posture, forwarder, metrics, maxBodyBytes } = this.deps;
    if (this.draining) return { status: 'draining', message: 'shutting down' };
    let decompressed = body.raw;
    if (body.contentEncoding === 'gzip') {
      try {
        decompressed = await gunzipAsync(body.raw, { maxOutputLength: maxBodyBytes });
      } catch (e) {
        if (e instanceof RangeError || (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          metrics.oversizedBodies++;
          return { status: 'too-large', message: `decompressed body exceeds ${maxBodyBytes} bytes` };
        }
        metrics.malformedBodies++;
        return { status: 'malformed', message: 'body is not valid gzip' };
      }
    }
    let decoded;
    try {
      decoded = decodeTraceRequest(decompressed, body.encoding);
    } catch (e) {
      if (!(e instanceof MalformedOtlpError)) reportInternalError('serve.decode', e);
      metrics.malformedBodies++;
      return { status: 'malformed', message: (e as Error).message };
    }
    metrics.spansReceived += decoded.totalSpans;
    const records: CallRecord[] = [];
    const parents: (string | undefined)[] = [];
    let ignored = 0;
    for (const { span, service } of decoded.spans) {
      let record: CallRecord | undefined;
      try {
        record = fleet.toRecord(span, service);
      } catch (e) {
        reportInternalError('serve.toRecord', e);
      }
      if (record) {
        records.push(record);
        parents.push(span.parentSpanContext?.spanId);
      } else ignored++;
    }
    this.parentAgents.fill(records, parents);
    if (!queue.pushBatch(records)) {
      metrics.spansThrottled += decoded.totalSpans;
      return { status: 'throttled', message: 'analyzer queue is full' };
    }
    metrics.spansIgnored += ignored;
    metrics.spansRejected += decoded.rejectedSpans;
    // Only once accepted: a throttled request comes again and must not count twice.
    for (const { span } of decoded.spans) posture.observeSpan(span);
    if (records.length > 0) pump.schedule();
    forwarder?.forward(
      '/v1/traces',
      body.raw,
      body.contentType ?? (body.encoding === 'json' ? 'application/json' : 'application/x-protobuf'),
      body.contentEncoding,
    );
    return decoded.rejectedSpans > 0
      ? {
          status: 'accepted',
          partial: { rejectedSpans: decoded.rejectedSpans, errorMessage: `rejected malformed spans: ${decoded.rejectReasons.join('; ')}` },
        }
      : { status: 'accepted' };
  }
}
