/**
 * Where `warden serve` sends alerts (besides the AlertHistory behind GET /alerts): Server-Sent Events
 * subscribers, a webhook with retries, a JSONL file and OTLP logs downstream. Every sink is
 * bounded and none can fail the ingest path: failures are counted and reported.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import {
  ATTR_SERVICE_NAME,
  ATTR_WARDEN_ALERT_CONTROLS,
  ATTR_WARDEN_ALERT_JSON,
  ATTR_WARDEN_ALERT_SUBJECT_PREFIX,
  type Alert,
  type Severity,
} from '@warden/core';
import { reportInternalError } from '@warden/core/internal';
import type { ServeMetrics } from './serve-metrics';

/**
 * Server-Sent Events subscribers, bounded in total and per client (remote address). A new
 * subscriber is never refused: when its client holds its share, that client's oldest stream is
 * closed; when the hub is full, the oldest stream of the client holding the most is. So idle
 * streams from one client cannot lock the live page out (EventSource reconnects on its own).
 */
export class SseHub {
  /** Subscribers in the order they came (oldest first). */
  private readonly clients = new Map<ServerResponse, string>();
  private readonly perClient = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;
  /** Streams closed to make room for a newer one. */
  displaced = 0;

  constructor(
    private readonly maxClients: number,
    private readonly maxPerClient: number = maxClients,
    heartbeatMs = 15_000,
  ) {
    // A comment line keeps proxies from closing an idle stream.
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over the response as an event stream for `client` (e.g. its remote address). */
  subscribe(res: ServerResponse, backlog: Alert[], client = ''): void {
    if ((this.perClient.get(client) ?? 0) >= this.maxPerClient) this.closeOldestOf(client);
    else if (this.clients.size >= this.maxClients) this.closeOldestOf(this.busiestClient());
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    for (const alert of backlog) res.write(sseEvent(alert));
    this.clients.set(res, client);
    this.perClient.set(client, (this.perClient.get(client) ?? 0) + 1);
    res.on('close', () => this.remove(res));
  }

  private remove(res: ServerResponse): void {
    const client = this.clients.get(res);
    if (client === undefined) return;
    this.clients.delete(res);
    const n = (this.perClient.get(client) ?? 1) - 1;
    if (n > 0) this.perClient.set(client, n);
    else this.perClient.delete(client);
  }

  private busiestClient(): string {
    let busiest = '';
    let most = -1;
    for (const [client, n] of this.perClient) {
      if (n > most) {
        busiest = client;
        most = n;
      }
    }
    return busiest;
  }

  private closeOldestOf(client: string): void {
    for (const [res, c] of this.clients) {
      if (c !== client) continue;
      this.remove(res);
      this.displaced++;
      res.end();
      return;
    }
  }

  publish(alert: Alert): void {
    this.write(sseEvent(alert));
  }

  /** Any other named event (e.g. `resolved`) with a JSON payload. */
  publishRaw(event: string, data: unknown): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(chunk: string): void {
    for (const res of [...this.clients.keys()]) {
      // A slow subscriber whose buffer keeps growing is cut off rather than held in memory.
      if (res.writableLength > 1_000_000) {
        this.remove(res);
        res.destroy();
        continue;
      }
      res.write(chunk);
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients.keys()) res.end();
    this.clients.clear();
    this.perClient.clear();
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
  /** Aborts the request in flight on close(), so shutdown never waits out a hanging webhook. */
  private readonly stopper = new AbortController();

  constructor(
    private readonly options: WebhookOptions,
    private readonly metrics: ServeMetrics,
  ) {}

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
          signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs), this.stopper.signal]),
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
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs);
      } else if (this.closed) {
        return false;
      }
    }
    return false;
  }

  /** Waits `ms`, or less when close() comes first. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.stopper.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stopper.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Resolves when the queue is empty or after `timeoutMs`, whichever comes first. */
  async flush(timeoutMs: number): Promise<void> {
    if (!this.running && this.queue.length === 0) return;
    await Promise.race([new Promise<void>((r) => this.idleWaiters.push(r)), new Promise<void>((r) => setTimeout(r, timeoutMs).unref())]);
  }

  /** Stops delivering: the request in flight is aborted, alerts still queued are dropped (counted). */
  close(): void {
    this.closed = true;
    this.stopper.abort();
    // The one being delivered is counted by run() when its attempt ends.
    const waiting = this.running ? this.queue.length - 1 : this.queue.length;
    this.metrics.webhookDropped += Math.max(0, waiting);
    this.queue.splice(this.running ? 1 : 0);
  }
}

