/**
 * The changepoint score of SKAB's leaderboard, reimplemented line for line from the Python that
 * produced it: `chp_score(..., metric='nab' | 'average_time', window_width='60s',
 * anomaly_window_destination='righter')` in SKAB's core/metrics.py (commit b2c0d46), itself a
 * copy of waico/tsad's tsad/utils/evaluating (evaluating.py, src.py, univariate_funcs.py; the
 * same code, checked side by side). Defaults kept as there: clear_anomalies_mode=True (the first
 * prediction in a window scores), intersection_mode='cut right window', scale_func='improved'
 * with scale_koef=1, and the three profiles of its table_of_coef.
 *
 * It is "NAB" in their sense, which differs from Numenta's own scorer: a window opens at each
 * true changepoint and lasts `windowMs` to its right; the first prediction inside a window
 * scores A_tp at the window's left edge falling along a tanh curve to A_fp at its right edge,
 * later predictions inside the same window are ignored (neither credit nor penalty); every
 * prediction outside all windows costs A_fp; a window without one costs A_fn. Sums over all
 * files are normalised between the null detector (every window missed: 0) and the perfect one
 * (every window hit at its left edge: 100).
 *
 * Times are numbers (ms since the epoch here); only differences and ratios of them are used.
 */

export interface NabProfile {
  name: 'Standard' | 'LowFP' | 'LowFN';
  aTp: number;
  aFp: number;
  aFn: number;
}

/** tsad's default table_of_coef (A_tn is listed there too, and never used). */
export const NAB_PROFILES: readonly NabProfile[] = [
  { name: 'Standard', aTp: 1.0, aFp: -0.11, aFn: -1.0 },
  { name: 'LowFP', aTp: 1.0, aFp: -0.22, aFn: -1.0 },
  { name: 'LowFN', aTp: 1.0, aFp: -0.11, aFn: -2.0 },
];

/** One dataset: the times of its true changepoints and of its predicted ones, both ascending. */
export interface NabFile {
  changepoints: readonly number[];
  predictions: readonly number[];
}

/** A scoring window [left, right], both ends included. */
export type Window = [number, number];

/**
 * single_detecting_boundaries with anomaly_window_destination='righter' and
 * intersection_mode='cut right window': [cp, cp + width] per changepoint; where a window
 * reaches the next one's start, the next one starts where this one ends.
 */
export function detectingWindows(changepoints: readonly number[], widthMs: number): Window[] {
  const w: Window[] = changepoints.map((cp) => [cp, cp + widthMs]);
  for (let i = 0; i < w.length - 1; i++) if (w[i][1] >= w[i + 1][0]) w[i + 1][0] = w[i][1];
  return w;
}

export interface Confusion {
  /** Per hit window: [left, first prediction inside, right]. */
  tps: Map<number, [number, number, number]>;
  /** Predictions outside every window. */
  fps: number[];
  /** Indices of windows with no prediction inside. */
  fns: number[];
}

/**
 * extract_cp_confusion_matrix (point=0): a prediction inside [left, right] of a window is
 * counted for it (one lying on the shared edge of two cut windows counts for both, as there);
 * those strictly before the first window, strictly between two, or strictly after the last are FPs.
 */
export function confusion(windows: readonly Window[], predictions: readonly number[]): Confusion {
  const times = predictions.slice().sort((a, b) => a - b);
  const tps = new Map<number, [number, number, number]>();
  const fps: number[] = [];
  const fns: number[] = [];
  if (windows.length === 0) return { tps, fps: times, fns };
  for (const t of times) if (t < windows[0][0]) fps.push(t);
  for (let i = 0; i < windows.length; i++) {
    const [left, right] = windows[i];
    const first = times.find((t) => t >= left && t <= right);
    if (first === undefined) fns.push(i);
    else tps.set(i, [left, first, right]);
    if (i + 1 < windows.length) for (const t of times) if (t > right && t < windows[i + 1][0]) fps.push(t);
  }
  const lastRight = windows[windows.length - 1][1];
  for (const t of times) if (t > lastRight) fps.push(t);
  return { tps, fps, fns };
}

const DETALIZATION = 1000;

/**
 * my_scale with koef=1, detalization=1000, clear_anomalies_mode=True: the score of a hit at
 * `t` in [left, right]. The position is cut to one of 1000 steps with int() (truncation), as there.
 */
export function windowScore(left: number, t: number, right: number, aTp: number, aFp: number): number {
  let event = Math.trunc(((t - left) / (right - left)) * DETALIZATION);
  if (event >= DETALIZATION) event = DETALIZATION - 1;
  // np.linspace(-pi/2, pi/2, 1000): start + j * step, the last point exactly pi/2.
  const step = Math.PI / (DETALIZATION - 1);
  const x = event === DETALIZATION - 1 ? Math.PI / 2 : -Math.PI / 2 + event * step;
  return (((aTp - aFp) / 2) * -1 * Math.tanh(x)) / Math.tanh(Math.PI / 2) + (aTp - aFp) / 2 + aFp;
}

export interface NabResult {
  /** Normalised scores, 0 = null detector, 100 = perfect, unrounded. */
  scores: Record<NabProfile['name'], number>;
  /** The same rounded to 2 decimals, as the leaderboard prints them. */
  rounded: Record<NabProfile['name'], number>;
  changepoints: number;
  missed: number;
  falsePositives: number;
  /** Mean of (first prediction - window left edge) over hit windows, ms (the 'average_time' metric). */
  meanDelayMs: number;
}

/** chp_score(metric='nab') and chp_score(metric='average_time') over a list of datasets. */
export function nabScore(files: readonly NabFile[], windowMs = 60_000, profiles: readonly NabProfile[] = NAB_PROFILES): NabResult {
  const raw = profiles.map(() => ({ score: 0, nul: 0, perfect: 0 }));
  let changepoints = 0;
  let missed = 0;
  let falsePositives = 0;
  const delays: number[] = [];
  for (const file of files) {
    const windows = detectingWindows(file.changepoints, windowMs);
    const c = confusion(windows, file.predictions);
    changepoints += windows.length;
    missed += c.fns.length;
    falsePositives += c.fps.length;
    for (const [left, first] of c.tps.values()) delays.push(first - left);
    profiles.forEach((p, k) => {
      let s = p.aFp * c.fps.length + p.aFn * c.fns.length;
      for (const [left, t, right] of c.tps.values()) s += windowScore(left, t, right, p.aTp, p.aFp);
      raw[k].score += s;
      raw[k].nul += windows.length * p.aFn;
      raw[k].perfect += windows.length * p.aTp;
    });
  }
  const scores = {} as NabResult['scores'];
  const rounded = {} as NabResult['rounded'];
  profiles.forEach((p, k) => {
    const r = raw[k];
    scores[p.name] = (100 * (r.score - r.nul)) / (r.perfect - r.nul);
    rounded[p.name] = Number(scores[p.name].toFixed(2));
  });
  const meanDelayMs = delays.length ? delays.reduce((a, b) => a + b, 0) / delays.length : NaN;
  return { scores, rounded, changepoints, missed, falsePositives, meanDelayMs };
}
