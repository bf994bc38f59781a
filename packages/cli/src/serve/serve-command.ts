/** `warden serve [flags]`: runs startServe() until SIGTERM/SIGINT, then drains and exits 0. */
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { WardenConfigError } from '@warden/core';
import { startServe } from './serve';
import type { ServeOptionsInput } from './serve-options';
import { printUsage, usageError } from '../command-table';

export interface ServeCommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export const SERVE_USAGE = `Usage: warden serve [flags]

Receives OTLP traces over HTTP (POST /v1/traces, protobuf or JSON, gzip) and gRPC, and runs
the Warden analyzer over every GenAI span, grouped by service, agent, model and tool. Metrics
and logs (/v1/metrics, /v1/logs, and their gRPC services) are relayed to --forward.

  --port <n>                 OTLP/HTTP listen port (default 4318; 0 = any free port)
  --grpc-port <n|off>        OTLP/gRPC listen port (default 4317; off = no gRPC)
  --host <addr>              listen address (default 127.0.0.1); any other than loopback needs a token
  --token-file <path>        bearer token for ingest and reads (file mode 0600); or WARDEN_SERVE_TOKEN
  --read-token-file <path>   a separate token for reads (page, /alerts, /api, /metrics); or WARDEN_SERVE_READ_TOKEN
  --allowed-host <name>      a Host name to accept besides loopback and --host (a proxy's; repeatable)
  --max-connections <n>      open connections at most (default 1024)
  --groups-per-service <n>   analyzer groups one service may hold (default 2000)
  --max-groups <n>           analyzer groups of all services together (default 20000)
  --forward <url>            forward every request unchanged to this OTLP/HTTP endpoint
                             (traces, metrics, logs); alerts go there too, as OTLP logs
                             (without it, metrics and logs are answered and dropped, counted)
  --alerts-otlp <url>        send alerts as OTLP logs to this OTLP/HTTP endpoint instead
  --webhook <url>            POST each alert as JSON (retried with backoff)
  --alerts-file <path>       append each alert to this JSONL file
  --state <path>             analyzer snapshot: restored at start, written periodically and on exit
  --snapshot-interval <s>    seconds between snapshots (default 60)
  --parent-wait <s>          seconds a tool span without an agent waits for its agent's span
                             (default 30; 0: no wait)
  --max-queue <n>            GenAI spans waiting for the analyzer before answering 429 (default 20000)
  --max-body <bytes>         largest request body, e.g. 8388608 or 8mb (default 8mb)
  --analyzer <json>          Analyzer options as JSON, e.g. '{"warmup":500}'
  --drills                   drill serve's own controls (drift and tool-anomaly detection under canary
                             agents) at start and every 24 h; verdicts show in the posture and live page

Pages: /  (live view), /alerts, /alerts/open, /alerts/stream (SSE), /api/groups?offset=&limit=, /metrics
(Prometheus), /healthz (no token needed). With a token, send Authorization: Bearer <token>;
the live page asks for the read token once per browser session.
Moving a service to another replica: GET /state?service=<name> here, POST that body to
/state there (read token, as a bearer token).
`;

/** A token from its file: trimmed, and refused when others can read the file. */
function tokenFromFile(flag: string, path: string): string {
  let text: string;
  try {
    if (process.platform !== 'win32') {
      const mode = statSync(path).mode & 0o777;
      if ((mode & 0o077) !== 0) {
        throw new WardenConfigError(`--${flag}: ${path} is readable by others (mode ${mode.toString(8).padStart(4, '0')}); chmod 600 it`);
      }
    }
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (WardenConfigError.isInstance(e)) throw e;
    throw new WardenConfigError(`--${flag}: cannot read ${path}: ${(e as Error).message}`);
  }
  return text.trim();
}

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new WardenConfigError(`--${flag}: expected a whole number, got "${value}"`);
  return Number(value);
}

function bytes(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\s*(b|kb|kib|k|mb|mib|m|gb|gib|g)?$/i.exec(value.trim());
  if (!m) throw new WardenConfigError(`--${flag}: expected a size such as 8388608 or 8mb, got "${value}"`);
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  return Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1);
}