export interface JsonlFileSinkOptions {
  /** Alerts held while the file cannot be written; more are dropped (counted). */
  maxPending: number;
  /** First wait before retrying a failed append; doubles up to `maxRetryMs`. */
  initialRetryMs: number;
  maxRetryMs: number;
}

/**
 * Appends one alert per line, created 0600. A failed append (disk full, file gone) is counted
 * and retried with backoff on a fresh file handle, the alerts held meanwhile; bytes of a torn
 * append are cut off again, and a run that finds the file ending mid-line (a crash, a full disk
 * last time) starts on a fresh line, so every line stays one whole alert.
 */
export class JsonlFileSink {
  private readonly pending: string[] = [];
  private handle: FileHandle | undefined;
  /** Bytes of whole lines in the file, as far as this process knows. */
  private size = 0;
  private running = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private readonly idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly metrics: ServeMetrics,
    private readonly options: JsonlFileSinkOptions = { maxPending: 10_000, initialRetryMs: 500, maxRetryMs: 30_000 },
  ) {
    this.backoffMs = options.initialRetryMs;
  }

  get depth(): number {
    return this.pending.length;
  }

  write(alert: Alert): void {
    if (this.closed || this.pending.length >= this.options.maxPending) {
      this.metrics.alertsFileDropped++;
      return;
    }
    this.pending.push(`${JSON.stringify(alert)}\n`);
    if (!this.running && !this.retryTimer) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.length > 0) {
        const n = Math.min(this.pending.length, 500);
        try {
          await this.append(this.pending.slice(0, n).join(''));
        } catch (e) {
          this.metrics.alertsFileFailures++;
          reportInternalError('serve.alertsFile', e);
          await this.handle?.close().catch(() => undefined);
          this.handle = undefined;
          if (!this.closed) {
            this.retryTimer = setTimeout(() => {
              this.retryTimer = undefined;
              void this.run();
            }, this.backoffMs);
            this.retryTimer.unref();
            this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxRetryMs);
          }
          return;
        }
        this.pending.splice(0, n);
        this.backoffMs = this.options.initialRetryMs;
      }
    } finally {
      this.running = false;
      if (this.pending.length === 0 || this.closed) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async append(text: string): Promise<void> {
    let prefix = '';
    if (!this.handle) {
      const handle = await open(this.path, 'a+', 0o600);
      try {
        this.size = (await handle.stat()).size;
        if (this.size > 0) {
          const last = Buffer.alloc(1);
          await handle.read(last, 0, 1, this.size - 1);
          // The file ends mid-line (a crash or a full disk before): start on a fresh line.
          if (last[0] !== 0x0a) prefix = '\n';
        }
      } catch (e) {
        await handle.close().catch(() => undefined);
        throw e;
      }
      this.handle = handle;
    }
    const buf = Buffer.from(prefix + text);
    let written = 0;
    try {
      while (written < buf.length) {
        const { bytesWritten } = await this.handle.write(buf, written, buf.length - written);
        written += bytesWritten;
      }
    } catch (e) {
      // Cut a torn append off again; if that fails too, the next open starts a fresh line.
      if (written > 0) await this.handle.truncate(this.size).catch(() => undefined);
      throw e;
    }
    this.size += buf.length;
  }

  /** Resolves when every held alert is written, or after `timeoutMs`. */
  async flush(timeoutMs: number): Promise<void> {
    if (this.pending.length === 0 && !this.running) return;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      void this.run();
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((r) => this.idleWaiters.push(r)),
      new Promise<void>((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Stops retrying; alerts still held are counted as dropped. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (!this.running) {
      this.metrics.alertsFileDropped += this.pending.length;
      this.pending.length = 0;
    }
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }
}

const SEVERITY_NUMBER: Record<Severity, number> = { low: 9, medium: 13, high: 17, critical: 21 };

/** The alert's event attributes (as the analyzer names them) for a log record. */
export type AlertAttributes = (alert: Alert) => Record<string, string | number | boolean>;

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
                  .map(([k, v]) => kv(`${ATTR_WARDEN_ALERT_SUBJECT_PREFIX}${k}`, v as string)),
                kv(ATTR_WARDEN_ALERT_CONTROLS, a.controls.join(',')),
                kv(ATTR_WARDEN_ALERT_JSON, JSON.stringify(a)),
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
  private readonly stopper = new AbortController();

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
      signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.stopper.signal]),
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

  /** Aborts the exports in flight (counted as failures). */
  close(): void {
    this.stopper.abort();
  }
}
