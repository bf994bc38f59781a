/**
 * The SKAB/tsad changepoint score (bench/nab-score.ts) on small cases. The expected figures are
 * worked out by hand below and were also produced by SKAB's own core/metrics.py (commit b2c0d46,
 * chp_score(..., window_width='60s', anomaly_window_destination='righter')) on the same inputs.
 * No SKAB data is needed: times are seconds from an arbitrary origin.
 */
import { describe, expect, it } from 'vitest';
import { confusion, detectingWindows, nabScore, windowScore } from '../bench/nab-score';

const s = (sec: number): number => sec * 1000;
const file = (cps: number[], preds: number[]) => ({ changepoints: cps.map(s), predictions: preds.map(s) });

describe('SKAB changepoint score (tsad "nab")', () => {
  it('a prediction on every changepoint scores 100 in every profile; none scores 0', () => {
    const cps = [100, 400, 1000];
    const perfect = nabScore([file(cps, cps), file([50], [50])]);
    expect(perfect.rounded).toEqual({ Standard: 100, LowFP: 100, LowFN: 100 });
    expect([perfect.missed, perfect.falsePositives, perfect.meanDelayMs]).toEqual([0, 0, 0]);
    const nul = nabScore([file(cps, []), file([50], [])]);
    expect(nul.rounded).toEqual({ Standard: 0, LowFP: 0, LowFN: 0 });
    expect([nul.changepoints, nul.missed, nul.falsePositives]).toEqual([4, 4, 0]);
  });

  it('the window opens at the changepoint and lasts 60 s; its score falls along tanh from A_tp to A_fp', () => {
    expect(detectingWindows([s(100)], 60_000)).toEqual([[s(100), s(160)]]);
    // Left edge: x = -pi/2, score A_tp. Right edge: int(1.0 * 1000) = 1000 is cut to step 999, x = pi/2, score A_fp.
    expect(windowScore(0, 0, 60, 1, -0.11)).toBeCloseTo(1, 12);
    expect(windowScore(0, 60, 60, 1, -0.11)).toBeCloseTo(-0.11, 12);
    // Midway: step int(0.5 * 1000) = 500, x = -pi/2 + 500 pi/999 = pi/1998;
    // score = 0.555 * (1 - tanh(pi/1998) / tanh(pi/2)) - 0.11.
    const mid = 0.555 * (1 - Math.tanh(Math.PI / 1998) / Math.tanh(Math.PI / 2)) - 0.11;
    expect(windowScore(0, 30, 60, 1, -0.11)).toBeCloseTo(mid, 12);
    // One changepoint, a hit at +30 s: Standard = 100 (mid + 1) / 2 = 72.20.
    const r = nabScore([file([100], [130])]);
    expect(r.scores.Standard).toBeCloseTo((100 * (mid + 1)) / 2, 10);
    expect(r.scores.Standard).toBeCloseTo(72.20242535656918, 10);
    expect(r.scores.LowFP).toBeCloseTo(69.44771075226522, 10);
    expect(r.scores.LowFN).toBeCloseTo(81.46828357104611, 10);
    expect(r.meanDelayMs).toBe(30_000);
  });

  it('a hit on the right edge scores A_fp, and still is no miss', () => {
    // Standard: (-0.11 + 1) / 2 = 44.5; LowFP: (-0.22 + 1) / 2 = 39; LowFN: (-0.11 + 2) / 3 = 63.
    const r = nabScore([file([100], [160])]);
    expect(r.rounded).toEqual({ Standard: 44.5, LowFP: 39, LowFN: 63 });
    expect([r.missed, r.falsePositives]).toEqual([0, 0]);
  });

  it('a prediction outside every window costs A_fp, a window without one A_fn', () => {
    // Standard: (-0.11 - 1 + 1) / 2 = -5.5; LowFP: (-0.22 - 1 + 1) / 2 = -11; LowFN: (-0.11 - 2 + 2) / 3 = -3.67.
    const r = nabScore([file([100], [10])]);
    expect(r.scores.Standard).toBeCloseTo(-5.5, 10);
    expect(r.scores.LowFP).toBeCloseTo(-11, 10);
    expect(r.scores.LowFN).toBeCloseTo(-3.6666666666666625, 10);
    expect([r.missed, r.falsePositives]).toEqual([1, 1]);
  });

  it('only the first prediction in a window counts; later ones in it are neither credit nor penalty', () => {
    const c = confusion(detectingWindows([s(50), s(200)], 60_000), [50, 51, 80, 199, 259, 299].map(s));
    expect([...c.tps.values()]).toEqual([
      [s(50), s(50), s(110)],
      [s(200), s(259), s(260)],
    ]);
    expect(c.fps).toEqual([s(199), s(299)]);
    expect(c.fns).toEqual([]);
    const r = nabScore([file([50, 200], [50, 51, 80, 199, 259, 299])]);
    expect(r.scores.Standard).toBeCloseTo(66.87663899192466, 10);
    expect(r.scores.LowFP).toBeCloseTo(58.63918880193522, 10);
    expect(r.scores.LowFN).toBeCloseTo(77.91775932794978, 10);
    const r2 = nabScore([file([100], [115, 120, 200])]);
    expect(r2.scores.Standard).toBeCloseTo(86.57860204806904, 10);
    expect([r2.missed, r2.falsePositives, r2.meanDelayMs]).toEqual([0, 1, 15_000]);
  });

  it('overlapping windows: the later one starts where the earlier ends, and a prediction on that edge counts for both', () => {
    expect(detectingWindows([s(100), s(110)], 60_000)).toEqual([
      [s(100), s(160)],
      [s(160), s(170)],
    ]);
    // At 160 s: right edge of the first (-0.11), left edge of the second (1): (0.89 + 2) / 4 = 72.25.
    const r = nabScore([file([100, 110], [160])]);
    expect(r.scores.Standard).toBeCloseTo(72.25, 10);
    expect(r.scores.LowFN).toBeCloseTo(81.5, 10);
    expect([r.missed, r.falsePositives]).toEqual([0, 0]);
    const r2 = nabScore([file([100, 110], [100, 165])]);
    expect(r2.scores.Standard).toBeCloseTo(86.10121267828458, 10);
    expect(r2.meanDelayMs).toBe(2_500);
  });

  it('sums over files before normalising (a file without changepoints only adds its FPs)', () => {
    const r = nabScore([file([100], [100]), file([], [5, 6])]);
    // (1 - 2 * 0.11 + 1) / 2 = 89.
    expect(r.scores.Standard).toBeCloseTo(89, 10);
    expect([r.changepoints, r.falsePositives]).toEqual([1, 2]);
  });
});
