/**
 * The cost of one full drill run (all eight drills) on a deployment with every control on:
 * CPU time (user + system) and wall time per run, over repeated runs in one process, with the
 * same process's cost of 1,000 traced tool calls as the baseline. The requirement: < 1 s CPU per run.
 * Run: node --import tsx packages/warden/bench/drills.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuUsage } from 'node:process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { generateAgentKeySet } from '@warden/agents';
import { MemoryPinStore } from '@warden/mcp';
import { monitor, traceAgent, traceTool, wrapMcpClient } from '../src/index';

const RUNS = Number(process.env.DRILL_BENCH_RUNS ?? 10);
const dir = mkdtempSync(join(tmpdir(), 'warden-drill-bench-'));
const warden = monitor({
  serviceName: 'drill-bench',
  exporter: 'none',
  metrics: 'none',
  policies: [
    { agent: 'support', mode: 'enforce', allowedTools: ['lookup'] },
    { agent: 'billing', mode: 'audit', allowedTools: [] },
  ],
  auditLog: join(dir, 'audit.jsonl'),
  identity: { keys: generateAgentKeySet(['support', 'billing']), mode: 'enforce' },
  drills: { archiveDir: join(dir, 'drills') },
});
const docs = new McpServer({ name: 'docs', version: '1.0.0' });
docs.registerTool('search', { description: 'Searches the docs.' }, async () => ({ content: [{ type: 'text' as const, text: 'ok' }] }));
const [a, b] = InMemoryTransport.createLinkedPair();
await docs.connect(b);
const mcp = wrapMcpClient(new Client({ name: 'bench', version: '1.0.0' }), { onboarding: 'block', pins: new MemoryPinStore(), serverName: 'docs' });
await mcp.connect(a);

const lookup = traceTool('lookup', async () => 1);
const billing = traceAgent('billing', async () => 2);
const support = traceAgent('support', async () => {
  await lookup();
  await billing();
});
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const base0 = cpuUsage();
for (let i = 0; i < 1000; i++) await support();
const baseline = cpuMs(cpuUsage(base0));

await warden.drill(); // warm: module loading, JIT
const cpu: number[] = [];
const wall: number[] = [];
let failures = 0;
for (let i = 0; i < RUNS; i++) {
  const c0 = cpuUsage();
  const w0 = performance.now();
  const report = await warden.drill();
  cpu.push(cpuMs(cpuUsage(c0)));
  wall.push(performance.now() - w0);
  if (!report.passed) failures++;
}
const sorted = (x: number[]) => [...x].sort((p, q) => p - q);
const median = (x: number[]) => sorted(x)[Math.floor(x.length / 2)]!;
const max = (x: number[]) => sorted(x).at(-1)!;
console.log(`node ${process.version}, ${RUNS} full drill runs (8 drills each), after one warm-up run`);
console.log('| figure | value |');
console.log('|---|---:|');
console.log(`| CPU per run, median | ${median(cpu).toFixed(1)} ms |`);
console.log(`| CPU per run, max | ${max(cpu).toFixed(1)} ms |`);
console.log(`| wall per run, median | ${median(wall).toFixed(1)} ms |`);
console.log(`| baseline: CPU of 1,000 traced agent turns (2 agents, 1 tool) | ${baseline.toFixed(1)} ms |`);
console.log(`| drill run / 1,000 turns | ${(median(cpu) / baseline).toFixed(2)}x |`);
console.log(`| runs with a failed drill | ${failures} |`);
console.log(max(cpu) < 1000 ? 'OK: every run under 1 s of CPU' : 'OVER BUDGET: a run took 1 s of CPU or more');
await mcp.close();
await warden.shutdown();
if (max(cpu) >= 1000 || failures > 0) process.exitCode = 1;
