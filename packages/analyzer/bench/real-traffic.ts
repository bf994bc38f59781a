/**
 * Drift on real LLM serving traffic: the analyzer at its defaults on production request rates
 * and length distributions (ServeGen, see data/servegen.ts for what is real and what is drawn),
 * with +50 % output tokens injected at a random point of each run.
 *
 * Protocol, fixed before the held-out sources were run:
 * - Sources. Development (read while the analyzer was changed): `language/m-large`. Held out
 *   (run once the analyzer was frozen, never used to choose anything): `language/m-mid`,
 *   `language/m-small`, `reason/deepseek-r1`.
 *   Added later as a fourth held-out source, run first at 83349b9's analyzer (unchanged since
 *   3bf3743's protocol): `multimodal/mm-image` (the image-input service; lengths are its text
 *   tokens as ServeGen reports them).
 * - A run: one client and one of its 6-hour windows with at least 6,000 expected requests,
 *   chosen at random (seeded); requests from a random point in the window's first half on,
 *   through whatever windows and slots follow (real shifts included). Every client is one
 *   agent; each request is one chat record at its arrival time.
 * - The change: from record c (uniform in 1,500..4,000, after every warm-up), output tokens
 *   x 1.5 (rounded). 1,000 records follow it.
 * - Detected: a detector-level alert on output tokens (CUSUM, KS or spike) at or after c; the
 *   delay counts the changed records seen up to and including that one. A pre-change alarm: any
 *   incident (`alert` event, what a user is paged for) before c.
 * - Done when (issue #17): detected within 1,000 records in >= 95 % of runs, median delay <= 150,
 *   pre-change alarms in <= 2 % of runs.
 *
 * Run: `npm run bench -- real-traffic` (after prepare-servegen.ts); `-- --sources development`
 * or `held-out` to run one side (every source is development data since 2026-12-02).
 */
import { existsSync } from 'node:fs';
import type { CallRecord } from '@warden/core';
import { seededRandom } from '@warden/testing';
// The built package, as users get it (npm run bench builds first).
import { Analyzer } from '@warden/analyzer';
import { SERVEGEN, SERVEGEN_CACHE, drawRequests, expectedRequests, loadServeGenModel, type ServeGenClient } from './data/servegen';

const cpuNote: string[] = [];
const RUNS = Number(process.env.REAL_TRAFFIC_RUNS ?? 200);
const SHIFT = 1.5;
const AFTER = 1000;
const MIN_WINDOW_REQUESTS = 6000;

// Since 2026-12-02 every source is development data: all five were read run by run to study the
// pre-change alarms (see the README). A held-out claim needs a source not listed here.
const SOURCES: { folder: string; role: 'development' | 'held-out' }[] = [
  { folder: 'language/m-large', role: 'development' },
  { folder: 'language/m-mid', role: 'development' },
  { folder: 'language/m-small', role: 'development' },
  { folder: 'reason/deepseek-r1', role: 'development' },
  { folder: 'multimodal/mm-image', role: 'development' },
];

