import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert } from '@warden/core';
import { onInternalError } from '@warden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatedService } from './fleet-exporters';
import { startServe } from './serve';
import { chatCalls, recordChat, seededRandom } from './simulated-fleet';

// Spans seconds apart: baselines fixed on records alone (the default also asks for 5 minutes of traffic).
const ANALYZER_OPTIONS = { warmup: 100, window: 50, warmupMs: 0 };

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function stateFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'warden-serve-alerts-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'state.json');
}

async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

describe('warden serve alert history across a restart', () => {
  it("GET /alerts, /alerts/open and the live page's view show the same alerts after a restart from --state", async () => {
    const state = await stateFile();
    const first = await startServe({ port: 0, state, analyzer: ANALYZER_OPTIONS });
    const raised: Alert[] = [];
    first.onAlert((a) => raised.push(a));
    const service = simulatedService('billing', 'http/protobuf', first.url);
    const random = seededRandom(23);
    const start = Date.UTC(2026, 0, 1);
    for (const call of chatCalls(random, 150, { agent: 'a', model: 'm', startMs: start })) recordChat(service.tracer, call);
    for (const call of chatCalls(random, 150, { agent: 'a', model: 'm', startMs: start + 200_000, outputScale: 4 })) recordChat(service.tracer, call);
    await service.flush();
    await service.shutdown();
    await first.whenIdle();
    expect(raised.length).toBeGreaterThan(0);
    const before = await getJson<Alert[]>(`${first.url}/alerts?limit=200`);
    const openBefore = await getJson<Alert[]>(`${first.url}/alerts/open`);
    expect(openBefore.length).toBeGreaterThan(0); // the drift is still under way
    await first.close();

    const second = await startServe({ port: 0, state, analyzer: ANALYZER_OPTIONS });
    cleanups.push(() => second.close());
    expect(await getJson<Alert[]>(`${second.url}/alerts?limit=200`)).toEqual(before);
    expect(await getJson<Alert[]>(`${second.url}/alerts/open`)).toEqual(openBefore);
    const view = await getJson<{ alerts: Alert[]; openAlerts: number }>(`${second.url}/api/groups`);
    expect(view.alerts.map((a) => a.id)).toEqual(before.slice(0, 50).map((a) => a.id));
    expect(view.openAlerts).toBe(openBefore.length);
  });

  it('keeps the analyzer state when the saved alerts are damaged, and says so', async () => {
    const state = await stateFile();
    const first = await startServe({ port: 0, state, analyzer: ANALYZER_OPTIONS });
    const service = simulatedService('billing', 'http/json', first.url);
    for (const call of chatCalls(seededRandom(3), 20, { agent: 'a', model: 'm', startMs: Date.UTC(2026, 0, 1) })) recordChat(service.tracer, call);
    await service.flush();
    await service.shutdown();
    await first.close();
    const saved = JSON.parse(await readFile(state, 'utf8')) as Record<string, unknown>;
    await writeFile(state, JSON.stringify({ ...saved, alerts: { recent: [{ id: 7 }] } }));
    const reported: string[] = [];
    const unsubscribe = onInternalError((e) => reported.push(e.where));
    cleanups.push(() => void unsubscribe());
    const second = await startServe({ port: 0, state, analyzer: ANALYZER_OPTIONS });
    cleanups.push(() => second.close());
    expect(reported).toEqual(['serve.restoreAlerts']);
    const view = await getJson<{ groups: Array<{ count: number }> }>(`${second.url}/api/groups`);
    expect(view.groups.reduce((n, g) => n + g.count, 0)).toBe(20);
    expect(await getJson<Alert[]>(`${second.url}/alerts`)).toEqual([]);
  });
});
