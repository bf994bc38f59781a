/**
 * Real LLM serving traffic from ServeGen (github.com/alibaba/ServeGen, Apache-2.0): per-client
 * characterisations of 14 days of production traffic on Alibaba Cloud Model Studio (Bailian).
 * For every client: the request rate, its coefficient of variation and the fitted inter-arrival
 * law per 10-minute slot (`chunk-<id>-trace.csv`), and the empirical distribution of input and
 * output tokens per 6-hour window (`chunk-<id>-dataset.json`, exact token counts with their
 * probabilities).
 *
 * What this is and is not: the rates, burstiness and length distributions, and how they move
 * from slot to slot and window to window over two weeks, are production data. The individual
 * requests are drawn by us from those distributions (ServeGen publishes no per-request log for
 * online traffic), so inside one 6-hour window lengths are independent draws, and input and
 * output are drawn independently. Both are stated wherever a figure from this data is quoted.
 *
 * Nothing from ServeGen is committed: `prepare-servegen.ts` copies the files from a clone at
 * the pinned commit into `.cache/servegen/` and records their hashes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SERVEGEN = {
  repo: 'alibaba/ServeGen',
  commit: 'f891d1189eb32b3868dfc443800c4150548c282a',
  licence: 'Apache-2.0',
  url: 'https://github.com/alibaba/ServeGen',
} as const;

export const SERVEGEN_CACHE = new URL('./.cache/servegen/', import.meta.url).pathname;

/** One 10-minute slot of a client's arrivals: requests per second and their coefficient of variation. */
export interface ArrivalSlot {
  start: number;
  rate: number;
  cv: number;
}

/** A discrete distribution with its cumulative weights, for sampling by binary search. */
export interface TokenDistribution {
  values: Float64Array;
  cumulative: Float64Array;
}

export interface ServeGenClient {
  /** `<category>/<model>/<client id>` */
  id: string;
  slots: ArrivalSlot[];
  /** Length distributions by 6-hour window start (seconds since the trace began). */
  windows: Map<number, { input: TokenDistribution; output: TokenDistribution }>;
  windowSeconds: number;
}

/** Parses ServeGen's Python dict literal `{143: 0.0001, 148: 0.0001, ...}`. */
export function parseDistribution(literal: string): TokenDistribution | undefined {
  const values: number[] = [];
  const weights: number[] = [];
  const pair = /(-?\d+(?:\.\d+)?)\s*:\s*([0-9.eE+-]+)/g;
  for (let m = pair.exec(literal); m; m = pair.exec(literal)) {
    const v = Number(m[1]);
    const w = Number(m[2]);
    if (Number.isFinite(v) && Number.isFinite(w) && w > 0) {
      values.push(v);
      weights.push(w);
    }
  }
  if (values.length === 0) return undefined;
  const cumulative = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) cumulative[i] = sum += weights[i];
  for (let i = 0; i < cumulative.length; i++) cumulative[i] /= sum;
  return { values: Float64Array.from(values), cumulative };
}

export function sampleDistribution(d: TokenDistribution, rand: () => number): number {
  const u = rand();
  let lo = 0;
  let hi = d.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (d.cumulative[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return d.values[lo];
}

/** Loads every client of one `<category>/<model>` folder that has both files and at least one length window. */
export function loadServeGenModel(folder: string, root = SERVEGEN_CACHE): ServeGenClient[] {
  const dir = join(root, 'data', folder);
  if (!existsSync(dir)) throw new Error(`ServeGen data not found at ${dir}; run packages/analyzer/bench/data/prepare-servegen.ts first`);
  const clients: ServeGenClient[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = /^chunk-(\d+)-dataset\.json$/.exec(file);
    if (!m) continue;
    const tracePath = join(dir, `chunk-${m[1]}-trace.csv`);
    if (!existsSync(tracePath)) continue;
    let raw: Record<string, Record<string, string>>;
    try {
      raw = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch {
      continue; // a file missing from the snapshot (its blob too large to mirror) is skipped, and counted by the caller
    }
    const windows = new Map<number, { input: TokenDistribution; output: TokenDistribution }>();
    for (const [start, fields] of Object.entries(raw)) {
      // Multimodal clients report text and image tokens apart; the text tokens stand for the prompt.
      const input = parseDistribution(fields.input_tokens ?? fields.text_tokens ?? '');
      const output = parseDistribution(fields.output_tokens ?? '');
      if (input && output) windows.set(Number(start), { input, output });
    }
    if (windows.size === 0) continue;
    const slots: ArrivalSlot[] = [];
    for (const line of readFileSync(tracePath, 'utf8').split('\n')) {
      const [start, rate, cv] = line.split(',');
      if (start === undefined || start === '') continue;
      slots.push({ start: Number(start), rate: Number(rate) || 0, cv: Number(cv) || 1 });
    }
    // Every window key is a multiple of ServeGen's 6-hour step; gaps are windows without data.
    const windowSeconds = 21_600;
    clients.push({ id: `${folder}/${m[1]}`, slots, windows, windowSeconds });
  }
  return clients;
}

/** Gamma(shape, 1) by Marsaglia and Tsang (shape < 1 boosted by U^(1/shape)). */
function gamma(rand: () => number, shape: number, normal: () => number): number {
  if (shape < 1) return gamma(rand, shape + 1, normal) * rand() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rand();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export interface DrawnRequest {
  /** Seconds since the trace began. */
  time: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * Requests of one client from `startSeconds` on, in arrival order: inter-arrival times are gamma
 * with each slot's mean (1 / rate) and coefficient of variation; lengths are drawn from the
 * 6-hour window the request falls in. Slots without traffic are skipped; windows without a
 * length distribution use the nearest earlier one.
 */
export function* drawRequests(client: ServeGenClient, startSeconds: number, rand: () => number): Generator<DrawnRequest> {
  const normal = (): number => {
    const u = 1 - rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
  const windowStarts = [...client.windows.keys()].sort((a, b) => a - b);
  const windowAt = (t: number) => {
    let chosen = windowStarts[0];
    for (const s of windowStarts) if (s <= t) chosen = s;
    return client.windows.get(chosen)!;
  };
  let t = startSeconds;
  for (const slot of client.slots) {
    const end = slot.start + 600;
    if (end <= t || slot.rate <= 0) continue;
    if (t < slot.start) t = slot.start;
    const cv = Math.min(Math.max(slot.cv, 0.1), 20);
    const shape = 1 / (cv * cv);
    const scale = 1 / (slot.rate * shape);
    for (;;) {
      t += gamma(rand, shape, normal) * scale;
      if (t >= end) break;
      const w = windowAt(t);
      yield { time: t, inputTokens: sampleDistribution(w.input, rand), outputTokens: sampleDistribution(w.output, rand) };
    }
    t = end;
  }
}

/** Requests a client sends in the 6-hour window starting at `start` (from the slot rates). */
export function expectedRequests(client: ServeGenClient, start: number, seconds = client.windowSeconds): number {
  let n = 0;
  for (const s of client.slots) if (s.start >= start && s.start < start + seconds) n += s.rate * 600;
  return n;
}
