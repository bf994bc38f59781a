/**
 * The scanner on tool definitions written by others (not by us), side by side with the npm
 * packages that scan MCP servers for poisoning, on the same data in the same run:
 * - poisoned and benign definitions from public repositories (bench/data/poison: sources.ts
 *   says which were read while developing and which are held out; labels.json is ours);
 * - the real tool lists of MCP server packages from npm (bench/data/npm-tools), benign by
 *   assumption, split into a training half (used by the embedded classifier) and an
 *   evaluation half (never used for training) by package-name hash;
 * - CPU to scan 100 real tools, against JSON round-tripping the same tools in the same run.
 * Data is read from local caches made by the prepare/install/harvest scripts (see their headers);
 * when a cache is missing that part says so and is skipped. The peers are installed once with
 * `npm install --prefix /work/data/mcp-scanners --ignore-scripts agent-security-scanner-mcp@4.5.9 ferret-scan@2.10.0`.
 * Run: node --import tsx packages/mcp/bench/outside.ts
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTrainingPackage } from '../scripts/train-classifier';
import {
  labelFromAttackMeta,
  labelFromDescribeAndTest,
  labelFromFixture,
  labelFromFixtureFile,
  labelFromFixtureFileAndName,
  labelFromGoTest,
  labelFromPytestClass,
  labelFromPytestFlags,
  labelFromPytestName,
  labelFromScenarioOverride,
  labelFromServerFile,
  labelFromShouldSubject,
  labelFromSuiteModule,
  labelFromShouldTitle,
  labelFromTestName,
  labelFromTestTitle,
  labelFromToolName,
  labelFromUnittestClass,
} from './data/poison/structural-labels';
import { atLeast } from '../src/scan-rules';
import type { ExtractedTool } from './data/poison/prepare';
import { scanServerDefinition, type Finding, type ToolDefinition } from '../src/scanner';

const POISON = process.env.MCP_POISON_OUT ?? '/work/data/mcp-poison/corpus.json';
const NPM = `${process.env.MCP_NPM_DIR ?? '/work/data/mcp-npm'}/tools.json`;
const SCANNERS = process.env.MCP_SCANNERS_DIR ?? '/work/data/mcp-scanners';

export interface Item {
  id: string;
  /** The server the definition belongs to: scanned together, as a client would see it. */
  server: string;
  group: string;
  category: string;
  poisoned: boolean;
  tool: ToolDefinition;
}

