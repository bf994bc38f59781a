import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { traceAgent, type Alert } from '@warden/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentGraphMonitor, AgentGraphSpanProcessor } from './agent-graph';

let alerts: Alert[] = [];
const processor = new AgentGraphSpanProcessor({ warmupHandoffs: 4, maxLoopHandoffs: 4, onAlert: (a) => alerts.push(a) });
const provider = new BasicTracerProvider({ spanProcessors: [processor] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});
beforeEach(() => {
  alerts = [];
});

describe('AgentGraphSpanProcessor', () => {
  it('learns hand-offs during warm-up, then reports an agent calling one it never called', async () => {
    const billing = traceAgent('billing', async () => 'billed');
    const writer = traceAgent('writer', async (pay: boolean) => (pay ? billing() : 'draft'));
    const researcher = traceAgent('researcher', async () => 'facts');
    const planner = traceAgent('planner', async (pay: boolean) => [await researcher(), await writer(pay)]);
    await planner(false);
    await planner(false);
    expect(processor.monitor.warmedUp).toBe(true);
    expect(alerts).toEqual([]);
    await planner(true);
    await planner(true);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      kind: 'agent_anomaly',
      detector: 'agent_graph.new_edge',
      subject: { agent: 'writer', feature: 'handoff:writer->billing' },
      controls: ['L3.runtime-monitoring', 'L3.agent-audit'],
      baseline: { warmupHandoffs: 4 },
    });
    expect(processor.monitor.knownHandoffs()).toContainEqual(['writer', 'billing']);
  });

  it('reports a hand-off loop while it is still running, once per trace', async () => {
    const seenInside: number[] = [];
    type Hop = (n: number) => Promise<number>;
    let bob: Hop = async () => 0;
    const alice: Hop = traceAgent('alice', async (n: number) => (n === 0 ? (seenInside.push(alerts.length), 0) : bob(n - 1)));
    bob = traceAgent('bob', async (n: number) => (n === 0 ? (seenInside.push(alerts.length), 0) : alice(n - 1)));
    // Teach the monitor the alice<->bob edges first, so only the loop is new.
    await alice(2);
    alerts = [];
    await alice(9);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'agent_anomaly', detector: 'agent_graph.handoff_loop', severity: 'high', threshold: 4, score: 5 });
    expect(seenInside.at(-1)).toBe(1);
    // A short back-and-forth in another trace is fine.
    alerts = [];
    await alice(3);
    expect(alerts).toEqual([]);
  });
});

describe('AgentGraphMonitor', () => {
  it('counts self-invocation as a loop and keeps its trace memory bounded', () => {
    const m = new AgentGraphMonitor({ warmupHandoffs: 0, maxLoopHandoffs: 2, maxTraces: 10 });
    const out = [1, 2, 3].flatMap((i) => m.observe({ caller: 'a', callee: 'a', traceId: 't', time: i }));
    expect(out.map((a) => a.detector)).toEqual(['agent_graph.new_edge', 'agent_graph.handoff_loop']);
    for (let i = 0; i < 100; i++) m.observe({ caller: 'x', callee: 'y', traceId: `t${i}`, time: i });
    // The first trace was forgotten: its loop count starts again.
    expect(m.observe({ caller: 'a', callee: 'a', traceId: 't', time: 200 })).toEqual([]);
  });
});
