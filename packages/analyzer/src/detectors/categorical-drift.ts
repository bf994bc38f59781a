/**
 * Categorical drift (finish reasons, requested tools, error types): baseline counts of the
 * top-K categories plus "other", and a two-sample G-test of each non-overlapping recent
 * window against them. Bursty streams (runs of the same category) inflate G; the warm-up's
 * design effect (dispersion.ts) deflates it, Rao-Scott style.
 */
import { chiSquareUpper } from '../calibration';
import { designEffect, newDispersionState, observeDispersion, type DispersionState } from './dispersion';

export const OTHER_CATEGORY = '(other)';

export interface CategoricalParams {
  warmup: number;
  window: number;
  topK: number;
  /** Per-window false-alarm probability; the threshold is the chi-square quantile for the observed df. */
  alpha: number;
}

export interface CategoricalState {
  learned: number;
  /** Warm-up counts by category (bounded), then dropped. */
  learning: [string, number][];
  dispersion: DispersionState;
  fixed: boolean;
  categories: string[];
  baseline: number[];
  windowCounts: number[];
  windowN: number;
  designEffect: number;
}

export interface CategoricalVerdict {
  score: number;
  threshold: number;
  /** The category whose share moved most, with its baseline and window shares. */
  category: string;
  baselineShare: number;
  currentShare: number;
  span: number;
}

const MAX_LEARNING_CATEGORIES = 64;
/** Categories rarer than this in the baseline are pooled into "other" so expected counts stay testable. */
const MIN_BASELINE_COUNT = 5;

export function newCategoricalState(): CategoricalState {
  return {
    learned: 0,
    learning: [],
    dispersion: newDispersionState(false),
    fixed: false,
    categories: [],
    baseline: [],
    windowCounts: [],
    windowN: 0,
    designEffect: 1,
  };
}

function fix(s: CategoricalState, p: CategoricalParams): void {
  const sorted = s.learning.slice().sort((a, b) => b[1] - a[1]);
  const kept = sorted.filter(([c, n]) => c !== OTHER_CATEGORY && n >= MIN_BASELINE_COUNT).slice(0, p.topK);
  s.categories = kept.map(([c]) => c);
  const other = s.learned - kept.reduce((a, [, n]) => a + n, 0);
  s.baseline = [...kept.map(([, n]) => n), other];
  s.windowCounts = new Array(s.baseline.length).fill(0);
  s.designEffect = designEffect(s.dispersion);
  s.learning = [];
  s.fixed = true;
}

export function observeCategory(s: CategoricalState, p: CategoricalParams, category: string): CategoricalVerdict | undefined {
  if (!s.fixed) {
    let entry = s.learning.find((e) => e[0] === category);
    if (!entry) {
      const key = s.learning.length < MAX_LEARNING_CATEGORIES ? category : OTHER_CATEGORY;
      entry = s.learning.find((e) => e[0] === key);
      if (!entry) s.learning.push((entry = [key, 0]));
    }
    entry[1]++;
    observeDispersion(s.dispersion, category);
    s.learned++;
    if (s.learned >= p.warmup) fix(s, p);
    return undefined;
  }
  // The design effect keeps improving past warm-up (up to 10^4 records), adopted after quiet windows.
  observeDispersion(s.dispersion, category);
  let i = s.categories.indexOf(category);
  if (i < 0) i = s.categories.length;
  s.windowCounts[i]++;
  if (++s.windowN < p.window) return undefined;
  const verdict = gTest(s, p);
  if (!verdict) s.designEffect = designEffect(s.dispersion);
  s.windowCounts.fill(0);
  s.windowN = 0;
  return verdict;
}

function gTest(s: CategoricalState, p: CategoricalParams): CategoricalVerdict | undefined {
  const nb = s.baseline.reduce((a, b) => a + b, 0);
  const nw = s.windowN;
  let g = 0;
  let cells = 0;
  let worst = -1;
  let worstGap = -1;
  for (let i = 0; i < s.baseline.length; i++) {
    const b = s.baseline[i];
    const w = s.windowCounts[i];
    const total = b + w;
    if (total === 0) continue;
    cells++;
    const eb = (total * nb) / (nb + nw);
    const ew = (total * nw) / (nb + nw);
    if (b > 0) g += 2 * b * Math.log(b / eb);
    if (w > 0) g += 2 * w * Math.log(w / ew);
    const gap = Math.abs(w / nw - b / nb);
    if (gap > worstGap) {
      worstGap = gap;
      worst = i;
    }
  }
  if (cells < 2) return undefined;
  const score = g / s.designEffect;
  const threshold = chiSquareUpper(p.alpha, cells - 1);
  if (score <= threshold) return undefined;
  return {
    score,
    threshold,
    category: worst < s.categories.length ? s.categories[worst] : OTHER_CATEGORY,
    baselineShare: s.baseline[worst] / nb,
    currentShare: s.windowCounts[worst] / nw,
    span: nw,
  };
}