/** The OTLP/gRPC port the OpenTelemetry exporters and the Collector use by default. */
const DEFAULT_GRPC_PORT = 4317;

export function parseServeArgs(argv: string[], env: Record<string, string | undefined> = process.env): ServeOptionsInput | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      'grpc-port': { type: 'string' },
      host: { type: 'string' },
      'token-file': { type: 'string' },
      'read-token-file': { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      'max-connections': { type: 'string' },
      'groups-per-service': { type: 'string' },
      'max-groups': { type: 'string' },
      forward: { type: 'string' },
      webhook: { type: 'string' },
      'alerts-otlp': { type: 'string' },
      'alerts-file': { type: 'string' },
      state: { type: 'string' },
      'snapshot-interval': { type: 'string' },
      'max-queue': { type: 'string' },
      'parent-wait': { type: 'string' },
      'max-body': { type: 'string' },
      analyzer: { type: 'string' },
      drills: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  let analyzer: Record<string, unknown> | undefined;
  if (values.analyzer !== undefined) {
    try {
      analyzer = JSON.parse(values.analyzer) as Record<string, unknown>;
    } catch {
      throw new WardenConfigError(`--analyzer: expected a JSON object, got "${values.analyzer}"`);
    }
  }
  const snapshotSeconds = integer('snapshot-interval', values['snapshot-interval']);
  const parentWaitSeconds = integer('parent-wait', values['parent-wait']);
  const grpcPort = values['grpc-port'] === 'off' ? undefined : (integer('grpc-port', values['grpc-port']) ?? DEFAULT_GRPC_PORT);
  const options: ServeOptionsInput = {
    port: integer('port', values.port),
    grpcPort,
    host: values.host,
    token: values['token-file'] !== undefined ? tokenFromFile('token-file', values['token-file']) : env.WARDEN_SERVE_TOKEN || undefined,
    readToken: values['read-token-file'] !== undefined ? tokenFromFile('read-token-file', values['read-token-file']) : env.WARDEN_SERVE_READ_TOKEN || undefined,
    allowedHosts: values['allowed-host'],
    maxConnections: integer('max-connections', values['max-connections']),
    groupsPerService: integer('groups-per-service', values['groups-per-service']),
    maxGroups: integer('max-groups', values['max-groups']),
    forward: values.forward,
    webhook: values.webhook,
    alertsOtlp: values['alerts-otlp'],
    alertsFile: values['alerts-file'],
    state: values.state,
    snapshotIntervalMs: snapshotSeconds === undefined ? undefined : snapshotSeconds * 1000,
    maxQueue: integer('max-queue', values['max-queue']),
    parentWaitMs: parentWaitSeconds === undefined ? undefined : parentWaitSeconds * 1000,
    drills: values.drills,
    maxBodyBytes: bytes('max-body', values['max-body']),
    analyzer,
  };
  // Flags not given keep the schema's defaults.
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as ServeOptionsInput;
}

export async function runServeCommand(argv: string[], io: ServeCommandIo): Promise<number> {
  let options: ServeOptionsInput | 'help';
  try {
    options = parseServeArgs(argv);
  } catch (e) {
    return usageError(io, 'serve', SERVE_USAGE, (e as Error).message);
  }
  if (options === 'help') return printUsage(io, SERVE_USAGE);
  let handle;
  try {
    handle = await startServe(options);
  } catch (e) {
    io.stderr.write(`warden serve: ${(e as Error).message}\n`);
    return WardenConfigError.isInstance(e) ? 2 : 1;
  }
  const grpc = handle.grpcPort === undefined ? '' : `, OTLP/gRPC ${new URL(handle.url).hostname}:${handle.grpcPort}`;
  io.stdout.write(`warden serve: listening on ${handle.url} (OTLP/HTTP ${handle.url}/v1/traces${grpc})\n`);
  const running = handle;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      io.stdout.write(`warden serve: ${signal}: draining\n`);
      running.close().then(
        () => {
          io.stdout.write(`warden serve: stopped (received ${running.metrics.spansReceived}, analyzed ${running.metrics.spansAnalyzed} spans)\n`);
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          resolve(0);
        },
        (e: unknown) => {
          io.stderr.write(`warden serve: shutdown failed: ${(e as Error).message}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
