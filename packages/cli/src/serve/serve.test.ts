import { Analyzer, AnalyzerSpanProcessor } from '@warden/analyzer';
import type { Alert } from '@warden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatedService, type FleetProtocol, type SimulatedService } from './fleet-exporters';
import { startServe, type ServeHandle } from './serve';
import { chatCalls, recordChat, recordHttpSpan, seededRandom } from './simulated-fleet';

// Spans seconds apart: baselines fixed on records alone (the default also asks for 5 minutes of traffic).
const ANALYZER_OPTIONS = { warmup: 100, window: 50, warmupMs: 0 };

/** Alerts compared field by field, except the id (unique per process by design). */
function comparable(alerts: Alert[]): unknown[] {
  return alerts.map(({ id: _id, ...rest }) => rest).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const open: Array<ServeHandle | SimulatedService> = [];
afterEach(async () => {
  for (const h of open.splice(0).reverse()) await ('close' in h ? h.close() : h.shutdown());
});

describe('warden serve', () => {
  it('raises the same alerts as the in-process analyzer on spans from several services (protobuf, gzip, JSON)', async () => {
    const serve = await startServe({ port: 0, analyzer: ANALYZER_OPTIONS });
    open.push(serve);
    const served: Alert[] = [];
    serve.onAlert((a) => served.push(a));

    const inProcess = new Analyzer(ANALYZER_OPTIONS);
    const local: Alert[] = [];
    inProcess.on('alert', (a) => local.push(a));

    const fleet: Array<[string, FleetProtocol, number]> = [
      ['checkout', 'http/protobuf', 1], // stays stable
      ['support', 'http/protobuf+gzip', 4], // output tokens x4 after warm-up
      ['search', 'http/json', 4],
    ];
    const services = fleet.map(([name, protocol]) => {
      const s = simulatedService(name, protocol, serve.url, [new AnalyzerSpanProcessor(inProcess)]);
      open.push(s);
      return s;
    });
    const random = seededRandom(7);
    const start = Date.UTC(2026, 0, 1);
    let genAi = 0;
    let other = 0;
    for (const phase of ['baseline', 'shift'] as const) {
      for (const [i, [name, , scale]] of fleet.entries()) {
        const calls = chatCalls(random, 150, {
          agent: `${name}-agent`,
          model: 'gpt-4o',
          startMs: start + (phase === 'shift' ? 200_000 : 0),
          outputScale: phase === 'shift' ? scale : 1,
        });
        for (const [n, call] of calls.entries()) {
          recordChat(services[i]!.tracer, call);
          genAi++;
          if (n % 10 === 0) {
            recordHttpSpan(services[i]!.tracer, call.startMs);
            other++;
          }
        }
      }
      await Promise.all(services.map((s) => s.flush()));
    }
    await serve.whenIdle();

    expect(local.length).toBeGreaterThan(0);
    expect(comparable(served)).toEqual(comparable(local));
    const driftedServices = new Set(served.map((a) => a.subject.service));
    expect(driftedServices.has('support')).toBe(true);
    expect(driftedServices.has('search')).toBe(true);
    expect(driftedServices.has('checkout')).toBe(false);

    expect(serve.metrics.spansReceived).toBe(genAi + other);
    expect(serve.metrics.spansAnalyzed).toBe(genAi);
    expect(serve.metrics.spansIgnored).toBe(other);
    expect(serve.metrics.spansRejected).toBe(0);

    const metrics = await (await fetch(`${serve.url}/metrics`)).text();
    expect(metrics).toContain(`warden_serve_spans_analyzed_total ${genAi}`);
    expect(metrics).toContain('warden_serve_requests_total{status="200"} 6');
    for (const kind of new Set(served.map((a) => a.kind))) {
      expect(metrics).toContain(`warden_serve_alerts_total{kind="${kind}"} ${served.filter((a) => a.kind === kind).length}`);
    }
    const recent = (await (await fetch(`${serve.url}/alerts?limit=500`)).json()) as Alert[];
    expect(recent.map((a) => a.id).sort()).toEqual(served.map((a) => a.id).sort());
    const view = (await (await fetch(`${serve.url}/api/groups`)).json()) as { groups: Array<{ key: { service?: string }; count: number }> };
    expect(view.groups.filter((g) => g.key.service === 'support').reduce((n, g) => n + g.count, 0)).toBe(300);
  });
});
