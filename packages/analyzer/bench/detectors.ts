/**
 * Detector benchmark: for each detector at its default (calibrated) threshold, the measured
 * mean records between false alarms on long stationary streams, and the median / p95
 * detection delay after shifts of stated sizes; Page-Hinkley and ADWIN at river's default
 * parameters run on the same streams as references. Also a calibration check: thresholds
 * derived for a short target (where false alarms are frequent enough to count) against the
 * measured figure. Run: npm run bench:detectors (a few minutes on 2 cores).
 */
import { Analyzer, calibrateDetectors } from '../src/analyzer';
import { parseAnalyzerOptions } from '../src/options';
import { newNumericDriftState, observeNumeric, type NumericDriftParams } from '../src/detectors/numeric-drift';
import { newRateCusumState, observeRate, type RateCusumParams } from '../src/detectors/rate-cusum';
import { newCategoricalState, observeCategory, type CategoricalParams } from '../src/detectors/categorical-drift';
import { newToolUsageState, observeTools, type ToolUsageParams } from '../src/detectors/tool-usage';
import { cusumThreshold, ksThreshold, llrCusumThreshold } from '../src/calibration';
import { DEFAULT_STREAM, RecordStream, logNormal, normal, pick, poisson, prng, type StreamSpec } from '../src/synthetic-streams';
import { Adwin, PageHinkley } from './reference-detectors';

const QUICK = process.env.BENCH_QUICK === '1';
const DELAY_REPLICATES = QUICK ? 40 : 200;
const DELAY_CAP = 5000;
const options = parseAnalyzerOptions({});
const cal = calibrateDetectors(options);
const none: ReadonlySet<string> = new Set();
const lines: string[] = [];
const out = (s = ''): void => {
  lines.push(s);
  console.log(s);
};

// ---------------------------------------------------------------- value generators
type Gen = (rand: () => number, shift: number) => number;
/** Output tokens, mean 210 x (1 + shift). */
const numericGens: Record<string, Gen> = {
  normal: (r, s) => Math.max(0, 210 * (1 + s) + 63 * normal(r)),
  'log-normal (sd 0.6)': (r, s) => logNormal(r, 210 * (1 + s), 0.6),
  'Poisson (mean 12)': (r, s) => poisson(r, 12 * (1 + s)),
};

/** Heavier tails than the delay table's streams, for the spike detector (real token counts have them). */
const heavyGens: Record<string, Gen> = {
  'log-normal (sd 1.2)': (r, s) => logNormal(r, 210 * (1 + s), 1.2),
  'Pareto (alpha 2.5, min 50)': (r, s) => 50 * (1 + s) * Math.pow(1 - r(), -1 / 2.5),
};

function fmtArl(records: number, alarms: number): string {
  return alarms === 0 ? `> ${fmtInt(records)} (0 alarms)` : `${fmtInt(records / alarms)} (${alarms} alarms)`;
}
function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
function fmtDelay(delays: number[]): string {
  const s = delays.slice().sort((a, b) => a - b);
  const missed = s.filter((d) => d > DELAY_CAP).length;
  const med = quantile(s, 0.5);
  const p95 = quantile(s, 0.95);
  const show = (d: number): string => (d > DELAY_CAP ? `>${DELAY_CAP}` : String(d));
  return `${show(med)} / ${show(p95)}${missed ? ` (${missed}/${s.length} missed)` : ''}`;
}

// ---------------------------------------------------------------- false alarms, per detector
interface FalseAlarmRow {
  detector: string;
  stream: string;
  records: number;
  alarms: number;
}
const falseAlarms: FalseAlarmRow[] = [];

