import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Worker } from 'node:worker_threads';
import { ATTR_GEN_AI_OPERATION_NAME, ATTR_SERVICE_NAME } from '@warden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeTraceResponse } from './otlp-decode';
import { ExportTraceServiceRequestType } from './otlp-schema';
import { startServe, type ServeHandle } from './serve';

const handles: ServeHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
});

async function serve(options: Parameters<typeof startServe>[0] = {}): Promise<ServeHandle> {
  const h = await startServe({ port: 0, ...options });
  handles.push(h);
  return h;
}

let spanCounter = 0;
/** An OTLP/JSON span; GenAI when `genAi`. */
function jsonSpan(genAi: boolean, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  spanCounter++;
  const start = BigInt(Date.UTC(2026, 0, 1)) * 1_000_000n + BigInt(spanCounter) * 1_000_000_000n;
  return {
    traceId: spanCounter.toString(16).padStart(32, 'a'),
    spanId: spanCounter.toString(16).padStart(16, 'b'),
    name: genAi ? 'chat gpt-4o' : 'GET /',
    kind: 3,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 250_000_000n),
    attributes: genAi
      ? [
          { key: ATTR_GEN_AI_OPERATION_NAME, value: { stringValue: 'chat' } },
          { key: 'gen_ai.usage.output_tokens', value: { intValue: '120' } },
        ]
      : [{ key: 'http.route', value: { stringValue: '/' } }],
    ...overrides,
  };
}

function jsonRequest(spans: unknown[], service = 'svc'): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: ATTR_SERVICE_NAME, value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: 't' }, spans }],
      },
    ],
  });
}

