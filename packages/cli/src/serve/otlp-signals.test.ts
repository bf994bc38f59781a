import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { startOtlpReceiver } from '@warden/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { malformedReason, SignalRelay } from './otlp-signals';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const METRICS_JSON = Buffer.from(JSON.stringify({ resourceMetrics: [{ resource: { attributes: [] }, scopeMetrics: [] }] }));
// ExportLogsServiceRequest { resource_logs: [ResourceLogs {}] } in protobuf: field 1, length 0.
const LOGS_PROTO = Buffer.from([0x0a, 0x00]);

function relay(forwardBase: string | undefined, maxInFlight = 8): SignalRelay {
  return new SignalRelay({ forwardBase, maxInFlight, timeoutMs: 2_000, retryAfterSeconds: 2, maxBodyBytes: 4096 });
}

async function downstream(answer: (path: string) => { status: number; headers?: Record<string, string>; body?: string }): Promise<string> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const a = answer(req.url ?? '');
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('metrics and logs relay', () => {
  it("forwards the bytes unchanged (gzip kept) to /v1/metrics and /v1/logs and answers with the downstream's response", async () => {
    const target = await startOtlpReceiver();
    cleanups.push(() => target.close());
    const r = relay(target.url);
    const gz = gzipSync(METRICS_JSON);
    const metrics = await r.relay({ signal: 'metrics', body: gz, encoding: 'json', contentEncoding: 'gzip' });
    expect(metrics.outcome.kind).toBe('ok');
    expect(metrics.body?.toString()).toBe('{}');
    const logs = await r.relay({ signal: 'logs', body: LOGS_PROTO, encoding: 'protobuf' });
    expect(logs.outcome.kind).toBe('ok');
    const [m] = await target.waitFor(1, '/v1/metrics');
    const [l] = await target.waitFor(1, '/v1/logs');
    expect(m!.body.equals(METRICS_JSON)).toBe(true); // the receiver gunzipped what was relayed gzipped
    expect(m!.contentType).toBe('application/json');
    expect(l!.body.equals(LOGS_PROTO)).toBe(true);
    expect(l!.contentType).toBe('application/x-protobuf');
    expect(r.count('metrics', 'forwarded')).toBe(1);
    expect(r.count('logs', 'forwarded')).toBe(1);
  });

  it('answers an empty success and counts the request when there is nowhere to forward', async () => {
    const r = relay(undefined);
    const json = await r.relay({ signal: 'metrics', body: METRICS_JSON, encoding: 'json' });
    expect(json).toEqual({ outcome: { kind: 'ok', response: Buffer.alloc(0) }, body: Buffer.from('{}') });
    const proto = await r.relay({ signal: 'logs', body: LOGS_PROTO, encoding: 'protobuf' });
    expect(proto.body?.length).toBe(0);
    expect(r.renderMetrics()).toContain('warden_serve_signal_requests_total{signal="metrics",outcome="discarded"} 1');
    expect(r.renderMetrics()).toContain('warden_serve_signal_requests_total{signal="logs",outcome="discarded"} 1');
  });

  it('refuses bodies that are not OTLP, without forwarding them', async () => {
    expect(malformedReason('metrics', Buffer.from('{"resourceMetrics": 3}'), 'json')).toBe('resourceMetrics is not a list');
    expect(malformedReason('logs', Buffer.from('[1]'), 'json')).toBe('body is not an OTLP logs request');
    expect(malformedReason('logs', Buffer.from('{nope'), 'json')).toMatch(/does not parse/);
    expect(malformedReason('logs', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), 'protobuf')).toMatch(/does not decode/);
    expect(malformedReason('logs', Buffer.from('{"resourceLogs": []}'), 'json')).toBeUndefined();
    const target = await startOtlpReceiver();
    cleanups.push(() => target.close());
    const r = relay(target.url);
    const answer = await r.relay({ signal: 'logs', body: Buffer.from('{nope'), encoding: 'json' });
    expect(answer.outcome.kind).toBe('invalid');
    expect(target.received).toHaveLength(0);
    const bomb = gzipSync(Buffer.from(JSON.stringify({ resourceLogs: [], pad: 'x'.repeat(10_000) })));
    expect((await r.relay({ signal: 'logs', body: bomb, encoding: 'json', contentEncoding: 'gzip' })).outcome.kind).toBe('too_large');
    expect((await r.relay({ signal: 'logs', body: Buffer.from('nope'), encoding: 'json', contentEncoding: 'gzip' })).outcome.kind).toBe('invalid');
    expect(target.received).toHaveLength(0);
    expect(r.count('logs', 'malformed')).toBe(3);
  });

  it("passes the downstream's throttling and failures back as retryable, so the sender keeps the data", async () => {
    let next = [{ status: 429, headers: { 'retry-after': '7' } }, { status: 503 }, { status: 400 }];
    const url = await downstream(() => next.shift() ?? { status: 200 });
    const r = relay(url);
    const send = () => r.relay({ signal: 'metrics', body: METRICS_JSON, encoding: 'json' });
    expect((await send()).outcome).toEqual({ kind: 'throttled', message: 'forward target answered 429', retryAfterSeconds: 7 });
    expect((await send()).outcome).toEqual({ kind: 'unavailable', message: 'forward target answered 503', retryAfterSeconds: 2 });
    expect((await send()).outcome.kind).toBe('invalid');
    expect((await send()).outcome.kind).toBe('ok');
    next = [];
    const gone = relay('http://127.0.0.1:1');
    const unreachable = await gone.relay({ signal: 'logs', body: LOGS_PROTO, encoding: 'protobuf' });
    expect(unreachable.outcome.kind).toBe('unavailable');
    expect(r.count('metrics', 'failed')).toBe(3);
  });

  it('throttles beyond the bound on forwards in flight', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const server: Server = createServer((req, res) => {
      req.resume();
      void held.then(() => res.end('{}'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    const r = relay(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 1);
    const first = r.relay({ signal: 'metrics', body: METRICS_JSON, encoding: 'json' });
    await new Promise((res) => setTimeout(res, 50));
    expect(r.pending).toBe(1);
    expect((await r.relay({ signal: 'metrics', body: METRICS_JSON, encoding: 'json' })).outcome.kind).toBe('throttled');
    release();
    expect((await first).outcome.kind).toBe('ok');
  });
});
