import { describe, expect, it } from 'vitest';
import { pick, prng } from '../synthetic-streams';
import { newCategoricalState, observeCategory, OTHER_CATEGORY, type CategoricalParams } from './categorical-drift';

const params: CategoricalParams = { warmup: 200, window: 200, topK: 8, alpha: 200 / 19e6 };
const cats = ['stop', 'tool_calls', 'length', 'content_filter'];

function stream(seed: number, weights: (i: number) => number[], burstiness: number, records: number): number[] {
  const rand = prng(seed);
  const s = newCategoricalState();
  const fired: number[] = [];
  let last = 'stop';
  for (let i = 0; i < records; i++) {
    const c = rand() < burstiness ? last : pick(rand, cats, weights(i));
    last = c;
    if (observeCategory(s, params, c)) fired.push(i);
  }
  return fired;
}

describe('categorical drift (G-test)', () => {
  it('stays silent on 200k stationary independent records', () => {
    expect(stream(1, () => [70, 25, 4, 1], 0, 100_000).length + stream(2, () => [40, 40, 15, 5], 0, 100_000).length).toBe(0);
  });

  it('stays silent on 200k bursty records (runs of the same category), thanks to the design effect', () => {
    expect(stream(3, () => [70, 25, 4, 1], 0.8, 100_000).length + stream(4, () => [40, 40, 15, 5], 0.6, 100_000).length).toBe(0);
  });

  it('fires within two windows after the mix changes', () => {
    const fired = stream(5, (i) => (i < 3000 ? [70, 25, 4, 1] : [50, 25, 20, 5]), 0, 4000);
    expect(fired.length).toBeGreaterThan(0);
    expect(fired[0]).toBeGreaterThanOrEqual(3000);
    expect(fired[0] - 3000).toBeLessThan(400);
  });

  it('a category never seen in the baseline counts as other and can fire', () => {
    const s = newCategoricalState();
    for (let i = 0; i < 400; i++) observeCategory(s, params, i % 2 ? 'stop' : 'tool_calls');
    let v;
    for (let i = 0; i < 400 && !v; i++) v = observeCategory(s, params, i % 5 < 2 ? 'brand_new' : i % 2 ? 'stop' : 'tool_calls');
    expect(v?.category).toBe(OTHER_CATEGORY);
    expect(v?.currentShare).toBeGreaterThan(0.2);
  });
});
