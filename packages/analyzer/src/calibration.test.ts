import { describe, expect, it } from 'vitest';
import { chiSquareUpper, cusumThreshold, ksThreshold, llrCusumThreshold, normalQuantile, siegmundArl } from './calibration';
import { normal, prng } from './synthetic-streams';

describe('calibration', () => {
  it('normalQuantile matches known quantiles, tails included', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(normalQuantile(1 - 1e-9)).toBeCloseTo(5.997807, 4);
  });

  it("Siegmund's ARL agrees with a simulated one-sided CUSUM", () => {
    const rand = prng(11);
    const k = 0.5;
    const h = 3;
    const runs: number[] = [];
    for (let r = 0; r < 400; r++) {
      let s = 0;
      let t = 0;
      while (s <= h) {
        s = Math.max(0, s + normal(rand) - k);
        t++;
      }
      runs.push(t);
    }
    const simulated = runs.reduce((a, b) => a + b, 0) / runs.length;
    const approx = siegmundArl(-k, h);
    expect(Math.abs(simulated - approx) / approx).toBeLessThan(0.15);
  });

  it('a longer target and a smaller baseline both raise the CUSUM threshold', () => {
    expect(cusumThreshold(0.5, 1e7, 200)).toBeGreaterThan(cusumThreshold(0.5, 1e5, 200));
    expect(cusumThreshold(0.5, 1e7, 100)).toBeGreaterThan(cusumThreshold(0.5, 1e7, 1000));
  });

  it('KS and chi-square critical values match the textbook tables', () => {
    // Kolmogorov's 5% point 1.358, with Stephens' correction for two samples of 100 (n_e = 50).
    expect(ksThreshold(0.05, 100, 100)).toBeCloseTo(1.358 / (Math.sqrt(50) + 0.12 + 0.11 / Math.sqrt(50)), 3);
    expect(chiSquareUpper(0.05, 1)).toBeCloseTo(3.841, 2);
    expect(chiSquareUpper(0.05, 2)).toBeCloseTo(5.991, 2);
    expect(chiSquareUpper(0.05, 5)).toBeCloseTo(11.07, 1);
    expect(chiSquareUpper(0.001, 10)).toBeCloseTo(29.59, 0);
    expect(llrCusumThreshold(1e6)).toBeCloseTo(Math.log(1e6), 9);
  });
});