/** Many short-lived baselines: the rate a fleet of groups sees, including baseline estimation error. */
function numericFalseAlarms(
  params: NumericDriftParams,
  gen: Gen,
  seed: number,
  baselines: number,
  perBaseline: number,
): { cusum: number; ks: number; spike: number; ph: number; adwin: number; records: number } {
  const res = { cusum: 0, ks: 0, spike: 0, ph: 0, adwin: 0, records: 0 };
  for (let b = 0; b < baselines; b++) {
    const rand = prng(seed * 100_003 + b);
    const s = newNumericDriftState(params);
    const ph = new PageHinkley();
    const adwin = new Adwin();
    // Records are timed one second apart, so the baseline is fixed once it spans warmupMs as well
    // as warmup records (as in the analyzer); only records after that are monitored and counted.
    for (let i = 0, monitored = 0; monitored < perBaseline; i++) {
      const x = gen(rand, 0);
      const wasFixed = s.fixed;
      const v = observeNumeric(s, params, x, i * 1000);
      if (!wasFixed) continue;
      monitored++;
      res.records++;
      for (const verdict of v ?? [])
        if (verdict.statistic === 'cusum') res.cusum++;
        else if (verdict.statistic === 'ks') res.ks++;
        else res.spike++;
      if (ph.update(x)) res.ph++;
      if (adwin.update(x)) res.adwin++;
    }
  }
  return res;
}

function rateFalseAlarms(
  params: RateCusumParams,
  p: number,
  seed: number,
  baselines: number,
  perBaseline: number,
): { cusum: number; ph: number; adwin: number; records: number } {
  const res = { cusum: 0, ph: 0, adwin: 0, records: 0 };
  for (let b = 0; b < baselines; b++) {
    const rand = prng(seed * 100_003 + b);
    const s = newRateCusumState();
    const ph = new PageHinkley();
    const adwin = new Adwin();
    for (let i = 0; i < params.warmup + perBaseline; i++) {
      const hit = rand() < p;
      const v = observeRate(s, params, hit, '', false);
      if (i < params.warmup) continue;
      res.records++;
      if (v) res.cusum++;
      if (ph.update(hit ? 1 : 0)) res.ph++;
      if (adwin.update(hit ? 1 : 0)) res.adwin++;
    }
  }
  return res;
}

const categories = ['stop', 'tool_calls', 'length', 'content_filter'];
function categoricalFalseAlarms(
  params: CategoricalParams,
  weights: number[],
  burstiness: number,
  seed: number,
  baselines: number,
  perBaseline: number,
): { g: number; records: number } {
  const res = { g: 0, records: 0 };
  for (let b = 0; b < baselines; b++) {
    const rand = prng(seed * 100_003 + b);
    const s = newCategoricalState();
    let last = 'stop';
    for (let i = 0; i < params.warmup + perBaseline; i++) {
      const c = rand() < burstiness ? last : pick(rand, categories, weights);
      last = c;
      const v = observeCategory(s, params, c);
      if (i >= params.warmup) {
        res.records++;
        if (v) res.g++;
      }
    }
  }
  return res;
}

const tools = ['search', 'lookup_order', 'refund', 'escalate'];
function toolFalseAlarms(
  params: ToolUsageParams,
  burstiness: number,
  seed: number,
  baselines: number,
  perBaseline: number,
): { rate: number; sequence: number; records: number } {
  const res = { rate: 0, sequence: 0, records: 0 };
  for (let b = 0; b < baselines; b++) {
    const rand = prng(seed * 100_003 + b);
    const s = newToolUsageState(params);
    let last = 'search';
    for (let i = 0; i < params.warmup + perBaseline; i++) {
      const used = rand() < 0.3 ? [(last = rand() < burstiness ? last : pick(rand, tools, [6, 3, 1, 1]))] : [];
      const v = observeTools(s, params, used, `s${b}.${Math.floor(i / 4)}`, '', none);
      if (i < params.warmup) continue;
      res.records++;
      for (const x of v ?? []) x.type === 'rate_spike' ? res.rate++ : x.type === 'sequence' ? res.sequence++ : 0;
    }
  }
  return res;
}

