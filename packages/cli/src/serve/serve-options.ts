/** Options of `warden serve` / startServe(), validated once at the boundary. */
import { z } from 'zod';
import { WardenConfigError } from '@warden/core';
import { parseConfig } from '@warden/core/internal';
import { isLoopbackHost } from './access-control';

const token = z.string().min(16, 'a token of at least 16 characters (e.g. openssl rand -hex 32)').max(4096);

export const ServeOptionsSchema = z.object({
  /**
   * Bearer token senders must present on ingest, and readers on the page, /alerts, /api/* and
   * /metrics unless `readToken` is set. Required when `host` is not a loopback address.
   */
  token: token.optional(),
  /** A separate token for reads, so senders' token does not open the alerts and the fleet's shape. */
  readToken: token.optional(),
  /** Host header names accepted besides loopback and the bound address (a reverse proxy's name). */
  allowedHosts: z.array(z.string().min(1)).default([]),
  /** 0 picks a free port (tests, bench). */
  port: z.number().int().min(0).max(65535).default(4318),
  host: z.string().min(1).default('127.0.0.1'),
  /** OTLP/gRPC listen port (traces, metrics, logs) on the same host; unset = no gRPC listener. `warden serve` sets 4317. */
  grpcPort: z.number().int().min(0).max(65535).optional(),
  /** Downstream OTLP/HTTP base URL (e.g. http://collector:4318); /v1/traces and /v1/logs are appended. */
  forward: z.url().optional(),
  /** OTLP/HTTP base URL for alerts as OTLP logs, when they should go elsewhere than --forward (or without it). */
  alertsOtlp: z.url().optional(),
  webhook: z.url().optional(),
  alertsFile: z.string().min(1).optional(),
  /** Analyzer snapshot file: restored at start, written periodically and on shutdown. */
  state: z.string().min(1).optional(),
  snapshotIntervalMs: z.number().int().positive().default(60_000),
  /**
   * How long a tool span without an agent waits for the span of the agent that ran it (an agent's
   * span ends, and is exported, after its tools'). 0 analyzes it at once, with an agent only if
   * that span came earlier.
   */
  parentWaitMs: z.number().int().min(0).max(600_000).default(30_000),
  /** GenAI records waiting for the analyzer before requests are answered 429. */
  maxQueue: z.number().int().positive().default(20_000),
  /** Largest request body, compressed or not. */
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(8 * 1024 * 1024),
  /** Bytes of request bodies held at once by all requests being read and decoded; more answers 429. */
  maxInflightBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  /** Seconds the sender is told to wait when the queue is full. */
  retryAfterSeconds: z.number().int().min(1).max(3600).default(1),
  recentAlerts: z.number().int().positive().max(10_000).default(200),
  /** Open incidents (alerts not yet back to baseline) kept for GET /alerts/open and the snapshot. */
  openAlerts: z.number().int().positive().max(10_000).default(1_000),
  maxSseClients: z.number().int().positive().default(100),
  /** Event streams one client (remote address) may hold; a newer one closes its oldest. */
  maxSseClientsPerAddress: z.number().int().positive().default(10),
  /** Open connections at most; more are refused until slow or idle ones are cut. */
  maxConnections: z.number().int().positive().default(1_024),
  /** Time a client has to send its request headers (Node answers 408). */
  headersTimeoutMs: z.number().int().positive().default(10_000),
  /** Time a client has to send the whole request (Node answers 408). */
  requestTimeoutMs: z.number().int().positive().default(60_000),
  /** Slowest average body rate accepted once `bodyGraceMs` have passed; slower answers 408. */
  minBodyBytesPerSecond: z.number().int().min(0).default(1_024),
  bodyGraceMs: z.number().int().positive().default(5_000),
  maxForwardsInFlight: z.number().int().positive().default(64),
  webhookMaxQueue: z.number().int().positive().default(1_000),
  webhookMaxAttempts: z.number().int().positive().max(20).default(5),
  webhookInitialBackoffMs: z.number().int().positive().default(500),
  webhookMaxBackoffMs: z.number().int().positive().default(30_000),
  /** Timeout of each outbound HTTP call (webhook, forward, logs). */
  outboundTimeoutMs: z.number().int().positive().default(10_000),
  /** How long shutdown waits for pending webhook, log and file deliveries (within shutdownTimeoutMs). */
  shutdownFlushMs: z.number().int().min(0).default(3_000),
  /** The longest a shutdown takes: whatever is still pending then is aborted (and counted). */
  shutdownTimeoutMs: z.number().int().positive().default(5_000),
  /** First wait before retrying a failed alerts-file append (doubles up to 30 s). */
  alertsFileRetryMs: z.number().int().positive().default(500),
  /** Most analyzer groups (service·agent·operation·model·tool) one service may hold (default: analyzer.maxGroups or 2000). */
  groupsPerService: z.number().int().positive().max(1_000_000).optional(),
  /** Most groups all services hold together (about 12 KB each); services with nothing learned go first. */
  maxGroups: z.number().int().positive().max(10_000_000).default(20_000),
  /** Options for the Analyzer (validated by the analyzer itself). */
  analyzer: z.record(z.string(), z.unknown()).optional(),
  /** Drill serve's own controls (drift and tool-anomaly detection, canary agents) on start and every `drillEveryMs`. */
  drills: z.boolean().default(false),
  drillEveryMs: z
    .number()
    .int()
    .positive()
    .default(24 * 3_600_000),
});

export type ServeOptionsInput = z.input<typeof ServeOptionsSchema>;
export type ServeOptions = z.output<typeof ServeOptionsSchema>;

export function parseServeOptions(input: ServeOptionsInput): ServeOptions {
  const options = parseConfig(ServeOptionsSchema, input, 'serve options');
  if (options.headersTimeoutMs > options.requestTimeoutMs) {
    throw new WardenConfigError(`serve options: headersTimeoutMs (${options.headersTimeoutMs}) must not exceed requestTimeoutMs (${options.requestTimeoutMs})`);
  }
  if (!isLoopbackHost(options.host) && options.token === undefined) {
    throw new WardenConfigError(
      `serve options: host "${options.host}" listens beyond this machine, so a token is required: set WARDEN_SERVE_TOKEN (or --token-file <path>), or listen on 127.0.0.1`,
    );
  }
  return options;
}
