/**
 * `warden serve`: an OTLP (HTTP and gRPC) receiver that runs the Warden analyzer over a whole
 * fleet's GenAI spans, behind (or inline with) the OpenTelemetry Collector, and relays the
 * metrics and logs it is sent. This file wires the parts together and owns the lifecycle
 * (listen, drain, close).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alert, CallRecord } from '@warden/core';
import { reportInternalError } from '@warden/core/internal';
import { AccessControl } from './access-control';
import { AlertHistory, alertsOfState, stateWithAlerts } from './alert-history';
import { JsonlFileSink, OtlpLogSink, SseHub, WebhookSink } from './alert-sinks';
import { AnalyzerPump } from './analyzer-pump';
import type { OtlpSignal } from './export-outcome';
import { alertLogAttributes, createFleetAnalyzer, type FleetAnalyzer } from './fleet-analyzer';
import { FleetPosture } from './fleet-posture';
import { scheduleFleetDrills } from './fleet-drills';
import { Forwarder, otlpBase } from './forwarder';
import { grpcIngestHandler } from './grpc-ingest';
import { IngestEndpoint, send } from './ingest-endpoint';
import { IngestQueue } from './ingest-queue';
import type { OtlpGrpcServer } from './otlp-grpc';
import { SignalRelay } from './otlp-signals';
import { createReadRoutes } from './read-routes';
import { createServiceStateRoute } from './service-state';
import { parseServeOptions, type ServeOptions, type ServeOptionsInput } from './serve-options';
import { ServeMetrics } from './serve-metrics';
import { SnapshotWriter } from './snapshots';
import { readStateFile } from './state-file';
import { TraceIngest } from './trace-ingest';

/**
 * On every response: no MIME sniffing, no referrer to other sites, never framed, not readable
 * cross-origin. (`no-referrer` would make browsers send `Origin: null` on the login form.)
 */
const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};
/** POST /alerts/:id/accept: the change behind an alert (or incident) is the new normal. */
const ACCEPT_PATH = /^\/alerts\/([^/]{1,200})\/accept$/;

