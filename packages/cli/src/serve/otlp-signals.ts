/**
 * Metrics and logs sent to `warden serve`. An app that points OTEL_EXPORTER_OTLP_ENDPOINT at
 * serve sends all three signals there; serve analyses only traces, so metrics and logs are
 * relayed unchanged to the `--forward` endpoint (/v1/metrics, /v1/logs), and the sender gets
 * the downstream's answer (success, partial success, or a retryable failure): nothing is
 * dropped behind the sender's back. With nowhere to forward they are answered with an empty
 * success and counted, so the sender does not retry them forever.
 */
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import protobuf from 'protobufjs';
import type { ExportOutcome } from './export-outcome';

export type RelayedSignal = 'metrics' | 'logs';
export type SignalEncoding = 'protobuf' | 'json';

export interface SignalRequest {
  signal: RelayedSignal;
  /** The body as received (still gzip-compressed when `contentEncoding` says so). */
  body: Buffer;
  encoding: SignalEncoding;
  contentEncoding?: 'gzip';
}

export interface SignalAnswer {
  outcome: ExportOutcome;
  /** Success body in the request's encoding (the downstream's own when forwarded). */
  body?: Buffer;
}

export interface SignalRelayOptions {
  /** Base URL of the downstream OTLP/HTTP endpoint; undefined = answer success and discard. */
  forwardBase: string | undefined;
  maxInFlight: number;
  timeoutMs: number;
  retryAfterSeconds: number;
  /** Largest body once decompressed. */
  maxBodyBytes: number;
}

const gunzipAsync = promisify(gunzip);

type RelayOutcome = 'forwarded' | 'discarded' | 'malformed' | 'throttled' | 'failed';
const OUTCOMES: readonly RelayOutcome[] = ['forwarded', 'discarded', 'malformed', 'throttled', 'failed'];

// The top level of ExportMetricsServiceRequest / ExportLogsServiceRequest: one repeated
// message field (resource_metrics / resource_logs = 1). Reading it as bytes checks the wire
// framing of the whole body without decoding every data point.
const framing = protobuf.Root.fromJSON({
  nested: { Export: { fields: { resources: { rule: 'repeated', type: 'bytes', id: 1 } } } },
}).lookupType('Export');
const TOP_LEVEL_FIELD: Record<RelayedSignal, string> = { metrics: 'resourceMetrics', logs: 'resourceLogs' };