// ---------------------------------------------------------------- detection delays
function numericDelays(params: NumericDriftParams, gen: Gen, shift: number): Record<'cusum' | 'ks' | 'either' | 'ph' | 'adwin', number[]> {
  const d = { cusum: [] as number[], ks: [] as number[], either: [] as number[], ph: [] as number[], adwin: [] as number[] };
  for (let rep = 0; rep < DELAY_REPLICATES; rep++) {
    const rand = prng(7_000_000 + rep);
    const s = newNumericDriftState(params);
    const ph = new PageHinkley();
    const adwin = new Adwin();
    let i = 0;
    for (; i < params.warmup + 1000; i++) {
      const x = gen(rand, 0);
      observeNumeric(s, params, x, i * 1000);
      ph.update(x);
      adwin.update(x);
    }
    // No detector is reset at the shift: one that alarms constantly shows a short "delay" here and a
    // short false-alarm spacing in the first table; read the two together.
    let cusum = Infinity;
    let ks = Infinity;
    let phAt = Infinity;
    let adAt = Infinity;
    for (let k = 1; k <= DELAY_CAP && (cusum === Infinity || ks === Infinity || phAt === Infinity || adAt === Infinity); k++, i++) {
      const x = gen(rand, shift);
      for (const v of observeNumeric(s, params, x, i * 1000) ?? []) {
        if (v.statistic === 'cusum' && cusum === Infinity) cusum = k;
        if (v.statistic === 'ks' && ks === Infinity) ks = k;
      }
      if (ph.update(x) && phAt === Infinity) phAt = k;
      if (adwin.update(x) && adAt === Infinity) adAt = k;
    }
    const cap = (v: number): number => (v === Infinity ? DELAY_CAP + 1 : v);
    d.cusum.push(cap(cusum));
    d.ks.push(cap(ks));
    d.either.push(cap(Math.min(cusum, ks)));
    d.ph.push(cap(phAt));
    d.adwin.push(cap(adAt));
  }
  return d;
}

function rateDelays(params: RateCusumParams, p0: number, ratio: number): Record<'cusum' | 'ph' | 'adwin', number[]> {
  const d = { cusum: [] as number[], ph: [] as number[], adwin: [] as number[] };
  for (let rep = 0; rep < DELAY_REPLICATES; rep++) {
    const rand = prng(8_000_000 + rep);
    const s = newRateCusumState();
    const ph = new PageHinkley();
    const adwin = new Adwin();
    // Long enough for the baseline rate to be fixed (30 events or 50 warm-ups).
    for (let i = 0; i < params.warmup + Math.min(50 * params.warmup, 60 / p0); i++) {
      const hit = rand() < p0;
      observeRate(s, params, hit, '', false);
      ph.update(hit ? 1 : 0);
      adwin.update(hit ? 1 : 0);
    }
    let c = Infinity;
    let a = Infinity;
    let b = Infinity;
    for (let i = 1; i <= DELAY_CAP && (c === Infinity || a === Infinity || b === Infinity); i++) {
      const hit = rand() < p0 * ratio;
      if (observeRate(s, params, hit, '', false) && c === Infinity) c = i;
      if (ph.update(hit ? 1 : 0) && a === Infinity) a = i;
      if (adwin.update(hit ? 1 : 0) && b === Infinity) b = i;
    }
    const cap = (v: number): number => (v === Infinity ? DELAY_CAP + 1 : v);
    d.cusum.push(cap(c));
    d.ph.push(cap(a));
    d.adwin.push(cap(b));
  }
  return d;
}

