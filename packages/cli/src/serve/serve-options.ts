/** Options of `warden serve` / startServe(), validated once at the boundary. */
import { z } from 'zod';
import { parseConfig } from '@warden/core';

export const ServeOptionsSchema = z.object({
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
  /** GenAI records waiting for the analyzer before requests are answered 429. */
  maxQueue: z.number().int().positive().default(20_000),
  /** Largest request body, compressed or not. */
  maxBodyBytes: z.number().int().positive().default(8 * 1024 * 1024),
  /** Bytes of request bodies held at once by all requests being read and decoded; more answers 429. */
  maxInflightBytes: z.number().int().positive().default(64 * 1024 * 1024),
  /** Seconds the sender is told to wait when the queue is full. */
  retryAfterSeconds: z.number().int().min(1).max(3600).default(1),
  recentAlerts: z.number().int().positive().max(10_000).default(200),
  /** Open incidents (alerts not yet back to baseline) kept for GET /alerts/open and the snapshot. */
  openAlerts: z.number().int().positive().max(10_000).default(1_000),
  maxSseClients: z.number().int().positive().default(100),
  maxForwardsInFlight: z.number().int().positive().default(64),
  webhookMaxQueue: z.number().int().positive().default(1_000),
  webhookMaxAttempts: z.number().int().positive().max(20).default(5),
  webhookInitialBackoffMs: z.number().int().positive().default(500),
  webhookMaxBackoffMs: z.number().int().positive().default(30_000),
  /** Timeout of each outbound HTTP call (webhook, forward, logs). */
  outboundTimeoutMs: z.number().int().positive().default(10_000),
  /** How long shutdown waits for pending webhook deliveries. */
  shutdownFlushMs: z.number().int().min(0).default(5_000),
  /** Options for the Analyzer (validated by the analyzer itself). */
  analyzer: z.record(z.string(), z.unknown()).optional(),
});

export type ServeOptionsInput = z.input<typeof ServeOptionsSchema>;
export type ServeOptions = z.output<typeof ServeOptionsSchema>;

export function parseServeOptions(input: ServeOptionsInput): ServeOptions {
  return parseConfig(ServeOptionsSchema, input, 'serve options');
}
