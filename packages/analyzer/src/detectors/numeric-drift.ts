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
  /** Values learned before the baseline is fixed... */
  warmup: number;
  /** ...and the time (ms, record clock) they must span, unless `maxWarmup` values came first. */
  warmupMs: number;
  maxWarmup: number;
  /**
   * Lagged reference window: every `refreshEvery` monitored values a new reservoir is closed; it
   * becomes the baseline one period later if neither period crossed a threshold. 0 = never.
   */
  refreshEvery: number;
  /** Tail probability per value of the spike test (1 / its share of the false-alarm budget). */
  spikeTail: number;
  window: number;
  /** CUSUM reference value k, in standardised score units. */
  reference: number;
  cusumThreshold: number;
  ksThreshold: number;
}

export interface NumericDriftState {
  learned: number;
  /** Record time of the first value learned (ms). */
  firstTime: number;
  /** A value beyond this is a spike (POT tail fitted at fix time); Infinity when it could not be fitted. */
  spikeThreshold: number;
  /** Lagged reference: the reservoir being filled, the closed one awaiting a quiet period, and their fill. */
  collecting: Float32Array;
  collectingCount: number;
  pending: Float32Array;
  pendingCount: number;
  /**
   * Largest value of every value seen (not only the reservoir's sample) in the warm-up, the
   * collecting and the pending period: real length distributions have rare modes a 512-value
   * sample misses, and the spike floor is ten times this.
   */
  learnedMax: number;
  collectingMax: number;
  pendingMax: number;
  sinceRefresh: number;
  /** A threshold was crossed in the current refresh period (the pending reservoir is then dropped). */
  crossed: boolean;
  /** Baselines adopted from the lagged reference so far. */
  refreshes: number;
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
  statistic: 'cusum' | 'ks' | 'spike';
  direction: 'up' | 'down';
  score: number;
  threshold: number;
  /** How many recent values the evidence covers. */
  span: number;
}