function toolDelays(params: ToolUsageParams, kind: 'rate_spike' | 'new_tool' | 'sequence'): number[] {
  const delays: number[] = [];
  for (let rep = 0; rep < DELAY_REPLICATES; rep++) {
    const rand = prng(9_000_000 + rep);
    const s = newToolUsageState(params);
    const step = (changed: boolean, i: number): string[] => {
      if (kind === 'sequence') {
        // Sessions of 3 steps: search -> lookup_order -> refund; after the change: search -> refund -> lookup_order.
        const order = changed ? ['search', 'refund', 'lookup_order'] : ['search', 'lookup_order', 'refund'];
        return [order[i % 3]];
      }
      if (rand() >= 0.3) return [];
      if (kind === 'new_tool' && changed && rand() < 0.1) return ['send_email'];
      return [pick(rand, tools, changed && kind === 'rate_spike' ? [6, 3, 1, 4.5] : [6, 3, 1, 1])];
    };
    const session = (i: number): string => (kind === 'sequence' ? `s${Math.floor(i / 3)}` : `s${Math.floor(i / 4)}`);
    const warm = kind === 'sequence' ? params.sequenceWarmup + 300 : params.warmup + 2000;
    let i = 0;
    for (; i < warm; i++) observeTools(s, params, step(false, i), session(i), '', none);
    let at = DELAY_CAP + 1;
    for (let k = 1; k <= DELAY_CAP; k++, i++) {
      const v = observeTools(s, params, step(true, i), session(i), '', none);
      if (v?.some((x) => x.type === kind)) {
        at = k;
        break;
      }
    }
    delays.push(at);
  }
  return delays;
}

// ---------------------------------------------------------------- run
const t0 = performance.now();
out('# @warden/analyzer detector benchmark');
out();
out(
  `Defaults: warmup ${options.warmup}, window ${options.window}, target ${fmtInt(options.recordsBetweenFalseAlarms)} records between false alarms per group,`,
);
out(
  `split over ${Math.round(cal.groupDetectorArl / options.recordsBetweenFalseAlarms)} group detectors (each ${fmtInt(cal.groupDetectorArl)}) and ${options.trackedTools + 1} agent tool detectors (each ${fmtInt(cal.agentDetectorArl)}).`,
);
out(
  `Thresholds: numeric CUSUM h=${cal.numeric.cusumThreshold.toFixed(2)} (k=${cal.numeric.reference}), KS D=${cal.numeric.ksThreshold.toFixed(3)}, rate CUSUM h=${cal.rate.threshold.toFixed(2)}, tool rate/sequence h=${cal.tools.rate.threshold.toFixed(2)}.`,
);
out();

// 1. False alarms at default thresholds, >= 10^6 records per family.
const baselines = QUICK ? 20 : 100;
const per = 10_000;
for (const [name, gen] of Object.entries(numericGens)) {
  const r = numericFalseAlarms(cal.numeric, gen, name.length, baselines, per);
  falseAlarms.push({ detector: 'numeric_drift.* (CUSUM)', stream: name, records: r.records, alarms: r.cusum });
  falseAlarms.push({ detector: 'numeric_drift.*.ks', stream: name, records: r.records, alarms: r.ks });
  falseAlarms.push({ detector: 'spike.*', stream: name, records: r.records, alarms: r.spike });
  falseAlarms.push({ detector: 'Page-Hinkley (river defaults)', stream: name, records: r.records, alarms: r.ph });
  falseAlarms.push({ detector: 'ADWIN (river defaults)', stream: name, records: r.records, alarms: r.adwin });
}
for (const p of [0.01, 0.05]) {
  const r = rateFalseAlarms(cal.rate, p, Math.round(p * 1000), baselines, per);
  falseAlarms.push({ detector: 'rate_cusum.*', stream: `Bernoulli p=${p}`, records: r.records, alarms: r.cusum });
  falseAlarms.push({ detector: 'Page-Hinkley (river defaults)', stream: `Bernoulli p=${p}`, records: r.records, alarms: r.ph });
  falseAlarms.push({ detector: 'ADWIN (river defaults)', stream: `Bernoulli p=${p}`, records: r.records, alarms: r.adwin });
}
for (const [burst, label] of [
  [0, 'independent'],
  [0.8, 'bursty (80% repeats)'],
] as const) {
  const r = categoricalFalseAlarms(cal.categorical, [70, 25, 4, 1], burst, burst ? 41 : 42, baselines, per);
  falseAlarms.push({ detector: 'categorical.*', stream: `4 categories, ${label}`, records: r.records, alarms: r.g });
  const t = toolFalseAlarms(cal.tools, burst, burst ? 43 : 44, baselines, per);
  falseAlarms.push({ detector: 'tool.rate_spike (4 tools)', stream: `30% tool calls, ${label}`, records: t.records, alarms: t.rate });
  falseAlarms.push({ detector: 'tool.sequence', stream: `30% tool calls, ${label}`, records: t.records, alarms: t.sequence });
}

