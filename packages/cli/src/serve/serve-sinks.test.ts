import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ATTR_GEN_AI_AGENT_NAME, ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_TOOL_NAME, ATTR_SERVICE_NAME } from '@warden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startServe, type ServeHandle } from './serve';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'warden-sinks-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

let n = 0;
/** Tool calls outside the agent's allowedTools: each distinct tool raises one alert at once. */
function misuseBody(tools: string[]): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: ATTR_SERVICE_NAME, value: { stringValue: 'svc' } }] },
        scopeSpans: [
          {
            spans: tools.map((tool, i) => {
              n++;
              const start = BigInt(Date.UTC(2026, 0, 1) + n * 1000) * 1_000_000n;
              return {
                traceId: n.toString(16).padStart(32, 'e'),
                spanId: n.toString(16).padStart(16, 'f'),
                name: `execute_tool ${tool}`,
                startTimeUnixNano: String(start),
                endTimeUnixNano: String(start + 5_000_000n),
                attributes: [
                  { key: ATTR_GEN_AI_OPERATION_NAME, value: { stringValue: 'execute_tool' } },
                  { key: ATTR_GEN_AI_AGENT_NAME, value: { stringValue: `bot-${i}` } },
                  { key: ATTR_GEN_AI_TOOL_NAME, value: { stringValue: tool } },
                ],
              };
            }),
          },
        ],
      },
    ],
  });
}

const ALLOWED = { allowedTools: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`bot-${i}`, ['search']])) };

async function serve(options: Parameters<typeof startServe>[0]): Promise<ServeHandle> {
  const h = await startServe({ port: 0, analyzer: ALLOWED, ...options });
  cleanups.push(() => h.close());
  return h;
}

async function until(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('serve sinks and shutdown', () => {
  it('keeps the alerts a full disk refused, counts the failures, and writes them once the disk takes them', async () => {
    const dir = await tempDir();
    const file = join(dir, 'alerts.jsonl');
    const link = join(dir, 'alerts-link.jsonl');
    await symlink('/dev/full', link); // every write: ENOSPC
    const h = await serve({ alertsFile: link, alertsFileRetryMs: 20 });
    const send = (tools: string[]): Promise<Response> =>
      fetch(`${h.url}/v1/traces`, { method: 'POST', body: misuseBody(tools), headers: { 'content-type': 'application/json' } });
    expect((await send(['shell', 'rm'])).status).toBe(200);
    await h.whenIdle();
    await until(() => h.metrics.alertsFileFailures >= 2); // retried, not given up
    // Space again: the link now points at a real file.
    await writeFile(file, '');
    await rm(link);
    await symlink(file, link);
    expect((await send(['curl'])).status).toBe(200);
    await until(async () => (await readFile(file, 'utf8')).split('\n').filter(Boolean).length === 3);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { subject: { tool: string } }).subject.tool)).toEqual(['shell', 'rm', 'curl']);
    expect(await (await fetch(`${h.url}/metrics`)).text()).toMatch(/warden_serve_alerts_file_failures_total [1-9]/);
    expect(h.metrics.alertsFileDropped).toBe(0);
  });

  it('starts each run on a fresh line when the file ends mid-line', async () => {
    const file = join(await tempDir(), 'alerts.jsonl');
    await writeFile(file, '{"id":"whole"}\n{"id":"torn by a full di');
    const h = await serve({ alertsFile: file });
    await fetch(`${h.url}/v1/traces`, { method: 'POST', body: misuseBody(['shell']), headers: { 'content-type': 'application/json' } });
    await h.whenIdle();
    await h.close();
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines[1]).toBe('{"id":"torn by a full di');
    expect(JSON.parse(lines[2]!)).toMatchObject({ subject: { tool: 'shell' } });
    expect(lines[3]).toBe('');
  });

  it('removes the temp file of a snapshot that failed', async () => {
    const dir = await tempDir();
    const state = join(dir, 'state');
    await mkdir(state); // rename onto a directory fails
    const h = await serve({ state });
    await fetch(`${h.url}/v1/traces`, { method: 'POST', body: misuseBody(['shell']), headers: { 'content-type': 'application/json' } });
    await h.whenIdle();
    await h.close();
    expect(h.metrics.snapshotFailures).toBe(1);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('exits within 5 s of SIGTERM while the webhook hangs', async () => {
    const hanging: Server = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      hanging.closeAllConnections();
      return new Promise((r) => hanging.close(r));
    });
    const webhook = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hook`;
    const script = fileURLToPath(new URL('./serve-process.fixture.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', script, '--port', '0', '--grpc-port', 'off', '--webhook', webhook, '--analyzer', JSON.stringify(ALLOWED)],
      {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await until(() => /listening on (http:\/\/\S+) /.test(stdout), 20_000);
    const url = /listening on (http:\/\/\S+) /.exec(stdout)![1]!;
    const tools = Array.from({ length: 50 }, (_, i) => `tool-${i}`);
    const res = await fetch(`${url}/v1/traces`, { method: 'POST', body: misuseBody(tools), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    await until(async () => /warden_serve_alerts_total\{kind="tool_anomaly"\} 50/.test(await (await fetch(`${url}/metrics`)).text()));
    const sent = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const took = Date.now() - sent;
    expect(took).toBeLessThan(5_000);
    expect(stdout).toContain('stopped');
  });
});
