import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpGrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ATTR_GEN_AI_OPERATION_NAME, ATTR_SERVICE_NAME, WardenConfigError } from '@warden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startServe, type ServeHandle } from './serve';
import { parseServeArgs, runServeCommand } from './serve-command';

const TOKEN = 'ingest-token-0123456789abcdef';
const READ_TOKEN = 'read-token-0123456789abcdef';

const handles: ServeHandle[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function serve(options: Parameters<typeof startServe>[0] = {}): Promise<ServeHandle> {
  const h = await startServe({ port: 0, ...options });
  handles.push(h);
  return h;
}

function body(): string {
  const start = BigInt(Date.UTC(2026, 0, 1)) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: ATTR_SERVICE_NAME, value: { stringValue: 'svc' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: 'a'.repeat(32),
                spanId: 'b'.repeat(16),
                name: 'chat m',
                startTimeUnixNano: String(start),
                endTimeUnixNano: String(start + 1_000_000n),
                attributes: [{ key: ATTR_GEN_AI_OPERATION_NAME, value: { stringValue: 'chat' } }],
              },
            ],
          },
        ],
      },
    ],
  });
}

function ingest(h: ServeHandle, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${h.url}/v1/traces`, { method: 'POST', body: body(), headers: { 'content-type': 'application/json', ...headers } });
}

/** A raw request, so Host and Origin can be anything (fetch would not let a test set Host). */
function raw(h: ServeHandle, path: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${h.url}${path}`, { method, headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('access to warden serve', () => {
  it('refuses to listen beyond loopback without a token, with a message that says what to do', async () => {
    await expect(startServe({ port: 0, host: '0.0.0.0' })).rejects.toThrow(WardenConfigError);
    await expect(startServe({ port: 0, host: '0.0.0.0' })).rejects.toThrow(/token is required: set WARDEN_SERVE_TOKEN/);
    let stderr = '';
    const code = await runServeCommand(['--host', '0.0.0.0', '--port', '0'], {
      stdout: { write: () => true },
      stderr: { write: (t: string) => (stderr += t) },
    });
    expect(code).toBe(2);
    expect(stderr).toContain('listens beyond this machine');
    await expect(startServe({ port: 0, token: 'short' })).rejects.toThrow(/token.*16 characters/);
    await expect(startServe({ port: 0, headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 })).rejects.toThrow(
      /headersTimeoutMs \(5000\) must not exceed requestTimeoutMs/,
    );
  });

  it('takes spans only with the ingest token, and opens reads only with the read token', async () => {
    const h = await serve({ token: TOKEN, readToken: READ_TOKEN });
    expect((await ingest(h)).status).toBe(401);
    expect((await ingest(h, { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await ingest(h, { authorization: `Bearer ${READ_TOKEN}` })).status).toBe(401);
    expect((await ingest(h, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    for (const path of ['/alerts', '/alerts/stream', '/api/groups', '/api/posture', '/metrics', '/live.js']) {
      const res = await fetch(`${h.url}${path}`);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect((await fetch(`${h.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, path).toBe(401);
    }
    const groups = await fetch(`${h.url}/api/groups`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
    expect(groups.status).toBe(200);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200); // probes need no token
    await h.whenIdle();
    expect(h.metrics.spansAnalyzed).toBe(1);
    expect(h.metrics.authFailures).toBeGreaterThanOrEqual(15);
  });

  it('takes OTLP/gRPC exports only with the token in the authorization metadata', async () => {
    const h = await serve({ token: TOKEN, grpcPort: 0 });
    const memory = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('t');
    tracer.startSpan('chat m', { attributes: { 'gen_ai.operation.name': 'chat' } }).end();
    const send = async (metadata?: Metadata): Promise<ExportResult> => {
      const exporter = new OtlpGrpcTraceExporter({ url: `http://127.0.0.1:${h.grpcPort}`, ...(metadata ? { metadata } : {}) });
      try {
        return await new Promise((resolve) => exporter.export(memory.getFinishedSpans(), resolve));
      } finally {
        await exporter.shutdown();
      }
    };
    const refused = await send();
    expect(refused.code).toBe(ExportResultCode.FAILED);
    expect((refused.error as ServiceError).code).toBe(status.UNAUTHENTICATED);
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${TOKEN}`);
    expect((await send(metadata)).code).toBe(ExportResultCode.SUCCESS);
    await h.whenIdle();
    expect(h.metrics.spansAnalyzed).toBe(1);
  });

  it('gives the live page a session after the read token is typed in, which never opens ingest', async () => {
    const h = await serve({ token: TOKEN });
    const form = await fetch(`${h.url}/`);
    expect(form.status).toBe(401);
    expect(await form.text()).toContain('<form method="post" action="login">');
    const login = (token: string): Promise<Response> => fetch(`${h.url}/login`, { method: 'POST', body: new URLSearchParams({ token }), redirect: 'manual' });
    expect((await login('not-the-token-at-all')).status).toBe(401);
    const ok = await login(TOKEN);
    expect(ok.status).toBe(303);
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0]!;
    expect((await fetch(`${h.url}/`, { headers: { cookie: session } })).status).toBe(200);
    expect((await fetch(`${h.url}/api/groups`, { headers: { cookie: session } })).status).toBe(200);
    expect((await ingest(h, { cookie: session })).status).toBe(401);
  });

  it('answers only to its own names and origins (DNS rebinding, cross-site pages)', async () => {
    const h = await serve();
    const port = new URL(h.url).port;
    expect((await raw(h, '/api/groups', { host: `127.0.0.1:${port}` })).status).toBe(200);
    expect((await raw(h, '/api/groups', { host: `localhost:${port}` })).status).toBe(200);
    // A rebound name reaches the socket with the attacker's Host.
    expect((await raw(h, '/api/groups', { host: `attacker.example:${port}` })).status).toBe(421);
    expect((await raw(h, '/v1/traces', { host: `attacker.example:${port}`, 'content-type': 'application/json' }, 'POST')).status).toBe(421);
    // A page elsewhere posting through the browser sends its Origin.
    expect(
      (await raw(h, '/v1/traces', { host: `127.0.0.1:${port}`, origin: 'https://attacker.example', 'content-type': 'application/json' }, 'POST')).status,
    ).toBe(403);
    expect((await raw(h, '/alerts', { host: `127.0.0.1:${port}`, origin: 'null' })).status).toBe(403);
    expect((await raw(h, '/alerts', { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    const proxied = await serve({ allowedHosts: ['warden.internal'] });
    expect((await raw(proxied, '/alerts', { host: 'warden.internal' })).status).toBe(200);
  });

  it('serves the live page with a policy that allows no inline script and no framing', async () => {
    const h = await serve();
    const page = await fetch(`${h.url}/`);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).toContain('<script src="live.js"></script>');
    expect(html).not.toMatch(/<script>/);
    expect(html).not.toMatch(/\sstyle="/);
    const script = await fetch(`${h.url}/live.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain("new EventSource('alerts/stream')");
    for (const path of ['/alerts', '/api/groups', '/metrics', '/nowhere']) {
      expect((await fetch(`${h.url}${path}`)).headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('reads tokens from the environment or a file only this user can read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-token-'));
    dirs.push(dir);
    const file = join(dir, 'token');
    await writeFile(file, `${TOKEN}\n`, { mode: 0o600 });
    expect(parseServeArgs(['--token-file', file], {})).toMatchObject({ token: TOKEN });
    expect(parseServeArgs([], { WARDEN_SERVE_TOKEN: TOKEN, WARDEN_SERVE_READ_TOKEN: READ_TOKEN })).toMatchObject({ token: TOKEN, readToken: READ_TOKEN });
    await chmod(file, 0o644);
    expect(() => parseServeArgs(['--token-file', file], {})).toThrow(/readable by others \(mode 0644\); chmod 600/);
    expect(() => parseServeArgs(['--token-file', join(dir, 'missing')], {})).toThrow(/cannot read/);
  });
});
