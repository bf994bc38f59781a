import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedExport {
  path: string;
  contentType: string;
  /** Body after gzip decoding. */
  body: Buffer;
  /** Parsed body for application/json requests. */
  json?: unknown;
}

export interface OtlpReceiver {
  url: string;
  received: ReceivedExport[];
  /** Resolves once `n` exports arrived on `path` (default /v1/traces). */
  waitFor(n: number, path?: string, timeoutMs?: number): Promise<ReceivedExport[]>;
  close(): Promise<void>;
}

/** A minimal OTLP/HTTP endpoint that records what it receives and answers success. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedExport[] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const contentType = String(req.headers['content-type'] ?? '');
      const entry: ReceivedExport = { path: req.url ?? '/', contentType, body };
      if (contentType.includes('json')) entry.json = JSON.parse(body.toString('utf8'));
      received.push(entry);
      waiters.splice(0).forEach((w) => w());
      if (contentType.includes('json')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      } else {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    waitFor(n, path = '/v1/traces', timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(
          () => reject(new Error(`timed out waiting for ${n} exports on ${path}; got ${received.filter((e) => e.path === path).length}`)),
          timeoutMs,
        );
        const check = () => {
          const got = received.filter((e) => e.path === path);
          if (got.length >= n) {
            clearTimeout(deadline);
            resolve(got);
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
