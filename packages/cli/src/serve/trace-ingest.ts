/**
 * Transport-neutral trace ingest: one OTLP ExportTraceServiceRequest body in, an outcome out.
 * Decompresses (bounded), decodes, maps GenAI spans to records, queues them whole or not at all,
 * feeds the posture ledger and forwards the original bytes. OTLP/HTTP (and any other transport)
 * only translates the outcome into its status codes.
 */
import { type Held, ParentAgents, type SpanLink } from './parent-agent';
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
  /** Tool spans without an agent take their nearest ancestor's, waiting for it a while (see parent-agent.ts). */
  readonly parentAgents: ParentAgents;
  private expiryTimer: NodeJS.Timeout | undefined;
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
      /** How long a tool span waits for the span of the agent that ran it (ms; 0: not at all). */
      parentWaitMs?: number;
    },
  ) {
    this.parentAgents = new ParentAgents({ waitMs: deps.parentWaitMs ?? 0 });
  }

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
    const links: SpanLink[] = [];
    let ignored = 0;
    for (const { span, service } of decoded.spans) {
      let record: CallRecord | undefined;
      try {
        record = fleet.toRecord(span, service);
      } catch (e) {
        reportInternalError('serve.toRecord', e);
      }
      const { traceId, spanId } = span.spanContext();
      links.push({ traceId, spanId, parentSpanId: span.parentSpanContext?.spanId, record });
      if (!record) ignored++;
    }
    const plan = this.parentAgents.plan(links);
    if (!queue.pushBatch(plan.ready)) {
      metrics.spansThrottled += decoded.totalSpans;
      return { status: 'throttled', message: 'analyzer queue is full' };
    }
    this.parentAgents.commit(plan, Date.now());
    this.scheduleExpiry();
    metrics.spansIgnored += ignored;
    metrics.spansRejected += decoded.rejectedSpans;
    // Only once accepted: a throttled request comes again and must not count twice.
    for (const { span } of decoded.spans) posture.observeSpan(span);
    if (plan.ready.length > 0) pump.schedule();
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

  /** Sends every held tool record to the analyzer without waiting longer (shutdown). */
  async releaseHeld(): Promise<void> {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    if (this.parentAgents.held === 0) return;
    // An empty queue takes a batch of any size: wait for the analyzer to catch up first.
    await this.deps.pump.whenIdle();
    this.sendWithoutAgent(this.parentAgents.all());
  }

  /** Queues held records as they are (no agent found); false when the queue is full. */
  private sendWithoutAgent(held: Held[]): boolean {
    if (held.length === 0) return true;
    if (!this.deps.queue.pushBatch(held.map((h) => h.record))) return false;
    this.parentAgents.release(held);
    this.deps.pump.schedule();
    return true;
  }

  private scheduleExpiry(delayMs?: number): void {
    if (this.expiryTimer) return;
    const next = this.parentAgents.nextDeadline;
    if (next === undefined) return;
    this.expiryTimer = setTimeout(() => this.expire(), delayMs ?? Math.max(0, next - Date.now()) + 1);
    this.expiryTimer.unref();
  }

  /** Held tool records whose wait ran out go to the analyzer without an agent (or retry shortly when the queue is full). */
  private expire(): void {
    this.expiryTimer = undefined;
    const queued = this.sendWithoutAgent(this.parentAgents.due(Date.now()));
    this.scheduleExpiry(queued ? undefined : 250);
  }
}
