/**
 * `warden serve`: an OTLP/HTTP trace receiver that runs the Warden analyzer over a whole
 * fleet's GenAI spans, behind (or inline with) the OpenTelemetry Collector.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { reportInternalError, type Alert, type CallRecord } from '@warden/core';
import { JsonlFileSink, OtlpLogSink, RecentAlerts, SseHub, WebhookSink } from './alert-sinks';
import { alertLogAttributes, createFleetAnalyzer, type FleetAnalyzer } from './fleet-analyzer';
import { FleetPosture } from './fleet-posture';
import { IngestQueue } from './ingest-queue';
import { renderLivePage } from './live-page';
import { decodeTraceRequest, encodeRpcStatus, encodeTraceResponse, MalformedOtlpError, type OtlpEncoding } from './otlp-decode';
import { parseServeOptions, type ServeOptions, type ServeOptionsInput } from './serve-options';
import { ServeMetrics } from './serve-metrics';
import { readStateFile, writeStateFile } from './state-file';

const gunzipAsync = promisify(gunzip);

/** Records handed to the analyzer per event-loop turn, so HTTP stays responsive under load. */
const ANALYZE_BATCH = 1_000;

export interface ServeHandle {
  url: string;
  port: number;
  metrics: ServeMetrics;
  /** Called for every alert, after the sinks. */
  onAlert(listener: (alert: Alert) => void): () => void;
  /** Resolves once every accepted span has been analyzed. */
  whenIdle(): Promise<void>;
  /** Stops taking spans (503), analyzes what is queued, flushes alerts, writes the snapshot. */
  drain(): Promise<void>;
  /** drain(), then closes the server and every sink. Idempotent. */
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}
class OverBudget extends Error {}

