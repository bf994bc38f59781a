/**
 * `npm run bench`: every package's benchmark, each in its own Node process (so heap figures
 * and global OTel state of one do not leak into the next), one after another on this
 * machine. Each prints its own table with ratios against a baseline measured in the same run.
 * Pass names to run a subset: `npm run bench -- openai analyzer`.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

const BENCHES: { name: string; file: string; what: string; args?: string[] }[] = [
  {
    name: 'openai',
    file: 'packages/openai/bench/overhead.ts',
    what: 'added cost per call: bare vs Warden (wrap, monitor) vs OpenLLMetry, OpenInference, Langfuse',
  },
  {
    name: 'capture',
    file: 'packages/openai/bench/capture.ts',
    what: 'content capture by prompt size (1 KB, 1 MB, 10 MB): added time, CPU per MB, event-loop stall',
  },
  { name: 'anthropic', file: 'packages/anthropic/bench/overhead.ts', what: 'added cost per call: bare vs Warden' },
  { name: 'ai-sdk', file: 'packages/ai-sdk/bench/overhead.ts', what: 'added cost per generateText' },
  { name: 'langchain', file: 'packages/langchain/bench/overhead.ts', what: 'added cost per LangChain invoke' },
  { name: 'analyzer', file: 'packages/analyzer/bench/throughput.ts', what: 'records/s, cost per span vs creating the span, heap over 10,000 groups' },
  {
    name: 'real-traffic',
    file: 'packages/analyzer/bench/real-traffic.ts',
    what: 'analyzer on production LLM traffic (ServeGen; run packages/analyzer/bench/data/prepare-servegen.ts first): +50% output tokens detected, delay, pre-change alarms',
  },
  {
    name: 'skab',
    file: 'packages/analyzer/bench/skab.ts',
    what: "analyzer at its defaults on SKAB (labelled changepoints, GPL-3.0, read from a checkout: SKAB_DIR), scored by SKAB's rules beside its leaderboard",
  },
  { name: 'agents', file: 'packages/agents/bench/agents.ts', what: 'policy check per tool call, multi-turn scorer per turn, scorer false alarms' },
  {
    name: 'conversations',
    file: 'packages/agents/bench/conversations.ts',
    what: 'conversation detector on outside multi-turn attacks and benign chats (run bench/data/conversations/prepare.ts first), cost per turn',
  },
  { name: 'mcp', file: 'packages/mcp/bench/scan.ts', what: 'scanner precision/recall, scan time per server, added cost per tools/call' },
  {
    name: 'mcp-outside',
    file: 'packages/mcp/bench/outside.ts',
    what: 'scanner on tool definitions written by others (public repos, 1,000+ real npm tool lists) beside agent-security-scanner-mcp and ferret-scan; CPU per 100 tools',
  },
  { name: 'posture', file: 'packages/posture/bench/report.ts', what: 'warden report on 100,000 recorded spans: time and heap' },
  {
    name: 'drills',
    file: 'packages/warden/bench/drills.ts',
    what: 'CPU and wall time of one full drill run (8 drills) vs 1,000 traced agent turns; budget < 1 s CPU',
  },
  { name: 'serve', file: 'packages/cli/bench/serve.ts', what: 'warden serve: sustained spans/s from a separate load process, heap, received vs analyzed' },
];

const wanted = process.argv.slice(2);
const selected = wanted.length ? BENCHES.filter((b) => wanted.includes(b.name)) : BENCHES;
if (wanted.length && selected.length !== wanted.length) {
  console.error(`unknown bench name; choose from: ${BENCHES.map((b) => b.name).join(', ')}`);
  process.exit(2);
}

const failed: string[] = [];
for (const bench of selected) {
  console.log(`\n━━ ${bench.name}: ${bench.what}\n`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', bench.file, ...(bench.args ?? [])], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) failed.push(bench.name);
  console.log(`\n(${bench.name}: ${((Date.now() - started) / 1000).toFixed(1)} s${result.status !== 0 ? `, exit ${result.status}` : ''})`);
}
console.log(`\nDetector calibration (false alarms, detection delays, Page-Hinkley and ADWIN baselines): npm run bench:detectors`);
if (failed.length) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exit(1);
}
