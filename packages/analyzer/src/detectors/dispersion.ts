/**
 * Design effect of a categorical stream: how much runs of the same category (bursty tool
 * use) inflate the variance of window counts over the independent case. Estimated in
 * warm-up (and on, up to DISPERSION_MAX_RECORDS) from agreement beyond chance at lags 1..L:
 * phi = 1 + 2 * sum_j r_j (+ a geometric tail), with r_j = (P(same at lag j) - sum p^2) / (1 - sum p^2).
 */

export const DISPERSION_LAGS = 32;
/** Records after which the estimate is frozen (it keeps the per-record cost of a warm group low). */
export const DISPERSION_MAX_RECORDS = 10_000;
const MAX_CATEGORIES = 64;
/** Categories that also get their own autocorrelation (per-tool design effects). */
const MAX_CATEGORIES_WITH_LAGS = 16;
const MAX_DESIGN_EFFECT = 25;

export interface DispersionState {
  /** Category ids of the last DISPERSION_LAGS records (ids compare faster than strings). */
  ring: number[];
  seen: number;
  same: number[];
  /** Category -> count; a category's id is its index here (later ones pool as id MAX_CATEGORIES). */
  counts: [string, number][];
  /** Per category id below MAX_CATEGORIES_WITH_LAGS: its agreements at each lag (when wanted). */
  sameBy: number[][] | null;
}

export function newDispersionState(perCategory: boolean): DispersionState {
  return { ring: [], seen: 0, same: new Array(DISPERSION_LAGS).fill(0), counts: [], sameBy: perCategory ? [] : null };
}

export function observeDispersion(s: DispersionState, category: string): void {
  if (s.seen >= DISPERSION_MAX_RECORDS) return;
  let id = s.counts.findIndex((e) => e[0] === category);
  if (id < 0 && s.counts.length < MAX_CATEGORIES) {
    id = s.counts.length;
    s.counts.push([category, 0]);
  }
  if (id >= 0) s.counts[id][1]++;
  else id = MAX_CATEGORIES;
  let own: number[] | undefined;
  if (s.sameBy && id < MAX_CATEGORIES_WITH_LAGS) own = s.sameBy[id] ??= new Array(DISPERSION_LAGS).fill(0);
  const ring = s.ring;
  // ring[(seen - j) % L] is the category j records ago.
  const lags = Math.min(DISPERSION_LAGS, s.seen);
  for (let j = 1; j <= lags; j++) {
    if (ring[(s.seen - j) % DISPERSION_LAGS] === id) {
      s.same[j - 1]++;
      if (own) own[j - 1]++;
    }
  }
  ring[s.seen % DISPERSION_LAGS] = id;
  s.seen++;
}

/**
 * 1 + 2 * sum of r(j) over the observed lags, plus the tail beyond them extrapolated
 * geometrically (AR(1)-like decay): bursts that outlast 32 records still count.
 */
function sumWithTail(r: number[], tail: boolean): number {
  let sum = 0;
  for (const v of r) sum += v;
  const n = r.length;
  if (tail && n === DISPERSION_LAGS) {
    // Decay per lag from the ratio of shifted sums, the tail's start from the mean of the last 8 lags (less noisy).
    let head = 0;
    let shifted = 0;
    for (let j = 0; j < n - 1; j++) {
      head += r[j];
      shifted += r[j + 1];
    }
    const rho = head > 0 ? Math.min(0.95, Math.max(0, shifted / head)) : 0;
    let last = 0;
    for (let j = n - 8; j < n; j++) last += r[j] / 8;
    if (last > 0 && rho > 0) sum += (last * rho) / (1 - rho);
  }
  return Math.min(MAX_DESIGN_EFFECT, Math.max(1, 1 + 2 * sum));
}

export function designEffect(s: DispersionState): number {
  if (s.seen < 2) return 1;
  let sumSq = 0;
  for (const [, n] of s.counts) sumSq += (n / s.seen) ** 2;
  if (sumSq >= 1) return 1;
  const r: number[] = [];
  for (let j = 1; j <= DISPERSION_LAGS; j++) {
    const pairs = s.seen - j;
    if (pairs < 10) break;
    r.push((s.same[j - 1] / pairs - sumSq) / (1 - sumSq));
  }
  return sumWithTail(r, true);
}

/**
 * Design effect of one category's indicator (its count per window): 1 + 2 * sum_j rho_j with
 * rho_j = (P(category at t and at t-j) - p^2) / (p (1 - p)). Categories beyond the first 16 get 1.
 */
export function categoryDesignEffect(s: DispersionState, category: string): number {
  const id = s.counts.findIndex((e) => e[0] === category);
  const own = id >= 0 ? s.sameBy?.[id] : undefined;
  const n = id >= 0 ? s.counts[id][1] : 0;
  if (!own || n < 2 || s.seen < 2) return 1;
  const p = n / s.seen;
  if (p >= 1) return 1;
  const r: number[] = [];
  for (let j = 1; j <= DISPERSION_LAGS; j++) {
    const pairs = s.seen - j;
    if (pairs < 10) break;
    r.push((own[j - 1] / pairs - p * p) / (p * (1 - p)));
  }
  // No tail here: a rare tool's lag counts are too noisy to extrapolate (it cost rate-spike power in bench).
  return sumWithTail(r, false);
}