export function loadPoison(): Item[] {
  if (!existsSync(POISON)) return [];
  const data = JSON.parse(readFileSync(POISON, 'utf8')) as {
    manifest: { repo: string; role: string; labelBy?: string }[];
    tools: ExtractedTool[];
  };
  const labelBy = new Map(data.manifest.filter((m) => m.labelBy).map((m) => [m.repo, m.labelBy]));
  const labels = JSON.parse(readFileSync(new URL('./data/poison/labels.json', import.meta.url), 'utf8')) as {
    poisoned: { source: string; name: string; starts?: string; category: string }[];
  };
  const role = new Map(data.manifest.map((m) => [m.repo, m.role]));
  // While rules change, the held-out sources stay unseen: MCP_SKIP_HELD_OUT=1 leaves them out of the run.
  const skipHeldOut = process.env.MCP_SKIP_HELD_OUT === '1';
  // Since round 8: a held-out definition whose text is a development source's was seen while developing; it is left out.
  const developmentTexts = new Set(data.tools.filter((t) => role.get(t.source) === 'development').map((t) => t.description.trim()));
  const items = data.tools.flatMap((t, i) => {
    if (skipHeldOut && role.get(t.source) === 'held-out') return [];
    if (role.get(t.source) === 'held-out' && developmentTexts.has(t.description.trim())) {
      leftOut.seen++;
      return [];
    }
    const by = labelBy.get(t.source);
    const both = t.block ? `${t.block} :: ${t.fixture}` : t.fixture;
    const labellers: Record<string, () => { poisoned: boolean; category: string } | undefined> = {
      'fixture-name': () => labelFromFixture(t.fixture),
      'test-title': () => labelFromTestTitle(t.fixture),
      'tool-name': () => labelFromToolName(t.name),
      'describe-test': () => labelFromDescribeAndTest(both),
      'should-title': () => labelFromShouldTitle(both),
      'pytest-class': () => labelFromPytestClass(`${t.block} :: ${t.fixture}`),
      'should-subject': () => labelFromShouldSubject(both),
      'go-test': () => labelFromGoTest(`${t.block} :: ${t.fixture}`),
      'pytest-name': () => labelFromPytestName(`${t.block ?? ''} :: ${t.fixture}`),
      'unittest-class': () => labelFromUnittestClass(`${t.block} :: ${t.fixture}`),
      'fixture-file': () => labelFromFixtureFile(t.file),
      'attack-meta': () => labelFromAttackMeta(t.file, t.fixture),
      'fixture-file-name': () => labelFromFixtureFileAndName(t.file, t.name),
      'pytest-flags': () => labelFromPytestFlags(t.file, t.name, `${t.block ?? ''} :: ${t.fixture ?? ''}`),
      'scenario-override': () => labelFromScenarioOverride(`${t.block ?? ''} :: ${t.fixture ?? ''}`),
      'server-file': () => labelFromServerFile(t.file, t.name),
      'pytest-test-name': () => labelFromTestName(`${t.block ?? ''} :: ${t.fixture ?? ''}`),
      'suite-module': () => labelFromSuiteModule(t.file, t.block),
    };
    const byFixture = by ? labellers[by]?.() : undefined;
    if (by && !byFixture) {
      if (role.get(t.source) === 'held-out') leftOut.unlabelled++;
      return [];
    }
    const label = byFixture
      ? byFixture.poisoned
        ? { category: byFixture.category }
        : undefined
      : labels.poisoned.find((l) => l.source === t.source && l.name === t.name && (!l.starts || t.description.startsWith(l.starts)));
    const properties = Object.fromEntries(Object.entries(t.params).map(([k, d]) => [k, d ? { type: 'string', description: d } : { type: 'string' }]));
    return [
      {
        id: `${t.source}#${i}`,
        // Files of independent attack cases (one attacker tool each) are scanned one definition at a time.
        // A test suite's tools (round 10's 'pytest-test-name') are one server per test: each test is one scenario.
        server:
          by === 'attack-meta'
            ? `${t.source}/${t.file}#${i}`
            : by === 'pytest-test-name'
              ? `${t.source}/${t.file}::${t.fixture ?? ''}`
              : `${t.source}/${t.file}`,
        group: role.get(t.source) === 'held-out' ? 'held-out repos' : 'development repos',
        category: label?.category ?? 'benign',
        poisoned: label !== undefined,
        // The whole schema and the annotations when the source gives them: the scanner reads defaults, enums and annotations too.
        tool: {
          name: t.name,
          description: t.description,
          inputSchema: (t.inputSchema as ToolDefinition['inputSchema']) ?? { type: 'object', properties },
          ...(t.annotations ? { annotations: t.annotations as ToolDefinition['annotations'] } : {}),
        },
      },
    ];
  });
  // A tool of a poisoned fixture file that is also, name and text, in a benign file of the same source is that file's control.
  const key = (i: Item) => `${i.id.split('#')[0]}\u0000${i.tool.name}\u0000${i.tool.description}`;
  const benign = new Set(items.filter((i) => !i.poisoned && labelBy.get(i.id.split('#')[0]) === 'fixture-file-name').map(key));
  for (const i of items) {
    if (i.poisoned && labelBy.get(i.id.split('#')[0]) === 'fixture-file-name' && benign.has(key(i))) {
      i.poisoned = false;
      i.category = 'benign';
      leftOut.controls++;
    }
  }
  return items;
}

/** Held-out definitions not counted (seen as a development text, or no label from their structure) and controls relabelled benign. */
export const leftOut = { seen: 0, unlabelled: 0, controls: 0 };

