import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Analyzer, AnalyzerSpanProcessor } from '@warden/analyzer';
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_SERVICE_NAME,
  onInternalError,
  type Alert,
} from '@warden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatedService, type SimulatedService } from './fleet-exporters';
import type { FleetSnapshot } from './fleet-analyzer';
import { startServe, type ServeHandle } from './serve';
import { chatCalls, recordChat, seededRandom, type ChatCall } from './simulated-fleet';

// Spans seconds apart: baselines fixed on records alone (the default also asks for 5 minutes of traffic).
const ANALYZER_OPTIONS = { warmup: 100, window: 50, warmupMs: 0 };

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'warden-serve-state-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function withoutIds(alerts: Alert[]): unknown[] {
  return alerts.map(({ id: _id, ...rest }) => rest);
}

describe('warden serve state', () => {
  it('continues after a restart from its snapshot: no relearning, no repeated alert', async () => {
    const state = join(await tempDir(), 'state', 'analyzer.json');
    const random = seededRandom(11);
    const start = Date.UTC(2026, 0, 1);
    const baseline = chatCalls(random, 150, { agent: 'triage', model: 'gpt-4o', startMs: start });
    const shifted = chatCalls(random, 200, { agent: 'triage', model: 'gpt-4o', startMs: start + 200_000, outputScale: 4 });
    const runs: ChatCall[][] = [[...baseline, ...shifted.slice(0, 100)], shifted.slice(100)];

    const inProcess = new Analyzer(ANALYZER_OPTIONS);
    const expected: Alert[][] = [[], []];
    let run = 0;
    inProcess.on('alert', (a) => expected[run]!.push(a));

    const served: Alert[][] = [[], []];
    for (run = 0; run < 2; run++) {
      const serve: ServeHandle = await startServe({ port: 0, state, analyzer: ANALYZER_OPTIONS });
      const current = run;
      serve.onAlert((a) => served[current]!.push(a));
      const service: SimulatedService = simulatedService('intake', 'http/protobuf', serve.url, [new AnalyzerSpanProcessor(inProcess)]);
      for (const call of runs[run]!) recordChat(service.tracer, call);
      await service.flush();
      await service.shutdown();
      await serve.whenIdle();
      if (run === 1) {
        const view = (await (await fetch(`${serve.url}/api/groups`)).json()) as { groups: Array<{ count: number; state: string }> };
        expect(view.groups).toHaveLength(1);
        expect(view.groups[0]).toMatchObject({ count: 350, state: 'warm' }); // counted on, not relearnt
      }
      await serve.close();
      expect(serve.metrics.snapshotsWritten).toBeGreaterThanOrEqual(1);
    }
    expect(expected[0]!.length).toBeGreaterThan(0);
    expect(withoutIds(served[0]!)).toEqual(withoutIds(expected[0]!));
    // After the restart the drift is still the known, active alert: exactly what the
    // never-restarted analyzer says (nothing new), not a fresh alert from a relearnt baseline.
    expect(withoutIds(served[1]!)).toEqual(withoutIds(expected[1]!));
  });

  it('writes the snapshot periodically while running, not only on shutdown', async () => {
    const state = join(await tempDir(), 'analyzer.json');
    const serve = await startServe({ port: 0, state, snapshotIntervalMs: 50, analyzer: ANALYZER_OPTIONS });
    cleanups.push(() => serve.close());
    const service = simulatedService('periodic', 'http/json', serve.url);
    cleanups.push(() => service.shutdown());
    for (const call of chatCalls(seededRandom(5), 30, { agent: 'a', model: 'm', startMs: Date.UTC(2026, 0, 1) })) recordChat(service.tracer, call);
    await service.flush();
    await serve.whenIdle();
    const deadline = Date.now() + 5_000;
    while (serve.metrics.snapshotsWritten === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const snapshot = JSON.parse(await readFile(state, 'utf8')) as FleetSnapshot;
    expect(
      Analyzer.restore(snapshot.services.periodic!)
        .groups()
        .reduce((n, g) => n + g.count, 0),
    ).toBe(30);
  });

  it('starts fresh (and says so) when the snapshot file is damaged', async () => {
    const dir = await tempDir();
    const state = join(dir, 'analyzer.json');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(state, '{ half a snapsh');
    const reported: string[] = [];
    const unsubscribe = onInternalError((e) => reported.push(e.where));
    cleanups.push(() => void unsubscribe());
    const serve = await startServe({ port: 0, state });
    cleanups.push(() => serve.close());
    expect(reported).toEqual(['serve.restoreState']);
    expect((await fetch(`${serve.url}/healthz`)).status).toBe(200);
  });

  it('on SIGTERM analyses everything it accepted, writes the snapshot, then exits 0', async () => {
    const state = join(await tempDir(), 'analyzer.json');
    const script = fileURLToPath(new URL('./serve-process.fixture.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--port', '0', '--grpc-port', '0', '--state', state, '--snapshot-interval', '3600'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const deadline = Date.now() + 20_000;
    while (!/listening on (http:\/\/\S+) /.test(stdout)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`serve did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const url = /listening on (http:\/\/\S+) /.exec(stdout)![1]!;

    const requests = 20;
    const perRequest = 250;
    const sends: Promise<Response>[] = [];
    for (let r = 0; r < requests; r++) {
      const spans = Array.from({ length: perRequest }, (_, i) => {
        const n = r * perRequest + i + 1;
        const startNs = BigInt(Date.UTC(2026, 0, 1) + n) * 1_000_000n;
        return {
          traceId: n.toString(16).padStart(32, '1'),
          spanId: n.toString(16).padStart(16, '2'),
          name: 'chat m',
          startTimeUnixNano: String(startNs),
          endTimeUnixNano: String(startNs + 300_000_000n),
          attributes: [
            { key: ATTR_GEN_AI_OPERATION_NAME, value: { stringValue: 'chat' } },
            { key: ATTR_GEN_AI_AGENT_NAME, value: { stringValue: 'bulk' } },
            { key: ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, value: { intValue: 100 + (n % 50) } },
          ],
        };
      });
      const body = JSON.stringify({
        resourceSpans: [{ resource: { attributes: [{ key: ATTR_SERVICE_NAME, value: { stringValue: 'batch' } }] }, scopeSpans: [{ spans }] }],
      });
      sends.push(fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
    }
    const answers = await Promise.all(sends);
    expect(answers.map((a) => a.status)).toEqual(Array(requests).fill(200));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain(`stopped (received ${requests * perRequest}, analyzed ${requests * perRequest} spans)`);

    const snapshot = JSON.parse(await readFile(state, 'utf8')) as FleetSnapshot;
    const restored = Analyzer.restore(snapshot.services.batch!);
    expect(restored.groups().reduce((n, g) => n + g.count, 0)).toBe(requests * perRequest);
  });
});
