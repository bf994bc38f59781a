/**
 * Numeric drift on one feature (latency, tokens, output length...): a two-sided CUSUM on
 * normal scores of each value's rank in a fixed baseline sample (distribution-free, so
 * heavy tails and the log scale do not matter), and a KS distance between the baseline and
 * each non-overlapping recent window. State in, value in, verdict out; fixed memory.
 */
import { normalQuantile } from '../calibration';

/** Normal scores are clipped here: one extreme value moves the CUSUM by at most this (spikes are spike.ts's job). */
export const SCORE_CLIP = 3;

export interface NumericDriftParams {
  /** Values in the baseline sample (reservoir capacity). */
  baselineSize: number;
  /** Values learned before the baseline is fixed. */
  warmup: number;
  window: number;
  /** CUSUM reference value k, in standardised score units. */
  reference: number;
  cusumThreshold: number;
  ksThreshold: number;
}

export interface NumericDriftState {
  learned: number;
  /** Reservoir during warm-up, sorted once fixed. */
  baseline: Float32Array;
  baselineCount: number;
  fixed: boolean;
  /** Normal score for each mid-rank index 0..2n, standardised; filled when fixed. */
  scores: Float32Array;
  window: Float32Array;
  windowPos: number;
  windowFill: number;
  sinceWindowTest: number;
  up: number;
  down: number;
  /** Values since each side of the CUSUM was last at zero (the change-point estimate). */
  upRun: number;
  downRun: number;
  monitored: number;
}

export interface NumericVerdict {
  statistic: 'cusum' | 'ks';
  direction: 'up' | 'down';
  score: number;
  threshold: number;
  /** How many recent values the evidence covers. */
  span: number;
}

export function newNumericDriftState(p: NumericDriftParams): NumericDriftState {
  return {
    learned: 0,
    baseline: new Float32Array(p.baselineSize),
    baselineCount: 0,
    fixed: false,
    scores: new Float32Array(0),
    window: new Float32Array(0),
    windowPos: 0,
    windowFill: 0,
    sinceWindowTest: 0,
    up: 0,
    down: 0,
    upRun: 0,
    downRun: 0,
    monitored: 0,
  };
}

// A fixed multiplicative hash keeps reservoir sampling deterministic (no Math.random in detectors).
function pseudoRandomIndex(i: number, bound: number): number {
  let x = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return (x >>> 0) % bound;
}

function fix(s: NumericDriftState, p: NumericDriftParams): void {
  const n = s.baselineCount;
  s.baseline = s.baseline.slice(0, n).sort();
  s.fixed = true;
  // Mid-rank j in 0..2n maps to u = (j+1)/(2n+2). Scores are standardised on the law of a new
  // value: with distinct baseline values it falls in each of the n+1 gaps alike (index 2*gap);
  // with ties (discrete data) it most likely equals a baseline value, so the baseline itself is used.
  const raw = new Float64Array(2 * n + 1);
  for (let j = 0; j <= 2 * n; j++) raw[j] = normalQuantile((j + 1) / (2 * n + 2));
  let ties = false;
  for (let i = 1; i < n && !ties; i++) ties = s.baseline[i] === s.baseline[i - 1];
  let mean = 0;
  let sq = 0;
  const m = ties ? n : n + 1;
  for (let i = 0; i < m; i++) {
    const v = ties ? raw[midRankIndex(s.baseline, n, s.baseline[i])] : raw[2 * i];
    mean += v;
    sq += v * v;
  }
  mean /= m;
  const sd = Math.sqrt(Math.max(sq / m - mean * mean, 0));
  s.scores = new Float32Array(2 * n + 1);
  // A constant baseline has sd 0; the floor and the clip keep one odd value from alarming alone.
  const scale = Math.max(sd, 0.1);
  for (let j = 0; j <= 2 * n; j++) s.scores[j] = Math.max(-SCORE_CLIP, Math.min(SCORE_CLIP, (raw[j] - mean) / scale));
  s.window = new Float32Array(p.window);
}

function midRankIndex(sorted: Float32Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  const below = lo;
  hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return below + lo;
}

