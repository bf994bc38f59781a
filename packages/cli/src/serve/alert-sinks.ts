/**
 * Where `warden serve` sends alerts (besides the AlertHistory behind GET /alerts): Server-Sent Events
 * subscribers, a webhook with retries, a JSONL file and OTLP logs downstream. Every sink is
 * bounded and none can fail the ingest path: failures are counted and reported.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { ATTR_SERVICE_NAME, reportInternalError, type Alert, type Severity } from '@warden/core';
import type { ServeMetrics } from './serve-metrics';

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly maxClients: number, heartbeatMs = 15_000) {
    // A comment line keeps proxies from closing an idle stream.
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over the response as an event stream; false when the subscriber limit is reached. */
  subscribe(res: ServerResponse, backlog: Alert[]): boolean {
    if (this.clients.size >= this.maxClients) return false;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    for (const alert of backlog) res.write(sseEvent(alert));
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    return true;
  }

  publish(alert: Alert): void {
    this.write(sseEvent(alert));
  }

  /** Any other named event (e.g. `resolved`) with a JSON payload. */
  publishRaw(event: string, data: unknown): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(chunk: string): void {
    for (const res of this.clients) {
      // A slow subscriber whose buffer keeps growing is cut off rather than held in memory.
      if (res.writableLength > 1_000_000) {
        res.destroy();
        this.clients.delete(res);
        continue;
      }
      res.write(chunk);
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}

function sseEvent(alert: Alert): string {
  return `event: alert\nid: ${alert.id}\ndata: ${JSON.stringify(alert)}\n\n`;
}

export interface WebhookOptions {
  url: string;
  maxQueue: number;
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
}

/** POSTs each alert as JSON, in order, retrying with exponential backoff. */
export class WebhookSink {
  private readonly queue: Alert[] = [];
  private running = false;
  private readonly idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly options: WebhookOptions, private readonly metrics: ServeMetrics) {}

  get depth(): number {
    return this.queue.length;
  }

  send(alert: Alert): void {
    if (this.closed || this.queue.length >= this.options.maxQueue) {
      this.metrics.webhookDropped++;
      return;
    }
    this.queue.push(alert);
    if (!this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const alert = this.queue[0]!;
        const delivered = await this.deliver(alert);
        this.queue.shift();
        if (delivered) this.metrics.webhookDeliveries++;
        else this.metrics.webhookDropped++;
      }
    } finally {
      this.running = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async deliver(alert: Alert): Promise<boolean> {
    const body = JSON.stringify(alert);
    let backoff = this.options.initialBackoffMs;
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      try {
        const res = await fetch(this.options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return true;
        // A 4xx other than 408/429 will not get better by retrying.
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
          this.metrics.webhookFailures++;
          return false;
        }
      } catch {
        // network error or timeout: retry below
      }
      this.metrics.webhookFailures++;
      if (attempt < this.options.maxAttempts && !this.closed) {
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs);
      } else if (this.closed) {
        return false;
      }
    }
    return false;
  }

  /** Resolves when the queue is empty or after `timeoutMs`, whichever comes first. */
  async flush(timeoutMs: number): Promise<void> {
    if (!this.running && this.queue.length === 0) return;
    await Promise.race([
      new Promise<void>((r) => this.idleWaiters.push(r)),
      new Promise<void>((r) => setTimeout(r, timeoutMs).unref()),
    ]);
  }

  close(): void {
    this.closed = true;
  }
}

/** Appends one alert per line. */
export class JsonlFileSink {
  private readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path, { flags: 'a' });
    this.stream.on('error', (e) => reportInternalError('serve.alertsFile', e));
  }

  write(alert: Alert): void {
    this.stream.write(`${JSON.stringify(alert)}\n`);
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => this.stream.end(r));
  }
}

const SEVERITY_NUMBER: Record<Severity, number> = { low: 9, medium: 13, high: 17, critical: 21 };

/** The alert's event attributes (as the analyzer names them) for a log record. */
export type AlertAttributes = (alert: Alert) => Record<string, string | number | boolean>;

/** Warden's own log-record attributes beyond the alert event's: where it applies, and the whole alert. */
const ATTR_ALERT_SUBJECT_PREFIX = 'warden.alert.subject.';
const ATTR_ALERT_CONTROLS = 'warden.alert.controls';
const ATTR_ALERT_JSON = 'warden.alert.json';

/** OTLP/JSON logs, one log record per alert, resource service.name = `serviceName`. */
export function alertsToOtlpLogs(alerts: Alert[], attributesOf: AlertAttributes, serviceName: string): unknown {
  return {
    resourceLogs: [
      {
        resource: { attributes: [kv(ATTR_SERVICE_NAME, serviceName)] },
        scopeLogs: [
          {
            scope: { name: 'warden.serve' },
            logRecords: alerts.map((a) => {
              const attributes = [
                ...Object.entries(attributesOf(a)).map(([k, v]) => kv(k, v)),
                ...Object.entries(a.subject)
                  .filter(([, v]) => typeof v === 'string')
                  .map(([k, v]) => kv(`${ATTR_ALERT_SUBJECT_PREFIX}${k}`, v as string)),
                kv(ATTR_ALERT_CONTROLS, a.controls.join(',')),
                kv(ATTR_ALERT_JSON, JSON.stringify(a)),
              ];
              const traceId = a.traceIds[0];
              return {
                timeUnixNano: `${BigInt(Date.parse(a.time) || Date.now()) * 1_000_000n}`,
                observedTimeUnixNano: `${BigInt(Date.now()) * 1_000_000n}`,
                severityNumber: SEVERITY_NUMBER[a.severity],
                severityText: a.severity.toUpperCase(),
                body: { stringValue: a.message },
                attributes,
                ...(traceId && /^[0-9a-f]{32}$/.test(traceId) ? { traceId } : {}),
              };
            }),
          },
        ],
      },
    ],
  };
}

function kv(key: string, value: string | number | boolean): { key: string; value: Record<string, unknown> } {
  if (typeof value === 'boolean') return { key, value: { boolValue: value } };
  if (typeof value === 'number') return { key, value: Number.isInteger(value) ? { intValue: value } : { doubleValue: value } };
  return { key, value: { stringValue: value } };
}

/** Exports alerts downstream as OTLP logs, coalescing those raised in the same tick. */
export class OtlpLogSink {
  private pending: Alert[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly url: string,
    private readonly attributesOf: AlertAttributes,
    private readonly metrics: ServeMetrics,
    private readonly maxPending: number,
    private readonly timeoutMs: number,
  ) {}

  send(alert: Alert): void {
    if (this.pending.length >= this.maxPending) {
      this.metrics.alertLogFailures++;
      return;
    }
    this.pending.push(alert);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.exportPending());
    }
  }

  private exportPending(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const p = fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alertsToOtlpLogs(batch, this.attributesOf, 'warden-serve')),
      signal: AbortSignal.timeout(this.timeoutMs),
    })
      .then(async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) this.metrics.alertLogExports += batch.length;
        else this.metrics.alertLogFailures += batch.length;
      })
      .catch(() => {
        this.metrics.alertLogFailures += batch.length;
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  async flush(): Promise<void> {
    if (this.scheduled) this.exportPending();
    await Promise.all([...this.inFlight]);
  }
}