interface RunResult {
  delay: number | undefined;
  preChange: string[];
  /** The records before the change span two of ServeGen's 6-hour windows: the client's length distributions changed for real. */
  crossed: boolean;
  /** An output-token alarm was open when the change came: the detector is blind to it until that alarm re-arms. */
  openAtChange: boolean;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function runOnce(client: ServeGenClient, windowStart: number, seed: number): RunResult {
  const rand = seededRandom(seed);
  const start = windowStart + rand() * 0.5 * client.windowSeconds;
  const change = 1500 + Math.floor(rand() * 2501);
  const analyzer = new Analyzer({ service: 'servegen' });
  let i = 0;
  let firstWindow: number | undefined;
  let crossed = false;
  let delay: number | undefined;
  const preChange: string[] = [];
  analyzer.on('alert', (a) => {
    if (i < change) {
      preChange.push(a.detector);
      if (process.env.REAL_TRAFFIC_VERBOSE)
        console.log(`  before the change, record ${i} of ${client.id}${crossed ? ' (after a window boundary)' : ''}: ${a.message}`);
    }
  });
  const openOutputAlarms = new Set<string>();
  let openAtChange = false;
  analyzer.on('detector_alert', (a) => {
    if (a.subject.feature !== 'output_tokens') return;
    if (i < change) openOutputAlarms.add(a.id);
    else if (delay === undefined) delay = i - change + 1;
  });
  analyzer.on('detector_resolved', (r) => openOutputAlarms.delete(r.alertId));
  const record: CallRecord = {
    time: 0,
    traceId: '',
    spanId: '',
    service: 'servegen',
    operation: 'chat',
    model: client.id.split('/')[1],
    agent: client.id,
    toolCalls: [],
    latencyMs: Number.NaN, // ServeGen's online data has no durations: latency is not observed
    finishReasons: ['stop'],
  };
  for (const r of drawRequests(client, start, seededRandom(seed ^ 0x9e3779b9))) {
    if (i >= change + AFTER) break;
    const w = Math.floor(r.time / client.windowSeconds);
    firstWindow ??= w;
    if (i < change && w !== firstWindow) crossed = true;
    if (i === change) openAtChange = openOutputAlarms.size > 0;
    const outputTokens = i >= change ? Math.round(r.outputTokens * SHIFT) : r.outputTokens;
    analyzer.observe({ ...record, time: r.time * 1000, traceId: `t${i}`, spanId: `s${i}`, inputTokens: r.inputTokens, outputTokens });
    i++;
    if (delay !== undefined) break;
  }
  return { delay, preChange, crossed, openAtChange };
}

function evaluate(folder: string, role: string): void {
  const clients = loadServeGenModel(folder);
  const candidates: { client: ServeGenClient; window: number }[] = [];
  for (const client of clients)
    for (const w of [...client.windows.keys()].sort((a, b) => a - b))
      if (expectedRequests(client, w) >= MIN_WINDOW_REQUESTS) candidates.push({ client, window: w });
  if (candidates.length === 0) {
    console.log(`${folder}: no client window with ${MIN_WINDOW_REQUESTS} requests`);
    return;
  }
  const pick = seededRandom(hash(folder));
  const results: RunResult[] = [];
  const started = process.cpuUsage();
  for (let run = 0; run < RUNS; run++) {
    const { client, window } = candidates[Math.floor(pick() * candidates.length)];
    results.push(runOnce(client, window, hash(`${folder}#${run}`)));
  }
  const cpu = process.cpuUsage(started);
  const distinctClients = new Set(candidates.map((c) => c.client.id)).size;
  const row = (label: string, rs: RunResult[]) => {
    const delays = rs.map((r) => r.delay ?? Infinity).sort((a, b) => a - b);
    const detected = delays.filter((d) => d <= AFTER).length;
    const pre = rs.filter((r) => r.preChange.length > 0).length;
    const byDetector = new Map<string, number>();
    for (const r of rs) for (const d of new Set(r.preChange)) byDetector.set(d, (byDetector.get(d) ?? 0) + 1);
    const q = (p: number) => {
      const v = delays[Math.min(delays.length - 1, Math.floor(p * delays.length))];
      return Number.isFinite(v) ? String(v) : `>${AFTER}`;
    };
    const pct = (n: number) => (rs.length ? `${((100 * n) / rs.length).toFixed(1)} %` : '-');
    const missed = rs.filter((r) => r.delay === undefined);
    const blind = missed.filter((r) => r.openAtChange).length;
    console.log(
      `| ${folder} | ${role} | ${label} | ${rs.length} | ${pct(detected)} | ${rs.length ? q(0.5) : '-'} | ${rs.length ? q(0.9) : '-'} | ${pct(pre)} (${pre}) | ${[...byDetector].map(([d, n]) => `${d} ${n}`).join(', ') || '-'} | ${missed.length} (${blind}) |`,
    );
  };
  row('all', results);
  row(
    'within one 6-h window',
    results.filter((r) => !r.crossed),
  );
  row(
    'across a window boundary',
    results.filter((r) => r.crossed),
  );
  cpuNote.push(`${folder}: ${distinctClients} clients, ${candidates.length} windows, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU`);
}

if (!existsSync(`${SERVEGEN_CACHE}manifest.json`)) {
  console.log(
    `ServeGen data is not prepared. git clone ${SERVEGEN.url} /tmp/ServeGen && node --import tsx packages/analyzer/bench/data/prepare-servegen.ts /tmp/ServeGen`,
  );
  process.exit(0);
}
const want = process.argv.includes('--sources') ? process.argv[process.argv.indexOf('--sources') + 1] : undefined;
console.log(
  `Real traffic: ${SERVEGEN.repo} @ ${SERVEGEN.commit.slice(0, 7)} (${SERVEGEN.licence}); +${Math.round((SHIFT - 1) * 100)} % output tokens injected; analyzer defaults\n`,
);
console.log(
  '| source | role | runs before the change | runs | detected within 1,000 | median delay | p90 delay | runs with a pre-change incident | pre-change incidents by detector | missed (of them with an output-token alarm open at the change) |',
);
console.log('|---|---|---|---:|---:|---:|---:|---:|---|---:|');
for (const s of SOURCES) if (!want || want === s.role) evaluate(s.folder, s.role);
console.log(`\n${cpuNote.join('; ')}`);
