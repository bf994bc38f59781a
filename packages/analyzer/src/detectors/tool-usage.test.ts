import { describe, expect, it } from 'vitest';
import { llrCusumThreshold } from '../calibration';
import { pick, prng } from '../synthetic-streams';
import { newToolUsageState, observeTools, type ToolUsageParams } from './tool-usage';

const params: ToolUsageParams = {
  warmup: 200,
  trackedTools: 16,
  maxKnownTools: 256,
  maxSessions: 64,
  rate: { warmup: 200, ratio: 3, threshold: llrCusumThreshold(17e6) },
  sequenceThreshold: llrCusumThreshold(17e6),
  sequenceWarmup: 1000,
};
const none: ReadonlySet<string> = new Set();
const tools = ['search', 'lookup_order', 'refund', 'escalate'];

/** Baseline sessions: search -> lookup_order -> refund | escalate. After the change: search -> refund -> lookup_order. */
function session(rand: () => number, changed: boolean): string[] {
  const last = rand() < 0.8 ? 'refund' : 'escalate';
  return changed ? ['search', last, 'lookup_order'] : ['search', 'lookup_order', last];
}

describe('tool usage', () => {
  it('reports a tool never seen for the agent at once, and only once', () => {
    const s = newToolUsageState(params);
    for (let i = 0; i < 300; i++) expect(observeTools(s, params, [tools[i % 3]], `s${i}`, `t${i}`, none)).toBeUndefined();
    const v = observeTools(s, params, ['send_email'], 'x', 'tx', none);
    expect(v?.[0]).toMatchObject({ type: 'new_tool', tool: 'send_email', allowed: true, knownCount: 3 });
    expect(observeTools(s, params, ['send_email'], 'y', 'ty', none)?.some((x) => x.type === 'new_tool')).not.toBe(true);
  });

  it('with allowed tools, reports a tool outside them even during warm-up', () => {
    const s = newToolUsageState(params, ['search']);
    expect(observeTools(s, params, ['search'], 'a', 't1', none)).toBeUndefined();
    expect(observeTools(s, params, ['delete_db'], 'a', 't2', none)?.[0]).toMatchObject({ type: 'new_tool', tool: 'delete_db', allowed: false });
  });

  it('stays silent on 200k stationary records, independent and bursty', () => {
    for (const burst of [0, 0.7]) {
      const rand = prng(burst ? 2 : 1);
      const s = newToolUsageState(params);
      let last = 'search';
      let fired = 0;
      for (let i = 0; i < 100_000; i++) {
        const used = rand() < 0.3 ? [(last = rand() < burst ? last : pick(rand, tools, [6, 3, 1, 1]))] : [];
        if (observeTools(s, params, used, `s${Math.floor(i / 4)}`, `t${i}`, none)) fired++;
      }
      expect(fired).toBe(0);
    }
  });

  it('detects a 3x rate spike of one tool', () => {
    const rand = prng(3);
    const s = newToolUsageState(params);
    let at = -1;
    for (let i = 0; i < 6000 && at < 0; i++) {
      const p = i < 3000 ? [6, 3, 1, 1] : [6, 3, 1, 1 * 3 * 1.6];
      const used = rand() < 0.3 ? [pick(rand, tools, p)] : [];
      const v = observeTools(s, params, used, `s${i}`, `t${i}`, none);
      if (v?.some((x) => x.type === 'rate_spike' && x.tool === 'escalate')) at = i;
    }
    expect(at).toBeGreaterThanOrEqual(3000);
    expect(at - 3000).toBeLessThan(1500);
  });

  it('detects tool calls in an order the baseline sessions never used', () => {
    const rand = prng(4);
    const s = newToolUsageState(params);
    let fired = -1;
    for (let n = 0; n < 1000 && fired < 0; n++) {
      const steps = session(rand, n >= 600);
      for (let step = 0; step < steps.length; step++) {
        // Each step is one record: the model's request, in the session's trace.
        const v = observeTools(s, params, [steps[step]], `sess${n}`, `t${n}.${step}`, none);
        if (v?.some((x) => x.type === 'sequence')) fired = n;
      }
    }
    expect(fired).toBeGreaterThanOrEqual(600);
    expect(fired - 600).toBeLessThan(30);
  });

  it('10^5 distinct tool names: memory stays bounded and the overflow is reported once', () => {
    const s = newToolUsageState(params);
    const kinds: string[] = [];
    for (let i = 0; i < 100_000; i++) for (const v of observeTools(s, params, [`tool_${i}_ü🔧`], `s${i % 1000}`, `t${i}`, none) ?? []) kinds.push(v.type);
    expect(s.known.length).toBe(params.maxKnownTools);
    expect(s.tracked.length).toBe(params.trackedTools);
    expect(s.sessionKeys.length).toBeLessThanOrEqual(params.maxSessions);
    expect(kinds.filter((k) => k === 'too_many_tools')).toHaveLength(1);
    expect(JSON.stringify(s).length).toBeLessThan(100_000);
  });
});
