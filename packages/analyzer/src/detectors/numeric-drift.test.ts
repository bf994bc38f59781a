import { mean, quantileSorted } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { cusumThreshold, ksThreshold } from '../calibration';
import { logNormal, normal, poisson, prng } from '../synthetic-streams';
import {
  baselineValues,
  ksDistance,
  midRankIndex,
  newNumericDriftState,
  observeNumeric,
  recentValues,
  shiftCanReach,
  type NumericDriftParams,
} from './numeric-drift';

// The analyzer's defaults: 25 group detectors share a 10^6 target.
const ARL = 25e6;
const params: NumericDriftParams = {
  baselineSize: 200,
  warmup: 200,
  warmupMs: 0,
  maxWarmup: 200,
  refreshEvery: 0,
  spikeTail: 1 / ARL,
  window: 200,
  reference: 0.5,
  cusumThreshold: cusumThreshold(0.5, ARL, 200),
  ksThreshold: ksThreshold(200 / ARL, 200, 200),
};

type Gen = (rand: () => number, scale: number) => number;
const generators: Record<string, Gen> = {
  normal: (r, s) => 100 * s + 30 * normal(r),
  lognormal: (r, s) => logNormal(r, 210 * s, 0.8),
  poisson: (r, s) => poisson(r, 6 * s),
  heavyTail: (r, s) => s * 50 * Math.pow(1 - r(), -1 / 1.5),
};

function alarmsOver(gen: Gen, seed: number, records: number): number {
  const rand = prng(seed);
  const s = newNumericDriftState(params);
  let alarms = 0;
  for (let i = 0; i < records; i++) if (observeNumeric(s, params, gen(rand, 1))) alarms++;
  return alarms;
}

function delayAfterShift(gen: Gen, seed: number, scale: number): { cusum: number; ks: number } {
  const rand = prng(seed);
  const s = newNumericDriftState(params);
  for (let i = 0; i < 1000; i++) observeNumeric(s, params, gen(rand, 1));
  const out = { cusum: Infinity, ks: Infinity };
  for (let i = 1; i <= 2000; i++) {
    for (const v of observeNumeric(s, params, gen(rand, scale)) ?? []) {
      if (v.statistic === 'cusum' && out.cusum === Infinity) out.cusum = i;
      if (v.statistic === 'ks' && out.ks === Infinity) out.ks = i;
    }
  }
  return out;
}

describe('numeric drift', () => {
  for (const [name, gen] of Object.entries(generators)) {
    it(`stays silent on 60k stationary ${name} values (3 baselines)`, () => {
      let alarms = 0;
      for (const seed of [1, 2, 3]) alarms += alarmsOver(gen, seed, 20_000);
      expect(alarms).toBe(0);
    });
  }

  it('detects +100% mean output tokens (log-normal) within tens of records, and the KS window too', () => {
    const d = delayAfterShift(generators.lognormal, 5, 2);
    expect(d.cusum).toBeLessThan(60);
    expect(d.ks).toBeLessThanOrEqual(400);
  });

  it('detects a drop and +50% shifts on normal and Poisson data', () => {
    expect(delayAfterShift(generators.normal, 6, 1.5).cusum).toBeLessThan(40);
    expect(delayAfterShift(generators.poisson, 7, 1.5).cusum).toBeLessThan(150);
    expect(delayAfterShift(generators.lognormal, 8, 0.5).cusum).toBeLessThan(80);
  });

  it('reports direction, and KS distance is 0 for identical samples and 1 for disjoint ones', () => {
    const a = Float32Array.from([1, 2, 3, 4]);
    expect(ksDistance(a, 4, Float32Array.from([4, 3, 2, 1])).distance).toBe(0);
    expect(ksDistance(a, 4, Float32Array.from([10, 11, 12, 13]))).toEqual({ distance: 1, direction: 'up' });
    expect(ksDistance(a, 4, Float32Array.from([-3, -2, -1, 0]))).toEqual({ distance: 1, direction: 'down' });
  });

  it('a constant baseline does not alarm on one odd value', () => {
    const s = newNumericDriftState(params);
    for (let i = 0; i < 200; i++) observeNumeric(s, params, 0);
    expect(observeNumeric(s, params, 5)).toBeUndefined();
    let fired = false;
    for (let i = 0; i < 50 && !fired; i++) fired = observeNumeric(s, params, 5) !== undefined;
    expect(fired).toBe(true);
  });

  it('a rare mode seen in the warm-up but missed by the baseline sample is no spike; ten times beyond it is', () => {
    // Like ServeGen's production clients: answers of a few tokens, and now and then one that hits max_tokens.
    const p = { ...params, baselineSize: 64, warmup: 1000, maxWarmup: 1000 };
    const rand = prng(7);
    const s = newNumericDriftState(p);
    for (let i = 0; i < 1000; i++) observeNumeric(s, p, i === 500 ? 8192 : 1 + Math.floor(rand() * 5));
    expect(s.fixed).toBe(true);
    expect(Math.max(...s.baseline)).toBeLessThan(8192); // the sample of 64 did not keep it
    expect(observeNumeric(s, p, 8192)?.some((v) => v.statistic === 'spike')).toBeFalsy();
    const beyond = observeNumeric(s, p, 10 * 8192 + 11);
    expect(beyond?.find((v) => v.statistic === 'spike')?.threshold).toBe(10 * 8192 + 10);
  });
});