// Whole analyzer: every detector of a group together, against the per-group target.
const analyzerStreams: [string, Partial<StreamSpec>][] = [
  ['log-normal', { distribution: 'lognormal' }],
  ['normal', { distribution: 'normal' }],
  ['Poisson', { distribution: 'poisson', meanOutputTokens: 12 }],
  ['bursty tools', { distribution: 'lognormal', burstiness: 0.8 }],
];
const analyzerGroups = QUICK ? 10 : 40;
const analyzerPer = QUICK ? 3000 : 7000;
const byDetector: Record<string, number> = {};
for (const [name, spec] of analyzerStreams) {
  const a = new Analyzer();
  let alarms = 0;
  for (let g = 0; g < analyzerGroups; g++) {
    const s = new RecordStream({ ...DEFAULT_STREAM, ...spec, seed: 500 + g, agent: `agent-${g}` });
    for (let i = 0; i < options.warmup + analyzerPer; i++) {
      for (const al of a.observe(s.next())) {
        alarms++;
        byDetector[al.detector] = (byDetector[al.detector] ?? 0) + 1;
      }
    }
  }
  falseAlarms.push({ detector: 'Analyzer, all detectors of a group', stream: `${name} chat stream`, records: analyzerGroups * analyzerPer, alarms });
}

out('## False alarms at default thresholds (stationary streams)');
out();
out(
  `Each row: ${baselines} independent baselines x ${fmtInt(per)} records after each baseline is fixed (one record a second, so warm-up spans both the warmup records and warmupMs), unless stated; Analyzer rows: ${analyzerGroups} groups x ${fmtInt(analyzerPer)} records.`,
);
out();
out('| detector | stream | records | mean records between false alarms |');
out('|---|---|---:|---:|');
for (const r of falseAlarms) out(`| ${r.detector} | ${r.stream} | ${fmtInt(r.records)} | ${fmtArl(r.records, r.alarms)} |`);
out();
out(`Total records in stationary streams: ${fmtInt(falseAlarms.reduce((n, r) => n + r.records, 0) / 1)} (PH/ADWIN rows reuse the detectors' streams).`);
if (Object.keys(byDetector).length) out(`Analyzer false alarms by detector: ${JSON.stringify(byDetector)}`);
out();

// 2. Calibration check: thresholds derived for a short target, measured on null streams.
const target = 5_000;
const checkParams: NumericDriftParams = {
  ...cal.numeric,
  cusumThreshold: cusumThreshold(cal.numeric.reference, target, cal.numeric.baselineSize),
  ksThreshold: ksThreshold(options.window / target, cal.numeric.baselineSize, options.window),
};
const checkRate: RateCusumParams = { ...cal.rate, threshold: llrCusumThreshold(target) };
const checkCat: CategoricalParams = { ...cal.categorical, alpha: options.window / target };
out(`## Calibration check: thresholds derived for ${fmtInt(target)} records between false alarms`);
out();
out('| detector | stream | derived threshold | measured mean records between false alarms |');
out('|---|---|---:|---:|');
for (const [name, gen] of Object.entries(numericGens)) {
  const r = numericFalseAlarms(checkParams, gen, 90 + name.length, QUICK ? 20 : 100, per);
  out(`| numeric CUSUM | ${name} | h=${checkParams.cusumThreshold.toFixed(2)} | ${fmtArl(r.records, r.cusum)} |`);
  out(`| numeric KS | ${name} | D=${checkParams.ksThreshold.toFixed(3)} | ${fmtArl(r.records, r.ks)} |`);
}
for (const p of [0.01, 0.05]) {
  const r = rateFalseAlarms(checkRate, p, 95, QUICK ? 20 : 100, per);
  out(`| rate CUSUM (Wald bound, conservative) | Bernoulli p=${p} | h=${checkRate.threshold.toFixed(2)} | ${fmtArl(r.records, r.cusum)} |`);
}
for (const [burst, label] of [
  [0, 'independent'],
  [0.8, 'bursty'],
] as const) {
  const r = categoricalFalseAlarms(checkCat, [70, 25, 4, 1], burst, 97, QUICK ? 20 : 100, per);
  out(`| categorical G-test | ${label} | alpha=${checkCat.alpha.toFixed(3)}/window | ${fmtArl(r.records, r.g)} |`);
}
out();

