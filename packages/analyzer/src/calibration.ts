/**
 * Closed-form threshold calibration. Every default threshold of the analyzer is derived
 * here from one target, the expected number of records between false alarms, so nothing
 * is a hand-picked constant. The figures are checked by simulation in bench/detectors.ts.
 */

/** Inverse of the standard normal CDF (Acklam's rational approximation, |rel err| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p <= 0 ? -Infinity : Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Siegmund's boundary correction: the CUSUM overshoots h by about this much (in sd units). */
export const SIEGMUND_CORRECTION = 1.166;

/**
 * Siegmund's approximation of the in-control run length of a one-sided CUSUM
 * S = max(0, S + z - k) > h on N(mu, 1) increments; theta = mu - k.
 */
export function siegmundArl(theta: number, h: number): number {
  const b = h + SIEGMUND_CORRECTION;
  if (Math.abs(theta) < 1e-9) return b * b;
  return (Math.exp(-2 * theta * b) + 2 * theta * b - 1) / (2 * theta * theta);
}

/**
 * Threshold h of a two-sided CUSUM on standardised scores whose conditional law, because the
 * baseline is estimated from `baselineSize` records, is N(delta, sigma^2) with
 * delta ~ N(0, 1/(n+2)) and sigma ~ 1 + N(0, 1/(2n)): the false-alarm rate 1/ARL+ + 1/ARL- is
 * averaged over both (the rate a fleet of groups sees).
 */
export function cusumThreshold(reference: number, targetArl: number, baselineSize: number): number {
  const n = baselineSize;
  const tau = 1 / Math.sqrt(n + 2);
  const grid = (sd: number, points: number): { value: number; weight: number }[] => {
    const out: { value: number; weight: number }[] = [];
    let sum = 0;
    for (let i = -points; i <= points; i++) {
      const u = (5 * i) / points;
      const w = Math.exp(-0.5 * u * u);
      out.push({ value: u * sd, weight: w });
      sum += w;
    }
    return out.map((g) => ({ value: g.value, weight: g.weight / sum }));
  };
  const deltas = grid(tau, 40);
  const sigmas = grid(1 / Math.sqrt(2 * n), 10).map((g) => ({ value: Math.max(0.5, 1 + g.value), weight: g.weight }));
  const rate = (h: number): number => {
    let r = 0;
    for (const s of sigmas) {
      // Scores N(delta, s^2): divide through by s, so k/s and h/s apply to unit variance.
      for (const d of deltas) {
        const w = s.weight * d.weight;
        r += w * (1 / siegmundArl((d.value - reference) / s.value, h / s.value) + 1 / siegmundArl((-d.value - reference) / s.value, h / s.value));
      }
    }
    return r;
  };
  let lo = 0;
  let hi = 400;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (rate(mid) > 1 / targetArl) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Survival function of the Kolmogorov distribution, P(K > lambda). */
export function kolmogorovSurvival(lambda: number): number {
  if (lambda < 0.2) return 1;
  let s = 0;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    s += (j % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-16) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

/** Critical two-sample KS distance for samples of n and m at level alpha (asymptotic, Stephens' correction). */
export function ksThreshold(alpha: number, n: number, m: number): number {
  const ne = Math.sqrt((n * m) / (n + m));
  let lo = 0.2;
  let hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (kolmogorovSurvival(mid) > alpha) lo = mid;
    else hi = mid;
  }
  return Math.min(1, hi / (ne + 0.12 + 0.11 / ne));
}

/** Upper quantile of chi-square with df degrees of freedom: P(X > q) = alpha. */
export function chiSquareUpper(alpha: number, df: number): number {
  if (df <= 0) return Infinity;
  if (df === 1) {
    const z = normalQuantile(1 - alpha / 2);
    return z * z;
  }
  if (df === 2) return -2 * Math.log(alpha);
  // Wilson-Hilferty: accurate to a few percent in the far tail for df >= 3.
  const z = normalQuantile(1 - alpha);
  const c = 2 / (9 * df);
  return df * Math.pow(1 - c + z * Math.sqrt(c), 3);
}

/**
 * Threshold of a CUSUM on log-likelihood ratios that are exact (or dominated) under the
 * null: Lorden/Wald give ARL0 >= e^h, so h = ln(ARL) is a conservative closed form.
 */
export function llrCusumThreshold(targetArl: number): number {
  return Math.log(Math.max(2, targetArl));
}

/** Expected records between false alarms each of `parts` detectors must reach so the group reaches `target`. */
export function perDetectorArl(target: number, parts: number): number {
  return target * Math.max(1, parts);
}