/** Why the body is not an OTLP export request of this signal, or undefined when it is. */
export function malformedReason(signal: RelayedSignal, body: Buffer, encoding: SignalEncoding): string | undefined {
  if (encoding === 'protobuf') {
    try {
      framing.decode(body);
      return undefined;
    } catch (e) {
      return `protobuf body does not decode: ${(e as Error).message}`;
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (e) {
    return `JSON body does not parse: ${(e as Error).message}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return `body is not an OTLP ${signal} request`;
  const list = (parsed as Record<string, unknown>)[TOP_LEVEL_FIELD[signal]];
  if (list !== undefined && !Array.isArray(list)) return `${TOP_LEVEL_FIELD[signal]} is not a list`;
  return undefined;
}

function emptySuccess(encoding: SignalEncoding): Buffer {
  // An Export*ServiceResponse with no partial_success: no bytes in protobuf, {} in JSON.
  return encoding === 'json' ? Buffer.from('{}') : Buffer.alloc(0);
}

function retryAfterOf(header: string | null, fallback: number): number {
  const seconds = Number(header);
  return Number.isInteger(seconds) && seconds > 0 && seconds <= 3600 ? seconds : fallback;
}

export class SignalRelay {
  private inFlight = 0;
  private readonly counts = new Map<string, number>();

  constructor(private readonly options: SignalRelayOptions) {}

  /** Relayed requests being sent downstream right now. */
  get pending(): number {
    return this.inFlight;
  }

  count(signal: RelayedSignal, outcome: RelayOutcome): number {
    return this.counts.get(`${signal}\u0000${outcome}`) ?? 0;
  }

  private tally(signal: RelayedSignal, outcome: RelayOutcome): void {
    const key = `${signal}\u0000${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  async relay(request: SignalRequest): Promise<SignalAnswer> {
    let plain = request.body;
    if (request.contentEncoding === 'gzip') {
      try {
        plain = await gunzipAsync(request.body, { maxOutputLength: this.options.maxBodyBytes });
      } catch (e) {
        this.tally(request.signal, 'malformed');
        if (e instanceof RangeError || (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          return { outcome: { kind: 'too_large', message: `decompressed body exceeds ${this.options.maxBodyBytes} bytes` } };
        }
        return { outcome: { kind: 'invalid', message: 'body is not valid gzip' } };
      }
    }
    const reason = malformedReason(request.signal, plain, request.encoding);
    if (reason) {
      this.tally(request.signal, 'malformed');
      return { outcome: { kind: 'invalid', message: reason } };
    }
    const base = this.options.forwardBase;
    if (!base) {
      this.tally(request.signal, 'discarded');
      return { outcome: { kind: 'ok', response: emptySuccess('protobuf') }, body: emptySuccess(request.encoding) };
    }
    if (this.inFlight >= this.options.maxInFlight) {
      this.tally(request.signal, 'throttled');
      return { outcome: { kind: 'throttled', message: 'too many forwards in flight', retryAfterSeconds: this.options.retryAfterSeconds } };
    }
    const headers: Record<string, string> = {
      'content-type': request.encoding === 'json' ? 'application/json' : 'application/x-protobuf',
    };
    if (request.contentEncoding) headers['content-encoding'] = request.contentEncoding;
    this.inFlight++;
    try {
      const res = await fetch(`${base}/v1/${request.signal}`, {
        method: 'POST',
        headers,
        body: request.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const answer = Buffer.from(await res.arrayBuffer());
      if (res.ok) {
        this.tally(request.signal, 'forwarded');
        // Relay the downstream's response (it may carry a partial success) when it is in the
        // request's encoding; else an empty success in that encoding.
        const sameEncoding = (res.headers.get('content-type') ?? '').includes(request.encoding === 'json' ? 'json' : 'protobuf');
        return {
          outcome: { kind: 'ok', response: request.encoding === 'protobuf' && sameEncoding ? answer : emptySuccess('protobuf') },
          body: sameEncoding ? answer : emptySuccess(request.encoding),
        };
      }
      this.tally(request.signal, 'failed');
      const message = `forward target answered ${res.status}`;
      const retryAfterSeconds = retryAfterOf(res.headers.get('retry-after'), this.options.retryAfterSeconds);
      if (res.status === 429) return { outcome: { kind: 'throttled', message, retryAfterSeconds } };
      if (res.status === 400) return { outcome: { kind: 'invalid', message } };
      if (res.status === 413) return { outcome: { kind: 'too_large', message } };
      // 5xx, 408 and anything else: the sender keeps the data and tries again later.
      return { outcome: { kind: 'unavailable', message, retryAfterSeconds } };
    } catch (e) {
      this.tally(request.signal, 'failed');
      return {
        outcome: { kind: 'unavailable', message: `forward target unreachable: ${(e as Error).message}`, retryAfterSeconds: this.options.retryAfterSeconds },
      };
    } finally {
      this.inFlight--;
    }
  }

  /** Prometheus lines: warden_serve_signal_requests_total{signal,outcome}. */
  renderMetrics(): string {
    const lines = [
      '# HELP warden_serve_signal_requests_total Metrics and logs requests by what became of them (forwarded, discarded: nowhere to forward, malformed, throttled, failed downstream).',
      '# TYPE warden_serve_signal_requests_total counter',
    ];
    for (const signal of ['metrics', 'logs'] as const) {
      for (const outcome of OUTCOMES) lines.push(`warden_serve_signal_requests_total{signal="${signal}",outcome="${outcome}"} ${this.count(signal, outcome)}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
