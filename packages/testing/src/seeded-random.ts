/**
 * Seeded pseudo-random numbers for test fixtures and benches: the same seed gives the same
 * sequence on every run and machine, so seeded tests can assert on exact outcomes. The
 * analyzer's synthetic streams, the agents' conversations and the cli's simulated fleet
 * each carried a copy of this.
 */

/** mulberry32: a small, fast, seedable PRNG; numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal (Box–Muller; two draws per number). */
export function normal(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Log-normal with the given mean and log-sd (heavy-tailed, like latency and token counts). */
export function logNormal(rand: () => number, mean: number, sigma: number): number {
  return Math.exp(Math.log(mean) - (sigma * sigma) / 2 + sigma * normal(rand));
}

/** Poisson with the given mean (Knuth's method; the normal approximation above 30). */
export function poisson(rand: () => number, mean: number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(rand)));
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}