// 3. Detection delays.
out(`## Detection delay (records after the shift; median / p95 over ${DELAY_REPLICATES} seeded runs, cap ${DELAY_CAP})`);
out();
out('| shift | stream | CUSUM | KS window | either (the analyzer) | Page-Hinkley | ADWIN |');
out('|---|---|---:|---:|---:|---:|---:|');
for (const shift of [0.25, 0.5, 1]) {
  for (const [name, gen] of Object.entries(numericGens)) {
    if (name.startsWith('Poisson') && shift === 0.25) continue;
    const d = numericDelays(cal.numeric, gen, shift);
    out(
      `| +${shift * 100}% mean output tokens | ${name} | ${fmtDelay(d.cusum)} | ${fmtDelay(d.ks)} | ${fmtDelay(d.either)} | ${fmtDelay(d.ph)} | ${fmtDelay(d.adwin)} |`,
    );
  }
}
out();
out('| change | detector | median / p95 delay | Page-Hinkley | ADWIN |');
out('|---|---|---:|---:|---:|');
for (const p0 of [0.01, 0.05]) {
  const d = rateDelays(cal.rate, p0, 3);
  out(`| error rate ${p0 * 100}% -> ${p0 * 300}% (3x) | rate_cusum.error | ${fmtDelay(d.cusum)} | ${fmtDelay(d.ph)} | ${fmtDelay(d.adwin)} |`);
}
out(`| 3x share of one tool (3.3% -> 10% of calls) | tool.rate_spike | ${fmtDelay(toolDelays(cal.tools, 'rate_spike'))} | n/a | n/a |`);
out(`| a new tool (3% of calls) | tool.new_tool | ${fmtDelay(toolDelays(cal.tools, 'new_tool'))} | n/a | n/a |`);
out(`| tool order changes (lookup/refund swapped) | tool.sequence | ${fmtDelay(toolDelays(cal.tools, 'sequence'))} | n/a | n/a |`);
out();

