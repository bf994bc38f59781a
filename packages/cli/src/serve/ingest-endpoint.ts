/**
 * POST /v1/traces, /v1/metrics, /v1/logs (OTLP/HTTP): checks media type and encoding, reads the
 * body within the size limit and the shared in-flight byte budget, hands traces to TraceIngest
 * and metrics and logs to the SignalRelay, and answers in OTLP terms.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { reportInternalError } from '@warden/core/internal';
import { encodeRpcStatus, encodeTraceResponse, type OtlpEncoding } from './otlp-decode';
import { httpStatusOf, type OtlpSignal } from './export-outcome';
import type { SignalRelay } from './otlp-signals';
import type { AccessControl } from './access-control';
import type { ServeMetrics } from './serve-metrics';
import type { TraceIngest, TraceIngestResult } from './trace-ingest';

class BodyTooLarge extends Error {}
class OverBudget extends Error {}
class BodyTooSlow extends Error {}

/** How fast a body must arrive: at least `minBytesPerSecond` on average once `graceMs` have passed. */
export interface BodyPace {
  minBytesPerSecond: number;
  graceMs: number;
}

/**
 * Reads the body up to `limit` bytes; `admit(n)` may refuse a chunk (memory budget). A body that
 * trickles in slower than `pace` is abandoned (408), so slow senders cannot hold connections and
 * the in-flight byte budget for as long as they like.
 */
function readBody(req: IncomingMessage, limit: number, admit: (bytes: number) => boolean, pace: BodyPace): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const started = Date.now();
    const check = setInterval(
      () => {
        const elapsed = Date.now() - started;
        if (elapsed >= pace.graceMs && (size * 1000) / elapsed < pace.minBytesPerSecond) stop(new BodyTooSlow());
      },
      Math.max(50, Math.min(1_000, pace.graceMs / 2)),
    );
    check.unref();
    const stop = (error: Error): void => {
      clearInterval(check);
      req.removeAllListeners('data');
      req.resume();
      reject(error);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return stop(new BodyTooLarge());
      if (!admit(chunk.length)) return stop(new OverBudget());
      chunks.push(chunk);
    });
    req.on('end', () => {
      clearInterval(check);
      resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (e) => {
      clearInterval(check);
      reject(e);
    });
    req.on('close', () => clearInterval(check));
  });
}

export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

function encodingOf(contentType: string): OtlpEncoding | undefined {
  if (contentType === 'application/x-protobuf' || contentType === 'application/protobuf') return 'protobuf';
  if (contentType === 'application/json') return 'json';
  return undefined;
}

function contentTypeOf(encoding: OtlpEncoding): string {
  return encoding === 'json' ? 'application/json' : 'application/x-protobuf';
}

export function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  if (!res.headersSent) res.writeHead(status, headers);
  res.end(body);
}

const STATUS_OF: Record<Exclude<TraceIngestResult['status'], 'accepted'>, number> = {
  throttled: 429,
  malformed: 400,
  'too-large': 413,
  draining: 503,
};

export interface IngestEndpointOptions {
  maxBodyBytes: number;
  maxInflightBytes: number;
  retryAfterSeconds: number;
  minBodyBytesPerSecond: number;
  bodyGraceMs: number;
}

export class IngestEndpoint {
  /** Bytes of bodies held by all requests being read or decoded (the /metrics gauge). */
  bodyBytesInFlight = 0;

  constructor(
    private readonly ingest: TraceIngest,
    private readonly options: IngestEndpointOptions,
    private readonly metrics: ServeMetrics,
    private readonly relay: SignalRelay,
    private readonly access: AccessControl,
  ) {}

  /**
   * Takes `bytes` of a body into the in-flight budget (false: over it, answer "throttled").
   * One body is always let through, else a large one could never pass; `held` is what the
   * caller holds already. Shared by OTLP/HTTP and OTLP/gRPC.
   */
  hold(bytes: number, held = 0): boolean {
    if (this.bodyBytesInFlight + bytes > this.options.maxInflightBytes && this.bodyBytesInFlight > held) return false;
    this.bodyBytesInFlight += bytes;
    return true;
  }

  release(bytes: number): void {
    this.bodyBytesInFlight -= bytes;
  }