export interface ServeHandle {
  url: string;
  port: number;
  /** The OTLP/gRPC port, when serve listens for gRPC (`grpcPort` set). */
  grpcPort: number | undefined;
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

/** The analyzer restored from the snapshot file when there is a usable one, else a fresh one. */
async function loadFleet(options: ServeOptions): Promise<{ fleet: FleetAnalyzer; restored: unknown }> {
  const budget = { groupsPerService: options.groupsPerService, maxGroups: options.maxGroups };
  let restored: unknown;
  if (options.state) {
    try {
      restored = await readStateFile(options.state);
    } catch (e) {
      // A damaged snapshot must not keep the receiver down: start fresh and say so.
      reportInternalError('serve.restoreState', e);
    }
  }
  try {
    return { fleet: createFleetAnalyzer(options.analyzer, restored, budget), restored };
  } catch (e) {
    if (restored === undefined) throw e;
    reportInternalError('serve.restoreState', e);
    return { fleet: createFleetAnalyzer(options.analyzer, undefined, budget), restored: undefined };
  }
}

/** Recent alerts and open incidents as the snapshot left them (none when it has none or they are damaged). */
function loadAlerts(options: ServeOptions, restored: unknown): AlertHistory {
  const history = new AlertHistory(options.recentAlerts, options.openAlerts);
  const saved = alertsOfState(restored);
  if (saved === undefined) return history;
  try {
    history.restore(saved);
  } catch (e) {
    reportInternalError('serve.restoreAlerts', e);
  }
  return history;
}

const SIGNAL_PATHS = new Map<string, OtlpSignal>([
  ['/v1/traces', 'traces'],
  ['/v1/metrics', 'metrics'],
  ['/v1/logs', 'logs'],
]);

export async function startServe(input: ServeOptionsInput = {}): Promise<ServeHandle> {
  const options = parseServeOptions(input);
  const metrics = new ServeMetrics();
  const { fleet, restored } = await loadFleet(options);
  const history = loadAlerts(options, restored);

  const queue = new IngestQueue<CallRecord>(options.maxQueue);
  const posture = new FleetPosture();
  const stopDrills = options.drills ? scheduleFleetDrills(options.analyzer, posture, options.drillEveryMs) : undefined;
  const sse = new SseHub(options.maxSseClients, options.maxSseClientsPerAddress);
  const access = new AccessControl(options);
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
  const jsonl = options.alertsFile
    ? new JsonlFileSink(options.alertsFile, metrics, { maxPending: 10_000, initialRetryMs: options.alertsFileRetryMs, maxRetryMs: 30_000 })
    : undefined;
  const forwardBase = options.forward ? otlpBase(options.forward) : undefined;
  const forwarder = forwardBase
    ? new Forwarder({ base: forwardBase, maxInFlight: options.maxForwardsInFlight, timeoutMs: options.outboundTimeoutMs }, metrics)
    : undefined;
  const logsBase = options.alertsOtlp ? otlpBase(options.alertsOtlp) : forwardBase;
  const logs = logsBase ? new OtlpLogSink(`${logsBase}/v1/logs`, alertLogAttributes, metrics, 10_000, options.outboundTimeoutMs) : undefined;

  fleet.onResolved((event) => {
    history.resolve(event as Parameters<AlertHistory['resolve']>[0]);
    sse.publishRaw('resolved', event);
  });

  function emitAlert(alert: Alert): void {
    metrics.countAlert(alert.kind);
    history.add(alert);
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

  const pump = new AnalyzerPump(queue, fleet, metrics, emitAlert);
  const ingest = new TraceIngest({ fleet, queue, pump, posture, forwarder, metrics, maxBodyBytes: options.maxBodyBytes, parentWaitMs: options.parentWaitMs });
  const relay = new SignalRelay({
    forwardBase,
    maxInFlight: options.maxForwardsInFlight,
    timeoutMs: options.outboundTimeoutMs,
    retryAfterSeconds: options.retryAfterSeconds,
    maxBodyBytes: options.maxBodyBytes,
  });
  const endpoint = new IngestEndpoint(ingest, options, metrics, relay, access);
  const readRoute = createReadRoutes({
    options,
    metrics,
    fleet,
    queue,
    posture,
    history,
    relay,
    sse,
    webhook,
    endpoint,
    access,
    parentAgents: ingest.parentAgents,
  });
  const stateRoute = createServiceStateRoute({ fleet, history, pump }, options.maxInflightBytes);

  function route(req: IncomingMessage, res: ServerResponse): void {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    // A page elsewhere reaching us through the browser: by a rebound DNS name, or cross-site.
    if (!access.hostAllowed(req)) {
      req.resume();
      metrics.countRequest(421);
      send(res, 421, 'unknown Host: add it with allowedHosts if a proxy forwards it\n', { 'content-type': 'text/plain', connection: 'close' });
      return;
    }
    if (!access.originAllowed(req)) {
      req.resume();
      metrics.countRequest(403);
      send(res, 403, 'cross-origin requests are refused\n', { 'content-type': 'text/plain' });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') {
      // Unauthenticated on purpose (load balancers, probes): it says ok or draining, nothing else.
      req.resume();
      send(res, ingest.draining ? 503 : 200, ingest.draining ? 'draining\n' : 'ok\n', { 'content-type': 'text/plain' });
      return;
    }
    const signal = SIGNAL_PATHS.get(url.pathname);
    if (signal) {
      if (req.method !== 'POST') {
        req.resume();
        send(res, 405, 'POST only\n', { allow: 'POST' });
        return;
      }
      endpoint.handle(req, res, signal);
      return;
    }
    if (url.pathname === '/state') {
      // Moving a service's state: the read credential, as a bearer token only (the live page's
      // cookie must never let a browser replace a service's baselines).
      if (!access.bearerAllowed(req.headers.authorization, 'read')) {
        req.resume();
        metrics.authFailures++;
        send(res, 401, 'unauthorized: send Authorization: Bearer <token>\n', {
          'content-type': 'text/plain',
          'www-authenticate': 'Bearer realm="warden serve"',
        });
        return;
      }
      stateRoute(req, res, url);
      return;
    }
    const accept = ACCEPT_PATH.exec(url.pathname);
    if (accept) {
      req.resume();
      if (req.method !== 'POST') {
        send(res, 405, 'POST only\n', { allow: 'POST' });
        return;
      }
      // It changes what the analyzer treats as normal: the ingest token (bearer only, never the page's cookie).
      if (!access.bearerAllowed(req.headers.authorization, 'ingest')) {
        metrics.authFailures++;
        send(res, 401, 'unauthenticated: send Authorization: Bearer <token>\n', { 'www-authenticate': 'Bearer realm="warden serve"' });
        return;
      }
      // The analyzer emits `resolved` (reason accepted), which closes the alert in the history too.
      let alertId: string;
      try {
        alertId = decodeURIComponent(accept[1]);
      } catch {
        send(res, 400, 'malformed alert id\n');
        return;
      }
      const accepted = fleet.accept(alertId);
      send(res, accepted ? 200 : 404, JSON.stringify({ alertId, accepted }), { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return;
    }
    readRoute(req, res, url);
  }

  const server: Server = createServer({ connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs) }, (req, res) => {
    try {
      route(req, res);
    } catch (e) {
      reportInternalError('serve.route', e);
      if (!res.headersSent) send(res, 500, 'internal error\n');
    }
  });
  // Slow clients get 408 and lose the connection; the cap bounds sockets and their buffers.
  server.headersTimeout = options.headersTimeoutMs;
  server.requestTimeout = options.requestTimeoutMs;
  server.maxConnections = options.maxConnections;
  server.on('drop', () => metrics.connectionsRefused++);
  // Errors on a single socket (client resets, timeouts) must never take the receiver down.
  server.on('clientError', (e: NodeJS.ErrnoException, socket) => {
    const inProgress = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (e.code === 'ERR_HTTP_REQUEST_TIMEOUT' && socket.writable && !inProgress?.headersSent) {
      metrics.countRequest(408);
      socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;

  let grpc: OtlpGrpcServer | undefined;
  if (options.grpcPort !== undefined) {
    try {
      // Loaded only when asked for: @grpc/grpc-js costs start-up time the HTTP-only receiver does not need.
      const { startOtlpGrpcServer } = await import('./otlp-grpc');
      grpc = await startOtlpGrpcServer({
        host: options.host,
        port: options.grpcPort,
        maxMessageBytes: options.maxBodyBytes,
        handler: grpcIngestHandler({ ingest, relay, endpoint, metrics, access, retryAfterSeconds: options.retryAfterSeconds }),
      });
    } catch (e) {
      // Not listening on half the protocols: release the HTTP port and say why.
      await new Promise<void>((r) => server.close(() => r()));
      throw new Error(`cannot listen for OTLP/gRPC on ${host}:${options.grpcPort}: ${(e as Error).message}`);
    }
  }

  const state = { snapshot: () => stateWithAlerts(fleet.snapshot(), history.save()) };
  const snapshots = options.state ? new SnapshotWriter(options.state, options.snapshotIntervalMs, state, pump, metrics) : undefined;

  let drained: Promise<void> | undefined;
  /** Stops intake, analyzes what was accepted, writes the snapshot, then flushes the sinks (bounded). */
  function drain(): Promise<void> {
    drained ??= (async () => {
      ingest.draining = true;
      // Tool spans still waiting for their agent's span are analyzed now, before the snapshot.
      await ingest.releaseHeld();
      await pump.whenIdle();
      // The snapshot first: it must not wait on a slow downstream.
      await snapshots?.writeNow();
      await Promise.all([forwarder?.flush(), webhook?.flush(options.shutdownFlushMs), logs?.flush(), jsonl?.flush(options.shutdownFlushMs)]);
    })();
    return drained;
  }

  let closed: Promise<void> | undefined;
  /** drain() within shutdownTimeoutMs; what is still pending then is aborted and counted. */
  function close(): Promise<void> {
    closed ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([drain(), new Promise<void>((r) => (timer = setTimeout(r, options.shutdownTimeoutMs)))]);
      clearTimeout(timer);
      await grpc?.close(Math.min(options.shutdownFlushMs, 1_000));
      stopDrills?.();
      snapshots?.stop();
      webhook?.close();
      forwarder?.close();
      logs?.close();
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
    grpcPort: grpc?.port,
    metrics,
    onAlert(listener) {
      alertListeners.add(listener);
      return () => alertListeners.delete(listener);
    },
    whenIdle: () => pump.whenIdle(),
    drain,
    close,
  };
}

export type { ServeOptions, ServeOptionsInput };
