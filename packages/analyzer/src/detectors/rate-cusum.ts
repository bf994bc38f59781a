/**
 * Bernoulli CUSUM for the rate of an event (errors, refusals, finish_reason=length,
 * content-filter stops, one tool's share of calls): log-likelihood ratio of rate p1 = r*p0
 * against the baseline rate p0. A rare event's rate is poorly known after a short warm-up, so
 * p0 keeps learning past it, while the test is in control, until it rests on 30 events (times
 * the design effect) and 5 warm-ups, or on 50 warm-ups of records; then it is fixed, so a
 * lasting spike is never absorbed into it.
 */

export interface RateCusumParams {
  warmup: number;
  /** Rate ratio the test is tuned to detect (3 = a 3x spike). */
  ratio: number;
  threshold: number;
}

/** Events the baseline rate should rest on before it is fixed. */
export const MIN_BASELINE_EVENTS = 30;
/** ...or this many warm-ups of records, for events rarer than that... */
export const MAX_BASELINE_WARMUPS = 50;
/** ...and never fewer than this many warm-ups: a burst early on must not become the baseline. */
export const MIN_BASELINE_WARMUPS = 5;

export interface RateCusumState {
  n: number;
  hits: number;
  p0: number;
  llrHit: number;
  llrMiss: number;
  s: number;
  /** Records and hits since the CUSUM was last at zero (the change-point estimate). */
  run: number;
  runHits: number;
  sinceRefresh: number;
  /** The design effect the log-likelihood ratios were computed with. */
  appliedDispersion: number;
  /** Recent trace ids of positive records, for alert evidence. */
  traceIds: string[];
}

export interface RateVerdict {
  score: number;
  threshold: number;
  baselineRate: number;
  currentRate: number;
  span: number;
  traceIds: string[];
}

export function newRateCusumState(): RateCusumState {
  return { n: 0, hits: 0, p0: 0, llrHit: 0, llrMiss: 0, s: 0, run: 0, runHits: 0, sinceRefresh: 0, appliedDispersion: 1, traceIds: [] };
}

function refresh(s: RateCusumState, p: RateCusumParams, dispersion = 1): void {
  // Jeffreys-style estimate: never 0 or 1, so a first event after a clean warm-up is scored, not
  // infinite. Not capped: a rate that is high in warm-up (every call of n=2 ends one choice on
  // finish_reason=length) is the baseline, and a cap below it made every stationary record
  // evidence of a rise.
  const p0 = (s.hits + 0.5) / (s.n + 1);
  const p1 = Math.min(0.99, p.ratio * p0);
  s.p0 = p0;
  if (p1 <= p0) {
    // Already at 99 % or more: the rate cannot rise; nothing to test.
    s.llrHit = 0;
    s.llrMiss = 0;
  } else {
    // Quasi-likelihood: bursty hits carry less evidence each than independent ones.
    s.llrHit = Math.log(p1 / p0) / dispersion;
    s.llrMiss = Math.log((1 - p1) / (1 - p0)) / dispersion;
  }
  s.sinceRefresh = 0;
  s.appliedDispersion = dispersion;
}

export function observeRate(s: RateCusumState, p: RateCusumParams, hit: boolean, traceId: string, alarmed: boolean, dispersion = 1): RateVerdict | undefined {
  if (hit) {
    s.traceIds.push(traceId);
    if (s.traceIds.length > 5) s.traceIds.shift();
  }
  const learning = s.n < p.warmup;
  // Bursty events carry less information each: rest on proportionally more of them.
  const extending = !learning && (s.hits < MIN_BASELINE_EVENTS * dispersion || s.n < MIN_BASELINE_WARMUPS * p.warmup) && s.n < MAX_BASELINE_WARMUPS * p.warmup;
  if (learning || (extending && !alarmed && s.s < p.threshold / 2)) {
    s.n++;
    if (hit) s.hits++;
  }
  if (learning) {
    if (s.n >= p.warmup) refresh(s, p, dispersion);
    return undefined;
  }
  if ((extending && ++s.sinceRefresh >= 64) || dispersion !== s.appliedDispersion) refresh(s, p, dispersion);
  s.s = Math.max(0, s.s + (hit ? s.llrHit : s.llrMiss));
  if (s.s === 0) {
    s.run = 0;
    s.runHits = 0;
  } else {
    s.run++;
    if (hit) s.runHits++;
  }
  if (s.s > p.threshold) {
    const v: RateVerdict = {
      score: s.s,
      threshold: p.threshold,
      baselineRate: s.p0,
      currentRate: s.runHits / Math.max(1, s.run),
      span: s.run,
      traceIds: s.traceIds.slice(),
    };
    s.s = 0;
    s.run = 0;
    s.runHits = 0;
    return v;
  }
  return undefined;
}

export function rateIsQuiet(s: RateCusumState, p: RateCusumParams): boolean {
  return s.s < p.threshold / 4;
}