function post(h: ServeHandle, body: string | Buffer | ReadableStream<Uint8Array>, headers: Record<string, string>): Promise<Response> {
  return fetch(`${h.url}/v1/traces`, { method: 'POST', body, headers, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
}

describe('warden serve over HTTP', () => {
  it('answers partial success for malformed spans and analyses the rest (JSON and protobuf)', async () => {
    const h = await serve();
    const res = await post(h, jsonRequest([jsonSpan(true), jsonSpan(true, { traceId: 'nothex' }), jsonSpan(false), jsonSpan(true, { endTimeUnixNano: '5' })]), {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const partial = decodeTraceResponse(Buffer.from(await res.arrayBuffer()), 'json');
    expect(partial?.rejectedSpans).toBe(2);
    expect(partial?.errorMessage).toContain('invalid traceId');

    const proto = ExportTraceServiceRequestType.encode(
      ExportTraceServiceRequestType.fromObject({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'x', startTimeUnixNano: 1e18, endTimeUnixNano: 1e18 + 1e6 },
                  { traceId: Buffer.alloc(3, 1), spanId: Buffer.alloc(8, 2), name: 'short id', startTimeUnixNano: 1e18, endTimeUnixNano: 1e18 },
                ],
              },
            ],
          },
        ],
      }),
    ).finish();
    const res2 = await post(h, Buffer.from(proto), { 'content-type': 'application/x-protobuf' });
    expect(res2.status).toBe(200);
    expect(res2.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeTraceResponse(Buffer.from(await res2.arrayBuffer()), 'protobuf')).toEqual({
      rejectedSpans: 1,
      errorMessage: expect.stringContaining('invalid traceId'),
    });

    await h.whenIdle();
    expect(h.metrics.spansReceived).toBe(6);
    expect(h.metrics.spansRejected).toBe(3);
    expect(h.metrics.spansAnalyzed).toBe(1);
    expect(h.metrics.spansIgnored).toBe(2);
  });

  it('answers 400 to bodies that are not OTLP, 413 to oversized ones, 415 to other media types, and keeps serving', async () => {
    const h = await serve({ maxBodyBytes: 4096 });
    const json = { 'content-type': 'application/json' };
    expect((await post(h, '{nope', json)).status).toBe(400);
    expect((await post(h, '{"resourceSpans": {}}', json)).status).toBe(400);
    expect((await post(h, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), { 'content-type': 'application/x-protobuf' })).status).toBe(400);
    expect((await post(h, Buffer.from('not gzip'), { ...json, 'content-encoding': 'gzip' })).status).toBe(400);
    expect((await post(h, 'x'.repeat(5000), json)).status).toBe(413); // Content-Length says so
    const chunked = new ReadableStream({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode('y'.repeat(1000)));
        c.close();
      },
    });
    expect((await post(h, chunked, json)).status).toBe(413); // no Content-Length: counted while streaming
    const bomb = gzipSync(Buffer.from(jsonRequest(Array.from({ length: 200 }, () => jsonSpan(true)))));
    expect(bomb.length).toBeLessThan(4096);
    expect((await post(h, bomb, { ...json, 'content-encoding': 'gzip' })).status).toBe(413); // too large once inflated
    expect((await post(h, 'hello', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(h, '{}', { ...json, 'content-encoding': 'br' })).status).toBe(415);
    expect((await fetch(`${h.url}/v1/traces`)).status).toBe(405);
    expect((await fetch(`${h.url}/nowhere`)).status).toBe(404);

    expect(h.metrics.malformedBodies).toBe(4);
    expect(h.metrics.oversizedBodies).toBe(3);
    const gz = gzipSync(Buffer.from(jsonRequest([jsonSpan(true)])));
    expect((await post(h, gz, { ...json, 'content-encoding': 'gzip' })).status).toBe(200);
    expect(await (await fetch(`${h.url}/healthz`)).text()).toBe('ok\n');
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toContain('warden_serve_requests_total{status="400"} 4');
    expect(metrics).toContain('warden_serve_requests_total{status="413"} 3');
    expect(metrics).toContain('warden_serve_malformed_bodies_total 4');
  });

  it('answers 429 when too many body bytes are in flight, yet lets a lone large request through', async () => {
    const h = await serve({ maxInflightBytes: 700, retryAfterSeconds: 3 });
    const inFlight = async (): Promise<number> => Number(/warden_serve_body_bytes_in_flight (\d+)/.exec(await (await fetch(`${h.url}/metrics`)).text())![1]);
    const bodyA = Buffer.from(jsonRequest(Array.from({ length: 10 }, () => jsonSpan(true))));
    expect(bodyA.length).toBeGreaterThan(1400);
    const a = request(`${h.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': bodyA.length } });
    const answerA = new Promise<number>((resolve) =>
      a.on('response', (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      }),
    );
    a.write(bodyA.subarray(0, 600)); // A holds 600 bytes and waits for the rest
    const deadline = Date.now() + 5_000;
    while ((await inFlight()) !== 600 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const b = await post(h, jsonRequest([jsonSpan(true)]), { 'content-type': 'application/json' });
    expect(b.status).toBe(429);
    expect(b.headers.get('retry-after')).toBe('3');
    a.end(bodyA.subarray(600));
    expect(await answerA).toBe(200); // alone, over the budget, still accepted
    expect(await inFlight()).toBe(0);
    expect(h.metrics.bodiesOverBudget).toBe(1);
  });

  it('answers 429 with Retry-After when the queue is full, and the SDK exporter retries until everything is analysed', async () => {
    const h = await serve({ maxQueue: 40, retryAfterSeconds: 1 });
    await whileThisThreadSleeps(
      `
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
      const { resourceFromAttributes } = require('@opentelemetry/resources');
      const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
      const services = ['a', 'b', 'c', 'd'].map((name) => {
        const exporter = new OTLPTraceExporter({ url: workerData.url + '/v1/traces', timeoutMillis: 20000 });
        const provider = new BasicTracerProvider({
          resource: resourceFromAttributes({ 'service.name': name }),
          spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 1000, maxExportBatchSize: 1000, scheduledDelayMillis: 3600000 })],
        });
        return { name, provider, tracer: provider.getTracer('t') };
      });
      const chats = (n) => {
        for (const { name, tracer } of services) {
          for (let i = 0; i < n; i++) {
            const s = tracer.startSpan('chat m', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.agent.name': name, 'gen_ai.usage.output_tokens': 100 + i } });
            s.end();
          }
        }
        return Promise.all(services.map((s) => s.provider.forceFlush()));
      };
      // One span each first, so every exporter holds an open keep-alive connection.
      chats(1).then(() => {
        ready();
        whenWritten(4);
        return chats(30);
      }).then(() => done([]));
      `,
      h.url,
    );
    await h.whenIdle();
    expect(h.metrics.requestsByStatus.get(429)).toBeGreaterThan(0);
    expect(h.metrics.spansThrottled).toBe(30 * h.metrics.requestsByStatus.get(429)!);
    // Nothing silently dropped: every span was analysed once, after the exporter's retries.
    expect(h.metrics.spansAnalyzed).toBe(124);
    expect(h.metrics.spansReceived).toBe(h.metrics.spansAnalyzed + h.metrics.spansThrottled);
  });

  it('tells the sender when to retry (Retry-After) and refuses nothing it has room for', async () => {
    const h = await serve({ maxQueue: 2, retryAfterSeconds: 7 });
    const body = jsonRequest([jsonSpan(true), jsonSpan(true)]);
    const answers = (await whileThisThreadSleeps(
      `
      const agent = new http.Agent({ keepAlive: true, maxSockets: 3 });
      const send = (path, body) => new Promise((resolve, reject) => {
        const req = http.request(workerData.url + path, { agent, method: body ? 'POST' : 'GET', headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => resolve([res.statusCode, res.headers['retry-after'] ?? null]));
        });
        req.on('error', reject);
        req.end(body);
      });
      // Three open keep-alive connections first.
      Promise.all([1, 2, 3].map(() => send('/healthz'))).then(() => {
        ready();
        whenWritten(3);
        return Promise.all([1, 2, 3].map(() => send('/v1/traces', workerData.body)));
      }).then(done);
      `,
      h.url,
      { body },
    )) as Array<[number, string | null]>;
    expect(answers.map(([status]) => status).sort()).toEqual([200, 429, 429]);
    for (const [status, retryAfter] of answers) expect(retryAfter).toBe(status === 429 ? '7' : null);
    await h.whenIdle();
    expect(h.metrics.spansAnalyzed).toBe(2);
  });
});

/**
 * Runs `code` on a worker thread, with `http`, `workerData`, `ready()`, `whenWritten(n)` and
 * `done(result)`. From `ready()` this thread sleeps until the worker's next `n` HTTP requests
 * are fully written on already-open connections: when it wakes they are all readable at once
 * and handled in one turn of the event loop, before the analyzer's turn. That makes a full
 * queue deterministic.
 */
async function whileThisThreadSleeps(code: string, url: string, data: Record<string, unknown> = {}): Promise<unknown> {
  const go = new Int32Array(new SharedArrayBuffer(4));
  const written = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `
    const { workerData, parentPort } = require('node:worker_threads');
    const http = require('node:http');
    const go = new Int32Array(workerData.go);
    const writtenFlag = new Int32Array(workerData.written);
    const request = http.request;
    let written = 0;
    let expected = Infinity;
    const ready = () => {
      parentPort.postMessage({ ready: true });
      Atomics.wait(go, 0, 0, 15000);
      written = 0;
    };
    const whenWritten = (n) => { expected = n; };
    const done = (result) => parentPort.postMessage({ result });
    // Wrap the request function every HTTP client here uses (the OTLP exporter imports it too).
    http.request = function (...args) {
      const req = request.apply(this, args);
      req.on('finish', () => {
        if (++written === expected) { Atomics.store(writtenFlag, 0, 1); Atomics.notify(writtenFlag, 0); }
      });
      return req;
    };
    require('node:module').syncBuiltinESMExports();
    ${code}
    `,
    { eval: true, workerData: { url, go: go.buffer, written: written.buffer, ...data } },
  );
  try {
    return await new Promise<unknown>((resolve, reject) => {
      worker.on('message', (m: { ready?: boolean; result?: unknown }) => {
        if (m.ready) {
          Atomics.store(go, 0, 1);
          Atomics.notify(go, 0);
          Atomics.wait(written, 0, 0, 15_000);
          // Written by the worker; give the loopback a moment to hand every byte to this side.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        } else {
          resolve(m.result);
        }
      });
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}