  /** Handles one POST of an OTLP signal; never rejects (a failure answers 500). */
  handle(req: IncomingMessage, res: ServerResponse, signal: OtlpSignal = 'traces'): void {
    this.handleExport(req, res, signal).catch((e) => {
      reportInternalError('serve.handleTraces', e);
      this.metrics.countRequest(500);
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  }

  private sendOtlpError(res: ServerResponse, encoding: OtlpEncoding, status: number, message: string, extra: Record<string, string> = {}): void {
    this.metrics.countRequest(status);
    send(res, status, encodeRpcStatus(encoding, status === 429 || status === 503 ? 14 : status === 401 ? 16 : 3, message), {
      'content-type': contentTypeOf(encoding),
      ...extra,
    });
  }

  private async handleExport(req: IncomingMessage, res: ServerResponse, signal: OtlpSignal): Promise<void> {
    const { options, metrics } = this;
    const contentType = mediaType(req.headers['content-type']);
    const encoding = encodingOf(contentType);
    if (!encoding) {
      metrics.countRequest(415);
      req.resume();
      send(res, 415, 'Content-Type must be application/x-protobuf or application/json\n', { 'content-type': 'text/plain' });
      return;
    }
    const contentEncoding = mediaType(req.headers['content-encoding']);
    if (contentEncoding !== '' && contentEncoding !== 'gzip' && contentEncoding !== 'identity') {
      req.resume();
      this.sendOtlpError(res, encoding, 415, `unsupported Content-Encoding ${contentEncoding}`);
      return;
    }
    const retryAfter = { 'retry-after': String(options.retryAfterSeconds) };
    if (this.ingest.draining) {
      req.resume();
      this.sendOtlpError(res, encoding, 503, 'shutting down', retryAfter);
      return;
    }
    if (!this.access.authorized(req, 'ingest')) {
      metrics.authFailures++;
      req.resume();
      // Not retryable: the sender's configuration is wrong, not the receiver's load.
      this.sendOtlpError(res, encoding, 401, 'unauthenticated: send Authorization: Bearer <token>', {
        'www-authenticate': 'Bearer realm="warden serve"',
      });
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxBodyBytes) {
      metrics.oversizedBodies++;
      // Answer without reading the body, then drop the connection once the answer is out.
      res.on('finish', () => req.destroy());
      this.sendOtlpError(res, encoding, 413, `body exceeds ${options.maxBodyBytes} bytes`, { connection: 'close' });
      return;
    }
    // Bodies held by all requests being read or decoded are bounded, so many concurrent
    // senders cannot take the memory the queue bound is there to protect.
    let held = 0;
    let raw: Buffer;
    try {
      raw = await readBody(
        req,
        options.maxBodyBytes,
        (bytes) => {
          if (!this.hold(bytes, held)) return false;
          held += bytes;
          return true;
        },
        { minBytesPerSecond: options.minBodyBytesPerSecond, graceMs: options.bodyGraceMs },
      );
    } catch (e) {
      this.bodyBytesInFlight -= held;
      if (e instanceof BodyTooLarge) {
        metrics.oversizedBodies++;
        this.sendOtlpError(res, encoding, 413, `body exceeds ${options.maxBodyBytes} bytes`, { connection: 'close' });
      } else if (e instanceof BodyTooSlow) {
        metrics.slowBodies++;
        res.on('finish', () => req.destroy());
        metrics.countRequest(408);
        send(res, 408, `body slower than ${options.minBodyBytesPerSecond} bytes/s\n`, { 'content-type': 'text/plain', connection: 'close' });
      } else if (e instanceof OverBudget) {
        metrics.bodiesOverBudget++;
        this.sendOtlpError(res, encoding, 429, 'too many request bodies in flight', retryAfter);
      } else {
        metrics.countRequest(400);
        res.destroy();
      }
      return;
    }
    if (signal !== 'traces') {
      try {
        await this.answerSignal(res, signal, raw, encoding, contentEncoding);
      } finally {
        this.bodyBytesInFlight -= held;
      }
      return;
    }
    let result: TraceIngestResult;
    try {
      result = await this.ingest.ingest({
        raw,
        encoding,
        contentEncoding: contentEncoding === '' ? undefined : (contentEncoding as 'gzip' | 'identity'),
        contentType: req.headers['content-type'] ?? contentType,
      });
    } finally {
      this.bodyBytesInFlight -= held;
    }
    if (result.status === 'accepted') {
      metrics.countRequest(200);
      send(res, 200, encodeTraceResponse(encoding, result.partial), { 'content-type': contentTypeOf(encoding) });
      return;
    }
    const status = STATUS_OF[result.status];
    this.sendOtlpError(res, encoding, status, result.message, status === 429 || status === 503 ? retryAfter : {});
  }

  /** Metrics and logs: relayed downstream (or answered empty when there is nowhere to send them). */
  private async answerSignal(res: ServerResponse, signal: 'metrics' | 'logs', raw: Buffer, encoding: OtlpEncoding, contentEncoding: string): Promise<void> {
    const answer = await this.relay.relay({ signal, body: raw, encoding, contentEncoding: contentEncoding === 'gzip' ? 'gzip' : undefined });
    const { outcome } = answer;
    if (outcome.kind === 'ok') {
      this.metrics.countRequest(200);
      send(res, 200, answer.body ?? Buffer.alloc(0), { 'content-type': contentTypeOf(encoding) });
      return;
    }
    const status = httpStatusOf(outcome);
    const retry: Record<string, string> =
      outcome.kind === 'throttled' || outcome.kind === 'unavailable' ? { 'retry-after': String(outcome.retryAfterSeconds) } : {};
    this.sendOtlpError(res, encoding, status, outcome.message, retry);
  }
}
