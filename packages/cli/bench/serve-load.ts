/**
 * The bench's load process (forked by bench/serve.ts): posts OTLP/protobuf bodies to
 * `warden serve` over loopback with a few requests in flight, over OTLP/HTTP or OTLP/gRPC,
 * honouring 429 + Retry-After (RESOURCE_EXHAUSTED + RetryInfo) as the Collector does, and
 * reports what was accepted.
 */
import { Agent, request } from 'node:http';
import { credentials, makeGenericClientConstructor, Metadata, type ServiceError } from '@grpc/grpc-js';
import { OTLP_GRPC_PATHS, retryDelayOf } from '../src/serve/otlp-grpc';
import { fleetBodies } from './serve-fleet-bodies';

export interface LoadRequest {
  url: string;
  seconds: number;
  concurrency: number;
  /** OTLP/gRPC to this port on the URL's host instead of OTLP/HTTP. */
  grpcPort?: number;
}

type Send = (body: Buffer) => Promise<{ status: number; retryAfter: number }>;

/** One gRPC channel, as a Collector exporter keeps; statuses reported as their HTTP equivalents. */
function grpcSender(url: string, port: number): { send: Send; close(): void } {
  const identity = (b: Buffer): Buffer => b;
  const Client = makeGenericClientConstructor(
    {
      Export: {
        path: OTLP_GRPC_PATHS.traces,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    'TraceService',
  );
  const client = new Client(`${new URL(url).hostname}:${port}`, credentials.createInsecure()) as unknown as {
    Export(m: Buffer, md: Metadata, cb: (e: ServiceError | null) => void): void;
    close(): void;
  };
  return {
    send: (body) =>
      new Promise((resolve) =>
        client.Export(body, new Metadata(), (e) => {
          if (!e) return resolve({ status: 200, retryAfter: 0 });
          const delay = retryDelayOf(e.metadata);
          // RESOURCE_EXHAUSTED (8) and UNAVAILABLE (14) with RetryInfo are what 429/503 are over HTTP.
          resolve({ status: delay !== undefined && e.code === 8 ? 429 : delay !== undefined && e.code === 14 ? 503 : 0, retryAfter: delay ?? 1 });
        }),
      ),
    close: () => client.close(),
  };
}

export interface LoadReport {
  requests: number;
  acceptedSpans: number;
  throttled: number;
  failures: number;
  seconds: number;
}

function post(agent: Agent, url: string, body: Buffer): Promise<{ status: number; retryAfter: number }> {
  return new Promise((resolve) => {
    const req = request(url, { agent, method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers['retry-after'] ?? 1) || 1 }));
    });
    req.on('error', () => resolve({ status: 0, retryAfter: 1 }));
    req.end(body);
  });
}

export async function runLoad(load: LoadRequest): Promise<LoadReport> {
  const { bodies, spansPerBody } = fleetBodies();
  const agent = new Agent({ keepAlive: true, maxSockets: load.concurrency });
  const url = `${load.url}/v1/traces`;
  const grpc = load.grpcPort === undefined ? undefined : grpcSender(load.url, load.grpcPort);
  const send: Send = grpc ? grpc.send : (body) => post(agent, url, body);
  const report: LoadReport = { requests: 0, acceptedSpans: 0, throttled: 0, failures: 0, seconds: 0 };
  const started = Date.now();
  const deadline = started + load.seconds * 1000;
  let next = 0;
  const sender = async (): Promise<void> => {
    while (Date.now() < deadline) {
      const body = bodies[next++ % bodies.length]!;
      // Resend the same body after 429, as an OTLP exporter does.
      for (;;) {
        const { status, retryAfter } = await send(body);
        report.requests++;
        if (status === 200) {
          report.acceptedSpans += spansPerBody;
          break;
        }
        if (status === 429 || status === 503) report.throttled++;
        else report.failures++;
        if (status !== 429 && status !== 503) break;
        await new Promise((r) => setTimeout(r, retryAfter * 1000));
      }
    }
  };
  await Promise.all(Array.from({ length: load.concurrency }, sender));
  report.seconds = (Date.now() - started) / 1000;
  agent.destroy();
  grpc?.close();
  return report;
}

// Forked by the bench: one LoadRequest in, one LoadReport out.
if (process.send) {
  process.once('message', (load: LoadRequest) => {
    void runLoad(load).then((report) => {
      process.send!(report, () => process.exit(0));
    });
  });
}