export function loadNpm(): { items: Item[]; packages: number; versions: string[] } {
  if (!existsSync(NPM)) return { items: [], packages: 0, versions: [] };
  const data = JSON.parse(readFileSync(NPM, 'utf8')) as { packages: { name: string; version: string; status: string; tools: ToolDefinition[] }[] };
  const items: Item[] = [];
  const listed = data.packages.filter((p) => p.status === 'listed');
  for (const p of listed) {
    const group = isTrainingPackage(p.name) ? 'npm (classifier training half)' : 'npm (evaluation half)';
    p.tools.forEach((t, i) => items.push({ id: `${p.name}@${p.version}#${i}`, server: p.name, group, category: 'benign', poisoned: false, tool: t }));
  }
  return { items, packages: listed.length, versions: listed.map((p) => `${p.name}@${p.version}`) };
}

type Verdict = (item: Item) => boolean;

/** Each server's tools scanned together (own tools are not "other" tools); a tool is flagged by its own findings. */
export function wardenVerdicts(items: Item[], threshold: 'medium' | 'high'): Verdict {
  const flagged = new Set<string>();
  const byServer = new Map<string, Item[]>();
  for (const i of items) byServer.set(i.server, [...(byServer.get(i.server) ?? []), i]);
  for (const [server, group] of byServer) {
    // Duplicate names inside one extracted file (test fixtures) are scanned one by one.
    const names = new Set(group.map((g) => g.tool.name));
    const batches = names.size === group.length ? [group] : group.map((g) => [g]);
    for (const batch of batches) {
      const findings = scanServerDefinition({ server, tools: batch.map((g) => g.tool) });
      for (const g of batch) if (findings.some((f: Finding) => f.tool === g.tool.name && atLeast(f.severity, threshold))) flagged.add(g.id);
    }
  }
  return (item) => flagged.has(item.id);
}

/** agent-security-scanner-mcp `scan-mcp` over a directory with one JS server file per definition. */
function agentSecurityScanner(items: Item[]): { name: string; flagged: Set<string> } | undefined {
  const pkg = join(SCANNERS, 'node_modules/agent-security-scanner-mcp/package.json');
  if (!existsSync(pkg)) return undefined;
  const version = JSON.parse(readFileSync(pkg, 'utf8')).version as string;
  const dir = join(tmpdir(), `warden-assm-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // One file per definition (the scanner reports one finding per rule and file): findings map back by file name.
  const header =
    "const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');\nconst server = new McpServer({ name: 'bench', version: '1.0.0' });\n";
  items.forEach((it, i) =>
    writeFileSync(
      join(dir, `t${i}.js`),
      `${header}server.tool(${JSON.stringify(it.tool.name)}, ${JSON.stringify(it.tool.description ?? '')}, {}, async () => ({ content: [] }));\n`,
    ),
  );
  let out = '';
  try {
    out = execFileSync(process.execPath, [join(SCANNERS, 'node_modules/agent-security-scanner-mcp/index.js'), 'scan-mcp', dir, '--verbosity', 'compact'], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
      timeout: 600_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (e) {
    // It exits non-zero when it has findings; the report is still on stdout.
    out = String((e as { stdout?: string }).stdout ?? '');
  }
  const report = JSON.parse(out.slice(out.indexOf('{'))) as { findings: { file: string }[] };
  const flagged = new Set<string>();
  for (const f of report.findings) {
    const item = items[Number(/t(\d+)\.js$/.exec(f.file)?.[1] ?? -1)];
    if (item) flagged.add(item.id);
  }
  rmSync(dir, { recursive: true, force: true });
  return { name: `agent-security-scanner-mcp ${version}`, flagged };
}

/** ferret-scan `check`: one Markdown file, one definition per line (newlines folded); findings map back by line. */
function ferret(items: Item[]): { name: string; flagged: Set<string> } | undefined {
  const pkg = join(SCANNERS, 'node_modules/ferret-scan/package.json');
  if (!existsSync(pkg)) return undefined;
  const version = JSON.parse(readFileSync(pkg, 'utf8')).version as string;
  const dir = join(tmpdir(), `warden-ferret-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'tools.md');
  writeFileSync(file, items.map((it) => `${it.tool.name}: ${(it.tool.description ?? '').replace(/\s*\n\s*/g, ' ')}`).join('\n') + '\n');
  // Its report goes to a file, not a pipe: ferret exits before a large report has drained into a
  // pipe (the JSON came back cut off at ~430 kB), while writes to a file descriptor are synchronous.
  const reportFile = join(dir, 'report.json');
  const fd = openSync(reportFile, 'w');
  try {
    execFileSync(process.execPath, [join(SCANNERS, 'node_modules/ferret-scan/bin/ferret.js'), 'check', file, '--format', 'json'], {
      timeout: 600_000,
      stdio: ['ignore', fd, 'ignore'],
    });
  } catch {
    // It exits non-zero when it has findings; the report is still written.
  } finally {
    closeSync(fd);
  }
  const out = readFileSync(reportFile, 'utf8');
  const report = JSON.parse(out.slice(out.indexOf('{'))) as { findings: { line: number }[] };
  const flagged = new Set<string>();
  for (const f of report.findings) {
    const item = items[f.line - 1];
    if (item) flagged.add(item.id);
  }
  rmSync(dir, { recursive: true, force: true });
  return { name: `ferret-scan ${version}`, flagged };
}

