/**
 * The fleet as the Collector's loadbalancing exporter makes it: services routed to two `warden
 * serve` replicas, then one service re-routed with its state moved (GET /state, POST /state).
 * The alerts of the two replicas together must be those of one replica that saw everything.
 */
import type { Alert } from '@warden/core';
import { startOtlpReceiver } from '@warden/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { exportingProcessor, simulatedService, simulatedSignals, type FleetProtocol, type SimulatedService } from './fleet-exporters';
import { startServe, type ServeHandle } from './serve';
import { chatCalls, recordChat, seededRandom, type ChatCall } from './simulated-fleet';

const ANALYZER_OPTIONS = { warmup: 100, window: 50 };

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function replica(forward?: string): Promise<{ serve: ServeHandle; alerts: Alert[] }> {
  const serve = await startServe({ port: 0, grpcPort: 0, analyzer: ANALYZER_OPTIONS, ...(forward ? { forward } : {}) });
  cleanups.push(() => serve.close());
  const alerts: Alert[] = [];
  serve.onAlert((a) => alerts.push(a));
  return { serve, alerts };
}

/** A service routed to `serve`; each span also goes to `alsoTo` (the replica that sees everything). */
function service(name: string, protocol: FleetProtocol, serve: ServeHandle, alsoTo?: ServeHandle): SimulatedService {
  const s = simulatedService(name, protocol, serve, alsoTo ? [exportingProcessor(protocol, alsoTo)] : []);
  cleanups.push(() => s.shutdown());
  return s;
}

async function send(calls: ChatCall[], s: SimulatedService): Promise<void> {
  for (const call of calls) recordChat(s.tracer, call);
  await s.flush();
}

function sorted(alerts: Alert[]): Alert[] {
  return [...alerts].sort((a, b) => a.id.localeCompare(b.id));
}

interface GroupsView {
  groups: Array<{ key: { service?: string }; count: number; state: string }>;
}

describe('a fleet of warden serve replicas', () => {
  it('moves a service between replicas with its state and raises the alerts one replica that saw everything raises', async () => {
    const target = await startOtlpReceiver();
    cleanups.push(() => target.close());
    const all = await replica();
    const [first, second] = [await replica(target.url), await replica(target.url)];

    // Routed by service: support (OTLP/gRPC) to the first replica, search (OTLP/HTTP) to the second.
    const random = seededRandom(31);
    const start = Date.UTC(2026, 0, 1);
    const support = service('support', 'grpc', first.serve, all.serve);
    const search = service('search', 'http/protobuf', second.serve, all.serve);
    await send(chatCalls(random, 150, { agent: 'support-agent', model: 'gpt-4o', startMs: start }), support);
    await send(chatCalls(random, 150, { agent: 'search-agent', model: 'gpt-4o', startMs: start }), search);
    await Promise.all([all, first, second].map((r) => r.serve.whenIdle()));

    // A replica is added: support is re-routed to the second replica, and its state moves with it.
    const exported = await fetch(`${first.serve.url}/state?service=support`);
    expect(exported.status).toBe(200);
    const imported = await fetch(`${second.serve.url}/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: await exported.text() });
    expect(imported.status).toBe(200);
    const view = (await (await fetch(`${second.serve.url}/api/groups`)).json()) as GroupsView;
    expect(view.groups.find((g) => g.key.service === 'support')).toMatchObject({ count: 150, state: 'warm' }); // no new warm-up

    // Right after the move, support's output tokens grow fourfold; search stays as it was.
    const moved = service('support', 'grpc', second.serve, all.serve);
    await send(chatCalls(random, 150, { agent: 'support-agent', model: 'gpt-4o', startMs: start + 200_000, outputScale: 4 }), moved);
    await send(chatCalls(random, 150, { agent: 'search-agent', model: 'gpt-4o', startMs: start + 200_000 }), search);
    await Promise.all([all, first, second].map((r) => r.serve.whenIdle()));

    expect(all.alerts.length).toBeGreaterThan(0);
    expect(new Set(all.alerts.map((a) => a.subject.service))).toEqual(new Set(['support']));
    expect(first.alerts).toEqual([]); // support drifted only after it left
    expect(sorted([...first.alerts, ...second.alerts])).toEqual(sorted(all.alerts));
    // The moved service's open incidents are on its new replica.
    const open = (await (await fetch(`${second.serve.url}/alerts/open`)).json()) as Alert[];
    expect(open.filter((a) => a.subject.service === 'support').length).toBeGreaterThan(0);

    // Without the move, the new replica would have learnt the drifted behaviour as normal.
    const fresh = await replica();
    const unmoved = service('support', 'grpc', fresh.serve);
    await send(chatCalls(seededRandom(31), 150, { agent: 'support-agent', model: 'gpt-4o', startMs: start + 200_000, outputScale: 4 }), unmoved);
    await fresh.serve.whenIdle();
    expect(fresh.alerts.filter((a) => a.kind === 'drift')).toEqual([]);
  });

  it("relays the services' metrics and logs, over gRPC and HTTP, to the forward target", async () => {
    const target = await startOtlpReceiver();
    cleanups.push(() => target.close());
    const [first, second] = [await replica(target.url), await replica(target.url)];
    const sent: Array<[string, 'grpc' | 'http/protobuf', ServeHandle]> = [
      ['support', 'grpc', first.serve],
      ['search', 'http/protobuf', second.serve],
    ];
    for (const [name, protocol, serve] of sent) {
      const signals = simulatedSignals(name, protocol, serve);
      cleanups.push(() => signals.shutdown());
      signals.meter.createHistogram('gen_ai.client.token.usage').record(120, { 'gen_ai.token.type': 'output' });
      signals.logger.emit({ body: `${name} handled a request` });
      await signals.flush();
    }
    const metrics = await target.waitFor(2, '/v1/metrics');
    const logs = await target.waitFor(2, '/v1/logs');
    for (const [name] of sent) {
      expect(metrics.filter((m) => m.body.includes(name) && m.body.includes('gen_ai.client.token.usage'))).toHaveLength(1);
      expect(logs.filter((l) => l.body.includes(`${name} handled a request`))).toHaveLength(1);
    }
  });

  it('refuses a state that is not one, naming the field, and answers 404 for a service it does not hold', async () => {
    const { serve } = await replica();
    const post = (body: string) => fetch(`${serve.url}/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const missing = await post(JSON.stringify({ format: 'warden-serve-service-state', version: 1, service: 's', exportedAt: '', alerts: {} }));
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toContain('analyzer');
    expect((await post('{nope')).status).toBe(400);
    expect((await fetch(`${serve.url}/state?service=nobody`)).status).toBe(404);
    expect((await fetch(`${serve.url}/state`)).status).toBe(400);
  });

  it('moves state only with the read token as a bearer token', async () => {
    const readToken = 'r'.repeat(32);
    const serve = await startServe({ port: 0, token: 'i'.repeat(32), readToken });
    cleanups.push(() => serve.close());
    expect((await fetch(`${serve.url}/state?service=s`)).status).toBe(401);
    expect((await fetch(`${serve.url}/state?service=s`, { headers: { authorization: `Bearer ${'i'.repeat(32)}` } })).status).toBe(401);
    expect((await fetch(`${serve.url}/state?service=s`, { headers: { authorization: `Bearer ${readToken}` } })).status).toBe(404);
    const post = await fetch(`${serve.url}/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(401);
  });
});