/** Feed one value (finite, already validated). Returns the verdicts that crossed their thresholds. */
export function observeNumeric(s: NumericDriftState, p: NumericDriftParams, x: number): NumericVerdict[] | undefined {
  if (!s.fixed) {
    if (s.baselineCount < s.baseline.length) s.baseline[s.baselineCount++] = x;
    else {
      const j = pseudoRandomIndex(s.learned, s.learned + 1);
      if (j < s.baseline.length) s.baseline[j] = x;
    }
    s.learned++;
    if (s.learned >= p.warmup) fix(s, p);
    return undefined;
  }
  s.monitored++;
  const n = s.baselineCount;
  const z = s.scores[midRankIndex(s.baseline, n, Math.fround(x))];
  const k = p.reference;
  s.up = Math.max(0, s.up + z - k);
  s.down = Math.max(0, s.down - z - k);
  s.upRun = s.up === 0 ? 0 : s.upRun + 1;
  s.downRun = s.down === 0 ? 0 : s.downRun + 1;
  s.window[s.windowPos] = x;
  s.windowPos = (s.windowPos + 1) % s.window.length;
  if (s.windowFill < s.window.length) s.windowFill++;
  s.sinceWindowTest++;
  let out: NumericVerdict[] | undefined;
  if (s.up > p.cusumThreshold || s.down > p.cusumThreshold) {
    const up = s.up > p.cusumThreshold;
    out = [{ statistic: 'cusum', direction: up ? 'up' : 'down', score: up ? s.up : s.down, threshold: p.cusumThreshold, span: Math.max(1, up ? s.upRun : s.downRun) }];
    s.up = 0;
    s.down = 0;
    s.upRun = 0;
    s.downRun = 0;
  }
  if (s.sinceWindowTest >= s.window.length) {
    s.sinceWindowTest = 0;
    const ks = ksDistance(s.baseline, n, s.window);
    if (ks.distance > p.ksThreshold) {
      (out ??= []).push({ statistic: 'ks', direction: ks.direction, score: ks.distance, threshold: p.ksThreshold, span: s.window.length });
    }
  }
  return out;
}

let scratch = new Float32Array(0);

/** Two-sample KS distance between a sorted baseline and an unsorted window; direction of the larger gap. */
export function ksDistance(sorted: Float32Array, n: number, window: Float32Array): { distance: number; direction: 'up' | 'down' } {
  const m = window.length;
  if (scratch.length < m) scratch = new Float32Array(m);
  const w = scratch.subarray(0, m);
  w.set(window);
  w.sort();
  let i = 0;
  let j = 0;
  let best = 0;
  let direction: 'up' | 'down' = 'up';
  while (i < n && j < m) {
    const v = Math.min(sorted[i], w[j]);
    while (i < n && sorted[i] <= v) i++;
    while (j < m && w[j] <= v) j++;
    // Baseline CDF above the window's means the window sits higher: values went up.
    const gap = i / n - j / m;
    if (Math.abs(gap) > best) {
      best = Math.abs(gap);
      direction = gap > 0 ? 'up' : 'down';
    }
  }
  return { distance: best, direction };
}

/** The last `count` values of the recent window, sorted (for medians in messages and summaries). */
export function recentValues(s: NumericDriftState, count = s.windowFill): Float32Array {
  const m = Math.min(count, s.windowFill);
  const out = new Float32Array(m);
  const len = s.window.length;
  for (let i = 0; i < m; i++) out[i] = s.window[(s.windowPos - 1 - i + len * 2) % len];
  return out.sort();
}

/** The baseline sample, sorted (copies during warm-up). */
export function baselineValues(s: NumericDriftState): Float32Array {
  return s.fixed ? s.baseline : s.baseline.slice(0, s.baselineCount).sort();
}

/** Back to baseline: both CUSUM sides near zero and the window test quiet. */
export function numericIsQuiet(s: NumericDriftState, p: NumericDriftParams): boolean {
  return s.up < p.cusumThreshold / 4 && s.down < p.cusumThreshold / 4;
}