function pct(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : '-';
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
}

function cpuFor100(items: Item[]): { scanMs: number; jsonMs: number } | undefined {
  const tools = items.slice(0, 100).map((i) => i.tool);
  if (tools.length < 100) return undefined;
  const measure = (fn: () => void) => {
    const runs: number[] = [];
    for (let r = 0; r < 15; r++) {
      const t = process.cpuUsage();
      fn();
      const d = process.cpuUsage(t);
      runs.push((d.user + d.system) / 1000);
    }
    runs.sort((a, b) => a - b);
    return runs[Math.floor(runs.length / 2)];
  };
  scanServerDefinition({ server: 'warm', tools });
  return {
    scanMs: measure(() => scanServerDefinition({ server: 'bench', tools })),
    jsonMs: measure(() => JSON.parse(JSON.stringify(tools))),
  };
}

export async function runOutsideBench(): Promise<void> {
  const poison = loadPoison();
  const npm = loadNpm();
  if (poison.length === 0) console.log(`no poison corpus at ${POISON}: run packages/mcp/bench/data/poison/prepare.ts (needs the mirrors it names)`);
  if (npm.items.length === 0) console.log(`no npm tool lists at ${NPM}: run packages/mcp/bench/data/npm-tools/install.sh then harvest.ts`);
  const all = [...poison, ...npm.items];
  if (all.length === 0) return;

  const scanners: { name: string; flagged: (item: Item) => boolean }[] = [
    { name: 'warden (embedded default, >= medium)', flagged: wardenVerdicts(all, 'medium') },
    { name: 'warden (embedded default, >= high)', flagged: wardenVerdicts(all, 'high') },
  ];
  for (const other of [agentSecurityScanner, ferret]) {
    try {
      const r = other(all);
      if (r) scanners.push({ name: r.name, flagged: (i) => r.flagged.has(i.id) });
    } catch (e) {
      console.log(`(${other.name} failed: ${(e as Error).message.slice(0, 200)})`);
    }
  }

  const groups = [...new Set(all.map((i) => i.group))];
  const rows = [['scanner', 'data', 'poisoned', 'benign', 'TP', 'FP', 'precision', 'recall', 'benign FP rate']];
  const verdicts = new Map<string, Map<string, boolean>>();
  for (const s of scanners) {
    const v = new Map(all.map((i) => [i.id, s.flagged(i)]));
    verdicts.set(s.name, v);
    for (const g of groups) {
      const items = all.filter((i) => i.group === g);
      const pos = items.filter((i) => i.poisoned);
      const neg = items.filter((i) => !i.poisoned);
      const tp = pos.filter((i) => v.get(i.id)).length;
      const fp = neg.filter((i) => v.get(i.id)).length;
      rows.push([
        s.name,
        g,
        String(pos.length),
        String(neg.length),
        String(tp),
        String(fp),
        pos.length ? pct(tp / (tp + fp || 1)) : '-',
        pos.length ? pct(tp / pos.length) : '-',
        neg.length ? `${((100 * fp) / neg.length).toFixed(2)}%` : '-',
      ]);
    }
  }
  console.log('\nDetection on definitions written by others\n');
  console.log(table(rows));

  const cats = [...new Set(poison.filter((i) => i.poisoned).map((i) => i.category))].sort();
  const catRows = [['scanner', ...cats.map((c) => c)]];
  for (const g of ['held-out repos', 'development repos']) {
    for (const s of scanners) {
      const v = verdicts.get(s.name)!;
      catRows.push([
        `${s.name} [${g}]`,
        ...cats.map((c) => {
          const items = poison.filter((i) => i.poisoned && i.group === g && i.category === c);
          return items.length ? `${items.filter((i) => v.get(i.id)).length}/${items.length}` : '-';
        }),
      ]);
    }
  }
  console.log('\nRecall per attack category (detected/poisoned)\n');
  console.log(table(catRows));

  const heldOutSources = [...new Set(poison.filter((i) => i.group === 'held-out repos').map((i) => i.id.split('#')[0]))];
  if (heldOutSources.length) {
    const sourceRows = [
      [
        'held-out source',
        'poisoned',
        'benign',
        ...scanners.map((s) => `${s.name.split(' (')[0].split(' ')[0]} ${s.name.includes('>= high') ? 'high' : ''}: TP / FP`.replace(' :', ':')),
      ],
    ];
    for (const source of heldOutSources) {
      const items = poison.filter((i) => i.group === 'held-out repos' && i.id.startsWith(`${source}#`));
      sourceRows.push([
        source,
        String(items.filter((i) => i.poisoned).length),
        String(items.filter((i) => !i.poisoned).length),
        ...scanners.map((s) => {
          const v = verdicts.get(s.name)!;
          return `${items.filter((i) => i.poisoned && v.get(i.id)).length} / ${items.filter((i) => !i.poisoned && v.get(i.id)).length}`;
        }),
      ]);
    }
    console.log('\nHeld-out per source\n');
    console.log(table(sourceRows));
  }

  const v = verdicts.get(scanners[0].name)!;
  const fps = npm.items.filter((i) => v.get(i.id));
  if (fps.length) {
    console.log(`\nWarden (>= medium) on real npm descriptions: ${fps.length} flagged of ${npm.items.length}. By rule:`);
    const byRule = new Map<string, number>();
    const own = (i: Item) =>
      scanServerDefinition({ server: i.server, tools: npm.items.filter((x) => x.server === i.server).map((x) => x.tool) }).filter(
        (f) => f.tool === i.tool.name,
      );
    for (const i of fps) for (const f of own(i)) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
    console.log(
      [...byRule]
        .sort((a, b) => b[1] - a[1])
        .map(([r, n]) => `  ${r}: ${n}`)
        .join('\n'),
    );
    for (const i of fps.slice(0, 30)) {
      const f = own(i)[0];
      console.log(`  ${i.id}: ${f.rule} ${f.evidence.slice(0, 110)}`);
    }
  }
  const missed = poison.filter((i) => i.poisoned && !v.get(i.id));
  if (missed.length) console.log(`\nWarden (>= medium) missed: ${missed.map((i) => `${i.id} (${i.tool.name}, ${i.category})`).join('; ')}`);

  const cpu = cpuFor100(npm.items.length >= 100 ? npm.items : all);
  if (cpu)
    console.log(
      `\nCPU to scan 100 real tool definitions: ${cpu.scanMs.toFixed(1)} ms (median of 15); JSON round trip of the same: ${cpu.jsonMs.toFixed(2)} ms; ratio ${(cpu.scanMs / cpu.jsonMs).toFixed(0)}x`,
    );
  console.log(
    `\nHeld-out definitions left out: ${leftOut.seen} whose text is a development source's, ${leftOut.unlabelled} their structure does not label; ${leftOut.controls} controls in poisoned fixture files counted benign.`,
  );
  console.log(
    `\nData: ${poison.length} definitions from ${new Set(poison.map((i) => i.id.split('#')[0])).size} repositories; ${npm.items.length} tool descriptions from ${npm.packages} npm packages.`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await runOutsideBench();