export function newNumericDriftState(p: NumericDriftParams): NumericDriftState {
  return {
    learned: 0,
    firstTime: NaN,
    spikeThreshold: Infinity,
    collecting: new Float32Array(0),
    collectingCount: 0,
    pending: new Float32Array(0),
    pendingCount: 0,
    learnedMax: 0,
    collectingMax: 0,
    pendingMax: 0,
    sinceRefresh: 0,
    crossed: false,
    refreshes: 0,
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
  // Both operands as uint32 (bound is a positive integer below 2^32): an integer modulo, not fmod.
  return (x >>> 0) % (bound >>> 0);
}

function fix(s: NumericDriftState, p: NumericDriftParams): void {
  const n = s.baselineCount;
  s.baseline = s.baseline.slice(0, n).sort();
  s.fixed = true;
  s.spikeThreshold = spikeThreshold(s.baseline, p.spikeTail, s.learnedMax);
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

/**
 * Mid-rank index of `x` in `sorted[0..n)`: (values below x) + (values at or below x). The second
 * bound is found by galloping from the first: values equal to x are usually few, so it reads the
 * entries next to the first bound (already in cache) instead of a second search over the sample,
 * which on the analyzer's hot path is memory the rest of the app has evicted.
 */
export function midRankIndex(sorted: Float32Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  const below = lo;
  // First index at or after `below` whose value is above x: gallop 1, 2, 4... then bisect.
  let step = 1;
  let from = below;
  let to = below;
  while (to < n && sorted[to] <= x) {
    from = to + 1;
    to = below + step;
    step *= 2;
  }
  if (to > n) to = n;
  while (from < to) {
    const mid = (from + to) >>> 1;
    if (sorted[mid] <= x) from = mid + 1;
    else to = mid;
  }
  return below + from;
}

/** Minimum exceedances over the tail quantile for a fit; fewer and the fallback applies. */
const MIN_TAIL_POINTS = 10;
/** The tail is fitted above this quantile of the baseline. */
export const TAIL_QUANTILE = 0.8;
/** Added to the fitted shape: a 200-value baseline cannot pin a tail down far beyond its data. */
export const SHAPE_MARGIN = 0.1;

/** A spike is also more than this many times the largest value of the baseline period, plus 10 (so a baseline of zeros or tiny counts still needs a real jump). */
export const SPIKE_MAX_FACTOR = 10;

/**
 * Peaks over threshold: a generalised Pareto tail fitted (probability-weighted moments, Hosking &
 * Wallis 1987) to the baseline's values above its TAIL_QUANTILE, extrapolated to tail
 * probability `tail`. The shape is floored at 0 (an exponential tail: conservative for bounded
 * data) and raised by SHAPE_MARGIN for the fit's own uncertainty. Never below 10x the largest
 * value seen in the baseline period plus 10 (`periodMax`, every value, not only the sample):
 * on production length distributions (ServeGen) a 512-value sample misses rare modes that come
 * back every few thousand requests, and the fit alone alarmed on them. That floor is also the
 * threshold when the tail is too thin to fit (discrete counts, constants).
 */
export function spikeThreshold(sorted: Float32Array, tail: number, periodMax = 0): number {
  const n = sorted.length;
  if (n === 0) return Infinity;
  const max = Math.max(sorted[n - 1], periodMax);
  const fallback = SPIKE_MAX_FACTOR * Math.max(0, max) + 10;
  const u = sorted[Math.floor(TAIL_QUANTILE * (n - 1))];
  let first = n;
  while (first > 0 && sorted[first - 1] > u) first--;
  const k = n - first;
  if (k < MIN_TAIL_POINTS) return fallback;
  let a0 = 0;
  let a1 = 0;
  for (let i = 0; i < k; i++) {
    const y = sorted[first + i] - u;
    a0 += y;
    a1 += (1 - (i + 1 - 0.35) / k) * y;
  }
  a0 /= k;
  a1 /= k;
  const d = a0 - 2 * a1;
  if (!(a0 > 0) || !(d > 0)) return fallback;
  const xi = Math.min(1, Math.max(0, 2 - a0 / d)) + SHAPE_MARGIN;
  const sigma = (2 * a0 * a1) / d;
  // P(X > u + y) = (k/n) (1 + xi y / sigma)^(-1/xi) = tail.
  const ratio = k / n / tail;
  if (ratio <= 1) return fallback;
  const threshold = u + (sigma / xi) * (Math.pow(ratio, xi) - 1);
  return Number.isFinite(threshold) ? Math.max(threshold, fallback) : fallback;
}

function reservoirAdd(r: Float32Array, count: number, seen: number, x: number): number {
  if (count < r.length) {
    r[count] = x;
    return count + 1;
  }
  const j = pseudoRandomIndex(seen, seen + 1);
  if (j < r.length) r[j] = x;
  return count;
}

/** Adopt a closed reference reservoir as the new baseline (scores, spike tail and window follow). */
function adopt(s: NumericDriftState, p: NumericDriftParams, reservoir: Float32Array, count: number, periodMax: number): void {
  s.baseline = reservoir.slice(0, count);
  s.baselineCount = count;
  s.learnedMax = periodMax;
  fix(s, p);
  // The window restarts with the new reference (fix() gave it fresh, empty storage).
  s.windowPos = 0;
  s.windowFill = 0;
  s.sinceWindowTest = 0;
  s.refreshes++;
}

/**
 * Feed one value (finite, already validated) and its record time (ms). Returns the verdicts
 * that crossed their thresholds. `spikeMargin`: a spike must also exceed the baseline period's
 * largest value by this much (the caller's unit; wall-clock features pass a floor, because a
 * stall of the host is not the model). Read only when a value crosses the spike threshold, so it
 * follows the options in use, also for states restored from a snapshot.
 */
export function observeNumeric(s: NumericDriftState, p: NumericDriftParams, x: number, time = 0, spikeMargin = 0): NumericVerdict[] | undefined {
  if (!s.fixed) {
    if (s.learned === 0) s.firstTime = time;
    if (x > s.learnedMax) s.learnedMax = x;
    s.baselineCount = reservoirAdd(s.baseline, s.baselineCount, s.learned, x);
    s.learned++;
    // Enough records and enough time (record clock), or so many records that time cannot matter.
    if ((s.learned >= p.warmup && time - s.firstTime >= p.warmupMs) || s.learned >= p.maxWarmup) fix(s, p);
    return undefined;
  }
  s.monitored++;
  if (p.refreshEvery > 0) refreshStep(s, p, x);
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
  if (x > s.spikeThreshold && (spikeMargin === 0 || x - Math.max(s.learnedMax, s.baseline[n - 1]) >= spikeMargin)) {
    s.crossed = true;
    out = [{ statistic: 'spike', direction: 'up', score: x, threshold: s.spikeThreshold, span: 1 }];
  }
  if (s.up > p.cusumThreshold || s.down > p.cusumThreshold) {
    s.crossed = true;
    const up = s.up > p.cusumThreshold;
    (out ??= []).push({
      statistic: 'cusum',
      direction: up ? 'up' : 'down',
      score: up ? s.up : s.down,
      threshold: p.cusumThreshold,
      span: Math.max(1, up ? s.upRun : s.downRun),
    });
    s.up = 0;
    s.down = 0;
    s.upRun = 0;
    s.downRun = 0;
  }
  if (s.sinceWindowTest >= s.window.length) {
    s.sinceWindowTest = 0;
    const ks = ksDistance(s.baseline, n, s.window);
    if (ks.distance > p.ksThreshold) {
      s.crossed = true;
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

/**
 * Spread of the baseline sample and the recent window together: no median or mean of either can
 * differ by more. Lets a caller drop a verdict below an absolute floor without copying or sorting.
 */
export function valueSpread(s: NumericDriftState): number {
  const sorted = baselineValues(s);
  let lo = sorted.length > 0 ? sorted[0] : Infinity;
  let hi = sorted.length > 0 ? sorted[sorted.length - 1] : -Infinity;
  for (let i = 0; i < s.windowFill; i++) {
    const x = s.window[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return hi - lo;
}

/**
 * Whether a shift of `floor` or more between the baseline and the last `count` values is possible:
 * the shift an alert reports (median to median, or mean to mean when the medians are equal) is
 * at most the distance from the baseline's median or mean to the farthest recent value. Reads
 * the state in place, without copying or sorting, so a verdict that cannot pass the floor costs
 * no evidence; false only when the shift is surely below the floor.
 */
export function shiftCanReach(s: NumericDriftState, count: number, floor: number): boolean {
  const sorted = baselineValues(s);
  const m = Math.min(count, s.windowFill);
  if (sorted.length === 0 || m === 0) return true;
  let lo = Infinity;
  let hi = -Infinity;
  const len = s.window.length;
  for (let i = 0; i < m; i++) {
    const x = s.window[(s.windowPos - 1 - i + len * 2) % len];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  // The median as simple-statistics' quantileSorted(·, 0.5) computes it.
  const mid = (sorted.length - 1) * 0.5;
  const lower = Math.floor(mid);
  const median = mid % 1 !== 0 ? sorted[lower] + 0.5 * (sorted[lower + 1] - sorted[lower]) : sorted[mid];
  let total = 0;
  for (let i = 0; i < sorted.length; i++) total += sorted[i];
  const average = total / sorted.length;
  const farthest = Math.max(hi - median, median - lo, hi - average, average - lo);
  // The mean is summed here without the compensation the alert's uses: a margin far above that rounding.
  return farthest + 1e-9 * (1 + Math.abs(average)) >= floor;
}

/** The baseline sample, sorted (copies during warm-up). */
export function baselineValues(s: NumericDriftState): Float32Array {
  return s.fixed ? s.baseline : s.baseline.slice(0, s.baselineCount).sort();
}

/** Back to baseline: both CUSUM sides near zero and the window test quiet. */
export function numericIsQuiet(s: NumericDriftState, p: NumericDriftParams): boolean {
  return s.up < p.cusumThreshold / 4 && s.down < p.cusumThreshold / 4;
}

/** One step of the lagged reference window (see NumericDriftParams.refreshEvery). */
function refreshStep(s: NumericDriftState, p: NumericDriftParams, x: number): void {
  if (s.collecting.length !== p.baselineSize) {
    s.collecting = new Float32Array(p.baselineSize);
    s.collectingCount = 0;
  }
  s.collectingCount = reservoirAdd(s.collecting, s.collectingCount, s.sinceRefresh, x);
  if (x > s.collectingMax) s.collectingMax = x;
  if (++s.sinceRefresh < p.refreshEvery) return;
  // Period closed: a quiet period confirms the reservoir closed before it, which becomes the baseline.
  if (!s.crossed && s.pendingCount > 0) adopt(s, p, s.pending, s.pendingCount, s.pendingMax);
  if (s.crossed) {
    s.pendingCount = 0;
  } else {
    const closed = s.collecting;
    s.collecting = s.pending.length === p.baselineSize ? s.pending : new Float32Array(p.baselineSize);
    s.pending = closed;
    s.pendingCount = s.collectingCount;
    s.pendingMax = s.collectingMax;
  }
  s.collectingCount = 0;
  s.collectingMax = 0;
  s.sinceRefresh = 0;
  s.crossed = false;
}