/** Reads the body up to `limit` bytes; `admit(n)` may refuse a chunk (memory budget). */
function readBody(req: IncomingMessage, limit: number, admit: (bytes: number) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (error: Error): void => {
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
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function mediaType(header: string | undefined): string {
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

/** Base URL of an OTLP/HTTP endpoint, accepting either the base or its /v1/traces or /v1/logs URL. */
function otlpBase(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v1\/(traces|logs)$/, '');
}

export async function startServe(input: ServeOptionsInput = {}): Promise<ServeHandle> {
  const options = parseServeOptions(input);
  const metrics = new ServeMetrics();

  let restored: unknown;
  if (options.state) {
    try {
      restored = await readStateFile(options.state);
    } catch (e) {
      // A damaged snapshot must not keep the receiver down: start fresh and say so.
      reportInternalError('serve.restoreState', e);
    }
  }
  let fleet: FleetAnalyzer;
  try {
    fleet = createFleetAnalyzer(options.analyzer, restored);
  } catch (e) {
    if (restored === undefined) throw e;
    reportInternalError('serve.restoreState', e);
    fleet = createFleetAnalyzer(options.analyzer);
  }

  const queue = new IngestQueue<CallRecord>(options.maxQueue);
  const posture = new FleetPosture();
  const recent = new RecentAlerts(options.recentAlerts);
  const sse = new SseHub(options.maxSseClients);
  const alertListeners = new Set<(alert: Alert) => void>();
  const webhook = options.webhook
    ? new WebhookSink(
        {
          url: options.webhook,
          maxQueue: options.webhookMaxQueue,
          maxAttempts: options.webhookMaxAttempts,
          initialBackoffMs: options.webhookInitialBackoffMs,
          maxBackoffMs: options.webhookMaxBackoffMs,
          timeoutMs: options.outboundTimeoutMs,
        },
        metrics,
      )
    : undefined;
  const jsonl = options.alertsFile ? new JsonlFileSink(options.alertsFile) : undefined;
  const forwardBase = options.forward ? otlpBase(options.forward) : undefined;
  const logsBase = options.alertsOtlp ? otlpBase(options.alertsOtlp) : forwardBase;
  const logs = logsBase ? new OtlpLogSink(`${logsBase}/v1/logs`, alertLogAttributes, metrics, 10_000, options.outboundTimeoutMs) : undefined;
  const forwardsInFlight = new Set<Promise<void>>();

  fleet.onResolved((event) => sse.publishRaw('resolved', event));

  function emitAlert(alert: Alert): void {
    metrics.countAlert(alert.kind);
    recent.add(alert);
    posture.observeAlert(alert);
    sse.publish(alert);
    webhook?.send(alert);
    jsonl?.write(alert);
    logs?.send(alert);
    for (const l of alertListeners) {
      try {
        l(alert);
      } catch (e) {
        reportInternalError('serve.onAlert', e);
      }
    }
  }

  // --- the analyzer side of the queue --------------------------------------------------------
  let pumpScheduled = false;
  const emptyWaiters: Array<() => void> = [];
  let analyzedSinceSnapshot = 0;

  function schedulePump(): void {
    if (pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(pump);
  }

  function pump(): void {
    pumpScheduled = false;
    for (const record of queue.take(ANALYZE_BATCH)) {
      try {
        const alerts = fleet.observe(record);
        metrics.spansAnalyzed++;
        analyzedSinceSnapshot++;
        for (const alert of alerts) emitAlert(alert);
      } catch (e) {
        metrics.analyzerErrors++;
        reportInternalError('serve.analyze', e);
      }
    }
    if (queue.length > 0) schedulePump();
    else for (const w of emptyWaiters.splice(0)) w();
  }

  function queueEmpty(): Promise<void> {
    if (queue.length === 0 && !pumpScheduled) return Promise.resolve();
    return new Promise((r) => emptyWaiters.push(r));
  }

  // --- forwarding -------------------------------------------------------------------------------
  function forward(body: Buffer, contentType: string, contentEncoding: string | undefined): void {
    if (!forwardBase) return;
    if (forwardsInFlight.size >= options.maxForwardsInFlight) {
      metrics.forwardFailures++;
      return;
    }
    const headers: Record<string, string> = { 'content-type': contentType };
    if (contentEncoding) headers['content-encoding'] = contentEncoding;
    const p = fetch(`${forwardBase}/v1/traces`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(options.outboundTimeoutMs),
    })
      .then(async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) metrics.forwardedRequests++;
        else metrics.forwardFailures++;
      })
      .catch(() => {
        metrics.forwardFailures++;
      })
      .finally(() => forwardsInFlight.delete(p));
    forwardsInFlight.add(p);
  }

  // --- HTTP ---------------------------------------------------------------------------------------
  let draining = false;
  let bodyBytesInFlight = 0;

  function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
    if (!res.headersSent) res.writeHead(status, headers);
    res.end(body);
  }

  function sendOtlpError(res: ServerResponse, encoding: OtlpEncoding, status: number, message: string, extra: Record<string, string> = {}): void {
    metrics.countRequest(status);
    send(res, status, encodeRpcStatus(encoding, status === 429 || status === 503 ? 14 : 3, message), {
      'content-type': contentTypeOf(encoding),
      ...extra,
    });
  }

  async function handleTraces(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
      sendOtlpError(res, encoding, 415, `unsupported Content-Encoding ${contentEncoding}`);
      return;
    }
    if (draining) {
      req.resume();
      sendOtlpError(res, encoding, 503, 'shutting down', { 'retry-after': String(options.retryAfterSeconds) });
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxBodyBytes) {
      metrics.oversizedBodies++;
      // Answer without reading the body, then drop the connection once the answer is out.
      res.on('finish', () => req.destroy());
      sendOtlpError(res, encoding, 413, `body exceeds ${options.maxBodyBytes} bytes`, { connection: 'close' });
      return;
    }
    // Bytes of bodies held by all requests being read or decoded: bounded, so many concurrent
    // senders cannot take the memory the queue bound is there to protect.
    let held = 0;
    let raw: Buffer;
    try {
      raw = await readBody(req, options.maxBodyBytes, (bytes) => {
        // One request is always let through (else a big one could never pass); others wait.
        if (bodyBytesInFlight + bytes > options.maxInflightBytes && bodyBytesInFlight > held) return false;
        held += bytes;
        bodyBytesInFlight += bytes;
        return true;
      });
    } catch (e) {
      bodyBytesInFlight -= held;
      if (e instanceof BodyTooLarge) {
        metrics.oversizedBodies++;
        sendOtlpError(res, encoding, 413, `body exceeds ${options.maxBodyBytes} bytes`, { connection: 'close' });
      } else if (e instanceof OverBudget) {
        metrics.bodiesOverBudget++;
        sendOtlpError(res, encoding, 429, 'too many request bodies in flight', { 'retry-after': String(options.retryAfterSeconds) });
      } else {
        metrics.countRequest(400);
        res.destroy();
      }
      return;
    }
    try {
      await analyzeBody(req, res, encoding, contentType, contentEncoding, raw);
    } finally {
      bodyBytesInFlight -= held;
    }
  }

  async function analyzeBody(
    req: IncomingMessage,
    res: ServerResponse,
    encoding: OtlpEncoding,
    contentType: string,
    contentEncoding: string,
    raw: Buffer,
  ): Promise<void> {
    let body = raw;
    if (contentEncoding === 'gzip') {
      try {
        body = await gunzipAsync(raw, { maxOutputLength: options.maxBodyBytes });
      } catch (e) {
        if (e instanceof RangeError || (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          metrics.oversizedBodies++;
          sendOtlpError(res, encoding, 413, `decompressed body exceeds ${options.maxBodyBytes} bytes`);
        } else {
          metrics.malformedBodies++;
          sendOtlpError(res, encoding, 400, 'body is not valid gzip');
        }
        return;
      }
    }
    let decoded;
    try {
      decoded = decodeTraceRequest(body, encoding);
    } catch (e) {
      if (!(e instanceof MalformedOtlpError)) reportInternalError('serve.decode', e);
      metrics.malformedBodies++;
      sendOtlpError(res, encoding, 400, (e as Error).message);
      return;
    }
    metrics.spansReceived += decoded.totalSpans;
    const records: CallRecord[] = [];
    let ignored = 0;
    for (const { span, service } of decoded.spans) {
      let record: CallRecord | undefined;
      try {
        record = fleet.toRecord(span, service);
      } catch (e) {
        reportInternalError('serve.toRecord', e);
      }
      if (record) records.push(record);
      else ignored++;
    }
    if (!queue.pushBatch(records)) {
      metrics.spansThrottled += decoded.totalSpans;
      sendOtlpError(res, encoding, 429, 'analyzer queue is full', { 'retry-after': String(options.retryAfterSeconds) });
      return;
    }
    metrics.spansIgnored += ignored;
    metrics.spansRejected += decoded.rejectedSpans;
    // Only once accepted: a throttled request comes again and must not count twice.
    for (const { span } of decoded.spans) posture.observeSpan(span);
    if (records.length > 0) schedulePump();
    forward(raw, req.headers['content-type'] ?? contentType, contentEncoding || undefined);
    metrics.countRequest(200);
    const partial =
      decoded.rejectedSpans > 0
        ? { rejectedSpans: decoded.rejectedSpans, errorMessage: `rejected malformed spans: ${decoded.rejectReasons.join('; ')}` }
        : undefined;
    send(res, 200, encodeTraceResponse(encoding, partial), { 'content-type': contentTypeOf(encoding) });
  }

  function groupsView(): unknown {
    return {
      groups: fleet.groups(),
      alerts: recent.list(50),
      counters: {
        spansReceived: metrics.spansReceived,
        spansAnalyzed: metrics.spansAnalyzed,
        spansIgnored: metrics.spansIgnored,
        queueDepth: queue.length,
      },
    };
  }

  function route(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path === '/v1/traces') {
      if (req.method !== 'POST') {
        req.resume();
        send(res, 405, 'POST only\n', { allow: 'POST' });
        return;
      }
      handleTraces(req, res).catch((e) => {
        reportInternalError('serve.handleTraces', e);
        metrics.countRequest(500);
        if (!res.headersSent) send(res, 500, 'internal error\n');
        else res.destroy();
      });
      return;
    }
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'GET only\n', { allow: 'GET' });
      return;
    }
    const json = (value: unknown): void =>
      send(res, 200, JSON.stringify(value), { 'content-type': 'application/json', 'cache-control': 'no-store' });
    switch (path) {
      case '/':
        send(res, 200, renderLivePage(), {
          'content-type': 'text/html; charset=utf-8',
          // The page is self-contained: the policy makes sure of it in the browser too.
          'content-security-policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:",
        });
        return;
      case '/healthz':
        send(res, draining ? 503 : 200, draining ? 'draining\n' : 'ok\n', { 'content-type': 'text/plain' });
        return;
      case '/metrics':
        send(
          res,
          200,
          metrics.render({
            queueDepth: queue.length,
            queueCapacity: options.maxQueue,
            sseClients: sse.size,
            webhookQueueDepth: webhook?.depth ?? 0,
            bodyBytesInFlight,
          }),
          { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
        );
        return;
      case '/alerts': {
        const limit = Math.min(Number(url.searchParams.get('limit') ?? 50) || 50, options.recentAlerts);
        json(recent.list(limit));
        return;
      }
      case '/alerts/stream':
        if (!sse.subscribe(res, recent.list(20).reverse())) send(res, 503, 'too many subscribers\n');
        return;
      case '/api/groups':
        json(groupsView());
        return;
      case '/api/posture':
        json(posture.summary() ?? null);
        return;
      default:
        send(res, 404, 'not found\n', { 'content-type': 'text/plain' });
    }
  }

  const server: Server = createServer((req, res) => {
    try {
      route(req, res);
    } catch (e) {
      reportInternalError('serve.route', e);
      if (!res.headersSent) send(res, 500, 'internal error\n');
    }
  });
  // Errors on a single socket (client resets) must never take the receiver down.
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;

  // --- state ------------------------------------------------------------------------------------
  let snapshotting: Promise<void> = Promise.resolve();
  function snapshotNow(): Promise<void> {
    if (!options.state) return Promise.resolve();
    const path = options.state;
    snapshotting = snapshotting.then(async () => {
      try {
        analyzedSinceSnapshot = 0;
        await writeStateFile(path, fleet.snapshot());
        metrics.snapshotsWritten++;
      } catch (e) {
        metrics.snapshotFailures++;
        reportInternalError('serve.snapshot', e);
      }
    });
    return snapshotting;
  }
  const snapshotTimer = options.state
    ? setInterval(() => {
        if (analyzedSinceSnapshot > 0) void snapshotNow();
      }, options.snapshotIntervalMs)
    : undefined;
  snapshotTimer?.unref();

  let drained: Promise<void> | undefined;
  function drain(): Promise<void> {
    drained ??= (async () => {
      draining = true;
      await queueEmpty();
      await Promise.all([...forwardsInFlight]);
      await Promise.all([webhook?.flush(options.shutdownFlushMs), logs?.flush()]);
      await snapshotNow();
    })();
    return drained;
  }

  let closed: Promise<void> | undefined;
  function close(): Promise<void> {
    closed ??= (async () => {
      await drain();
      if (snapshotTimer) clearInterval(snapshotTimer);
      webhook?.close();
      sse.close();
      await jsonl?.close();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    })();
    return closed;
  }

  return {
    url: `http://${host}:${port}`,
    port,
    metrics,
    onAlert(listener) {
      alertListeners.add(listener);
      return () => alertListeners.delete(listener);
    },
    whenIdle: queueEmpty,
    drain,
    close,
  };
}

export type { ServeOptions, ServeOptionsInput };
