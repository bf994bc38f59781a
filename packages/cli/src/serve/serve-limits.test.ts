import { connect, type Socket } from 'node:net';
import { ATTR_GEN_AI_AGENT_NAME, ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_TOOL_NAME, ATTR_SERVICE_NAME } from '@warden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startServe, type ServeHandle } from './serve';

const handles: ServeHandle[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const h of handles.splice(0)) await h.close();
});

async function serve(options: Parameters<typeof startServe>[0] = {}): Promise<ServeHandle> {
  const h = await startServe({ port: 0, ...options });
  handles.push(h);
  return h;
}

let n = 0;
function spansBody(service: string, spans: Array<{ agent: string; tool?: string }>): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: ATTR_SERVICE_NAME, value: { stringValue: service } }] },
        scopeSpans: [
          {
            spans: spans.map(({ agent, tool }) => {
              n++;
              const start = BigInt(Date.UTC(2026, 0, 1) + n * 1000) * 1_000_000n;
              return {
                traceId: n.toString(16).padStart(32, 'c'),
                spanId: n.toString(16).padStart(16, 'd'),
                name: tool ? `execute_tool ${tool}` : 'chat m',
                startTimeUnixNano: String(start),
                endTimeUnixNano: String(start + 5_000_000n),
                attributes: [
                  { key: ATTR_GEN_AI_OPERATION_NAME, value: { stringValue: tool ? 'execute_tool' : 'chat' } },
                  { key: ATTR_GEN_AI_AGENT_NAME, value: { stringValue: agent } },
                  ...(tool ? [{ key: ATTR_GEN_AI_TOOL_NAME, value: { stringValue: tool } }] : []),
                ],
              };
            }),
          },
        ],
      },
    ],
  });
}

function post(h: ServeHandle, body: string): Promise<Response> {
  return fetch(`${h.url}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
}

/** A raw socket to the server; resolves with everything it receives until the server closes it. */
function rawSocket(h: ServeHandle): { socket: Socket; received: Promise<string> } {
  const url = new URL(h.url);
  const socket = connect(Number(url.port), url.hostname);
  sockets.push(socket);
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (c: string) => (text += c));
  const received = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(text));
    socket.on('error', () => undefined);
  });
  return { socket, received };
}

describe('warden serve under slow and greedy clients', () => {
  it('answers 408 to bodies and headers that trickle in, and serves everyone else meanwhile', async () => {
    const h = await serve({ minBodyBytesPerSecond: 2_000, bodyGraceMs: 300, headersTimeoutMs: 700 });
    const port = new URL(h.url).port;
    const slowBodies = [0, 1, 2].map(() => {
      const c = rawSocket(h);
      c.socket.write(`POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`);
      const drip = setInterval(() => c.socket.writable && c.socket.write(' '), 100);
      c.received.finally(() => clearInterval(drip));
      return c.received;
    });
    const slowHeaders = rawSocket(h);
    slowHeaders.socket.write(`GET /alerts HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
    const dripHeader = setInterval(() => slowHeaders.socket.writable && slowHeaders.socket.write('X-Slow: 1\r\n'), 100);
    slowHeaders.received.finally(() => clearInterval(dripHeader));

    // Everyone else is served while the slow ones hang on.
    const ok = await post(h, spansBody('svc', [{ agent: 'a' }]));
    expect(ok.status).toBe(200);
    expect((await fetch(`${h.url}/alerts`)).status).toBe(200);

    for (const answer of await Promise.all(slowBodies)) expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(await slowHeaders.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(h.metrics.slowBodies).toBe(3);
    expect(h.metrics.bodiesOverBudget).toBe(0);
  });

  it('caps open connections, and a slot comes back once an idle client is cut', async () => {
    const h = await serve({ maxConnections: 3, headersTimeoutMs: 600 });
    const idle = [0, 1, 2].map(() => rawSocket(h));
    await Promise.all(idle.map(({ socket }) => new Promise((r) => socket.once('connect', r))));
    await new Promise((r) => setTimeout(r, 50));
    await expect(fetch(`${h.url}/healthz`)).rejects.toThrow();
    expect(h.metrics.connectionsRefused).toBeGreaterThanOrEqual(1);
    await Promise.all(idle.map(({ received }) => received)); // cut by the header timeout
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('keeps the live page live when 100 idle subscribers hold the event stream', async () => {
    const h = await serve({ analyzer: { allowedTools: { bot: ['search'] } } });
    const idle = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const controller = new AbortController();
        const res = await fetch(`${h.url}/alerts/stream`, { signal: controller.signal });
        expect(res.status).toBe(200);
        return controller;
      }),
    );
    const page = await fetch(`${h.url}/alerts/stream`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = page.body!.getReader();
    expect((await post(h, spansBody('svc', [{ agent: 'bot', tool: 'delete_records' }]))).status).toBe(200);
    let text = '';
    while (!text.includes('event: alert')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('delete_records');
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(Number(/warden_serve_sse_clients (\d+)/.exec(metrics)![1])).toBeLessThanOrEqual(10);
    expect(Number(/warden_serve_sse_displaced_total (\d+)/.exec(metrics)![1])).toBeGreaterThanOrEqual(80); // 91 unless a client closed one itself
    await reader.cancel();
    for (const c of idle) c.abort();
  });

  it('pages /api/groups: each group once, a bounded page, and the fleet total', async () => {
    const h = await serve();
    for (const service of ['alpha', 'beta']) {
      expect(
        (
          await post(
            h,
            spansBody(
              service,
              Array.from({ length: 150 }, (_, i) => ({ agent: `agent-${i}` })),
            ),
          )
        ).status,
      ).toBe(200);
    }
    await h.whenIdle();
    type Page = { groups: Array<{ key: { service: string; agent: string } }>; total: number; nextOffset: number | null; capacity: { groups: number } };
    const seen: string[] = [];
    let offset: number | null = 0;
    let pages = 0;
    while (offset !== null) {
      const page = (await (await fetch(`${h.url}/api/groups?limit=120&offset=${offset}`)).json()) as Page;
      expect(page.total).toBe(300);
      expect(page.groups.length).toBeLessThanOrEqual(120);
      seen.push(...page.groups.map((g) => `${g.key.service}/${g.key.agent}`));
      offset = page.nextOffset;
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(300);
    expect(seen.length).toBe(300);
    const first = (await (await fetch(`${h.url}/api/groups`)).json()) as Page;
    expect(first.groups).toHaveLength(200); // the default page
    expect(first.capacity.groups).toBe(300);
    const beta = (await (await fetch(`${h.url}/api/groups?service=beta&limit=1000`)).json()) as Page;
    expect(beta.total).toBe(150);
    expect(new Set(beta.groups.map((g) => g.key.service))).toEqual(new Set(['beta']));
  });
});
