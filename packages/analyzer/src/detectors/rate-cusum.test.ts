import { describe, expect, it } from 'vitest';
import { llrCusumThreshold } from '../calibration';
import { prng } from '../synthetic-streams';
import { newRateCusumState, observeRate, type RateCusumParams } from './rate-cusum';

const params: RateCusumParams = { warmup: 200, ratio: 3, threshold: llrCusumThreshold(19e6) };

function run(rate: (i: number) => number, seed: number, records: number): number[] {
  const rand = prng(seed);
  const s = newRateCusumState();
  const fired: number[] = [];
  for (let i = 0; i < records; i++) if (observeRate(s, params, rand() < rate(i), `t${i}`, false)) fired.push(i);
  return fired;
}

describe('Bernoulli rate CUSUM', () => {
  // 0.6, 0.9 and 1: a rate above one half is a baseline too (an n=2 call whose second choice always
  // stops on length); it used to be capped at 0.5, so every stationary record read as a rise.
  for (const p of [0.002, 0.01, 0.05, 0.3, 0.6, 0.9, 1]) {
    it(`stays silent on 100k stationary records at rate ${p}`, () => {
      expect(run(() => p, 3, 50_000).length + run(() => p, 4, 50_000).length).toBe(0);
    });
  }

  it('still detects a rise from a high baseline (40% -> 95%)', () => {
    const fired = run((i) => (i < 5000 ? 0.4 : 0.95), 11, 6000);
    expect(fired[0]).toBeGreaterThanOrEqual(5000);
    expect(fired[0] - 5000).toBeLessThan(200);
  });

  it('detects a 3x error-rate spike within a bounded number of records', () => {
    for (const [p, bound] of [
      [0.01, 1500],
      [0.05, 300],
    ] as const) {
      const fired = run((i) => (i < 5000 ? p : 3 * p), 9, 8000);
      expect(fired.length).toBeGreaterThan(0);
      expect(fired[0]).toBeGreaterThanOrEqual(5000);
      expect(fired[0] - 5000).toBeLessThan(bound);
    }
  });

  it('a first event after a clean warm-up is scored, not infinite; a burst of them alarms with evidence', () => {
    const s = newRateCusumState();
    for (let i = 0; i < 1000; i++) expect(observeRate(s, params, false, `t${i}`, false)).toBeUndefined();
    expect(observeRate(s, params, true, 'first', false)).toBeUndefined();
    let v;
    let last = -1;
    for (let i = 0; i < 20 && !v; i++) v = observeRate(s, params, true, `burst${(last = i)}`, false);
    expect(v).toBeDefined();
    expect(v!.currentRate).toBeGreaterThan(0.5);
    expect(v!.baselineRate).toBeLessThan(0.01);
    expect(v!.traceIds.length).toBe(5);
    expect(v!.traceIds).toContain(`burst${last}`);
  });
});