// 4. Spikes: false alarms on heavier tails, and which single values are caught.
out('## Spikes (`spike.<feature>`)');
out();
out(`False alarms: ${baselines} independent baselines x ${fmtInt(per)} monitored records per stream (the three streams above are in the first table).`);
out();
out('| stream | records | mean records between spike false alarms | CUSUM | KS |');
out('|---|---:|---:|---:|---:|');
for (const [name, gen] of Object.entries(heavyGens)) {
  const r = numericFalseAlarms(cal.numeric, gen, 60 + name.length, baselines, per);
  out(`| ${name} | ${fmtInt(r.records)} | ${fmtArl(r.records, r.spike)} | ${fmtArl(r.records, r.cusum)} | ${fmtArl(r.records, r.ks)} |`);
}
out();
const SPIKE_FACTORS = [10, 50, 100, 1000];
out(
  `Detection: after the baseline and 1,000 monitored records, one value of k x the baseline's median; share of ${DELAY_REPLICATES} seeded runs in which it alerts (a spike alerts on the value itself or never: its delay is 0 or infinite). Threshold / median: the fitted threshold over the baseline median (median of the runs).`,
);
out();
out(`| stream | threshold / median | ${SPIKE_FACTORS.map((k) => `${k}x`).join(' | ')} |`);
out(`|---|---:|${SPIKE_FACTORS.map(() => '---:').join('|')}|`);
for (const [name, gen] of Object.entries({ ...numericGens, ...heavyGens })) {
  const caught = SPIKE_FACTORS.map(() => 0);
  const ratios: number[] = [];
  for (let rep = 0; rep < DELAY_REPLICATES; rep++) {
    const rand = prng(6_000_000 + rep);
    const st = newNumericDriftState(cal.numeric);
    let i = 0;
    for (let monitored = 0; monitored < 1000; i++) {
      const wasFixed = st.fixed;
      observeNumeric(st, cal.numeric, gen(rand, 0), i * 1000);
      if (wasFixed) monitored++;
    }
    const median = st.baseline[Math.floor(st.baselineCount / 2)];
    ratios.push(st.spikeThreshold / Math.max(median, 1));
    SPIKE_FACTORS.forEach((k, j) => {
      // Each factor on a copy of the same state: the value is judged against the same baseline.
      const copy = { ...st, window: st.window.slice() };
      if (observeNumeric(copy, cal.numeric, k * Math.max(median, 1), i * 1000)?.some((v) => v.statistic === 'spike')) caught[j]++;
    });
  }
  ratios.sort((a, b) => a - b);
  out(`| ${name} | ${quantile(ratios, 0.5).toFixed(0)} | ${caught.map((c) => `${((100 * c) / DELAY_REPLICATES).toFixed(0)}%`).join(' | ')} |`);
}
out();

// 5. Re-arming: a change that persists is accepted, and the next change is caught.
out('## Re-arming (whole analyzer, defaults)');
out();
const rearm = { first: [] as number[], accepted: [] as number[], second: [] as number[], between: 0 };
for (let rep = 0; rep < (QUICK ? 20 : 100); rep++) {
  const a = new Analyzer();
  const s = new RecordStream({ ...DEFAULT_STREAM, seed: 9_100 + rep });
  let phase = 0;
  let k = 0;
  const at: { first?: number; accepted?: number; second?: number } = {};
  a.on('detector_alert', (al) => {
    if (!al.subject.feature?.startsWith('output_')) return;
    if (phase === 1 && at.first === undefined) at.first = k;
    else if (phase === 2) rearm.between++;
    else if (phase === 3 && at.second === undefined) at.second = k;
  });
  a.on('resolved', (r) => {
    if (phase === 1 && r.reason === 'accepted' && at.accepted === undefined) at.accepted = k;
  });
  for (let i = 0; i < 2000; i++) a.observe(s.next());
  s.spec = { ...s.spec, meanOutputTokens: 315 };
  phase = 1;
  for (k = 1; k <= DELAY_CAP && at.accepted === undefined; k++) a.observe(s.next());
  phase = 2;
  for (let i = 0; i < 1000; i++) a.observe(s.next());
  s.spec = { ...s.spec, meanOutputTokens: 472 };
  phase = 3;
  for (k = 1; k <= DELAY_CAP && at.second === undefined; k++) a.observe(s.next());
  rearm.first.push(at.first ?? DELAY_CAP + 1);
  rearm.accepted.push(at.accepted ?? DELAY_CAP + 1);
  rearm.second.push(at.second ?? DELAY_CAP + 1);
}
out(
  `Log-normal chat stream (sd 0.6), ${rearm.first.length} seeded runs: +50% output tokens after 2,000 records; once the alarm is accepted (\`acceptAfter\` ${fmtInt(options.acceptAfter)}), 1,000 records at the new level, then another +50%. Records, median / p95:`,
);
out();
out('| first change detected | first change accepted (resolved, reason accepted) | output alarms at the accepted level | second change detected |');
out('|---:|---:|---:|---:|');
out(`| ${fmtDelay(rearm.first)} | ${fmtDelay(rearm.accepted)} | ${rearm.between} | ${fmtDelay(rearm.second)} |`);
out();
out(`Ran in ${((performance.now() - t0) / 1000).toFixed(0)} s on node ${process.version}.`);