describe('midRankIndex', () => {
  // Below plus at-or-below, counted one value at a time: what the galloping search must equal.
  const counted = (sorted: Float32Array, n: number, x: number) => {
    let below = 0;
    let atOrBelow = 0;
    for (let i = 0; i < n; i++) {
      if (sorted[i] < x) below++;
      if (sorted[i] <= x) atOrBelow++;
    }
    return below + atOrBelow;
  };

  it('equals the count of values below plus at-or-below, with no ties, few ties and all ties', () => {
    const rand = prng(7);
    for (const distinct of [1, 2, 3, 5, 40, 1000]) {
      for (const n of [0, 1, 2, 3, 17, 200, 512]) {
        const sorted = Float32Array.from({ length: n }, () => Math.floor(rand() * distinct)).sort();
        const probes = [-1, distinct, ...Array.from(sorted), ...Array.from({ length: 20 }, () => rand() * distinct - 0.5)];
        for (const x of probes) expect(midRankIndex(sorted, n, Math.fround(x))).toBe(counted(sorted, n, Math.fround(x)));
      }
    }
  });

  it('reads only the first n values of a longer array', () => {
    const sorted = Float32Array.from([1, 2, 2, 2, 3, 9, 9]);
    expect(midRankIndex(sorted, 4, 2)).toBe(counted(sorted, 4, 2));
    expect(midRankIndex(sorted, 4, 5)).toBe(8);
  });
});

describe('shiftCanReach', () => {
  // The shift the analyzer's alert reports for the last `count` values: median to median, or mean to mean when the medians are equal.
  const reportedShift = (s: ReturnType<typeof newNumericDriftState>, count: number) => {
    const base = Array.from(baselineValues(s));
    const recent = Array.from(recentValues(s, count));
    const b = quantileSorted(base, 0.5);
    const c = recent.length > 0 ? quantileSorted(recent, 0.5) : b;
    return b !== c ? Math.abs(c - b) : Math.abs((recent.length > 0 ? mean(recent) : mean(base)) - mean(base));
  };

  it('says false only when the reported shift is below the floor, and says it for host noise', () => {
    const rand = prng(11);
    // Latency-like values in ms: fast calls with rare stalls; whole milliseconds and a constant with rare outliers (ties: equal medians, so the means decide).
    const gens: Gen[] = [
      (r) => 0.3 + 0.2 * r() + (r() < 0.01 ? 80 * r() : 0),
      (r) => Math.floor(4 * r()),
      (r) => (r() < 0.05 ? 1000 : 1),
      generators.lognormal,
      generators.heavyTail,
    ];
    let sure = 0;
    let reachable = 0;
    for (const gen of gens) {
      const s = newNumericDriftState(params);
      for (let i = 0; i < 3000; i++) {
        observeNumeric(s, params, gen(rand, i < 1500 ? 1 : 1.5));
        if (!s.fixed) continue;
        for (const floor of [0, 0.5, 2, 50]) {
          const count = 1 + Math.floor(rand() * 250);
          const shift = reportedShift(s, count);
          if (shiftCanReach(s, count, floor)) {
            if (shift >= floor) reachable++;
          } else {
            sure++;
            expect(shift).toBeLessThan(floor);
          }
        }
      }
    }
    expect(sure).toBeGreaterThan(1000);
    expect(reachable).toBeGreaterThan(1000);
  });

  it('never rules out a floor of zero', () => {
    const s = newNumericDriftState(params);
    for (let i = 0; i < 400; i++) observeNumeric(s, params, 5);
    expect(shiftCanReach(s, 50, 0)).toBe(true);
    expect(shiftCanReach(s, 50, 1e-6)).toBe(false);
  });
});
