/**
 * Start every MCP server package that install.sh put under $MCP_NPM_DIR (default
 * /work/data/mcp-npm) over stdio, with a timeout and a stripped environment (PATH, a scratch
 * HOME, nothing else: no keys), list its tools, and write $MCP_NPM_DIR/tools.json:
 * { packages: [{ name, version, licence, status, error?, tools: [{ name, description, inputSchema }] }] }.
 * A server that needs arguments is retried with a directory and with `stdio`.
 *
 * Run: node --import tsx packages/mcp/bench/data/npm-tools/harvest.ts
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const DIR = process.env.MCP_NPM_DIR ?? '/work/data/mcp-npm';
const TIMEOUT_MS = Number(process.env.HARVEST_TIMEOUT_MS ?? 30_000);
const CONCURRENCY = Number(process.env.HARVEST_JOBS ?? 3);

export interface HarvestedTool {
  name: string;
  description?: string;
  inputSchema?: unknown;
}
export interface HarvestedPackage {
  name: string;
  version: string;
  licence: string;
  status: 'listed' | 'no-bin' | 'failed';
  error?: string;
  args?: string[];
  tools: HarvestedTool[];
}

function binOf(pkgDir: string, pkg: { name: string; bin?: string | Record<string, string>; main?: string }): string | undefined {
  let rel: string | undefined;
  if (typeof pkg.bin === 'string') rel = pkg.bin;
  else if (pkg.bin && typeof pkg.bin === 'object') {
    const entries = Object.entries(pkg.bin);
    const short = pkg.name.split('/').pop();
    rel = (entries.find(([k]) => k === short) ?? entries.find(([k]) => /mcp/i.test(k)) ?? entries[0])?.[1];
  }
  if (!rel) return undefined;
  const file = resolve(pkgDir, rel);
  return existsSync(file) ? file : undefined;
}

async function listTools(file: string, args: string[], home: string): Promise<HarvestedTool[]> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [file, ...args],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, NODE_ENV: 'production' },
    cwd: home,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'warden-harvest', version: '0.0.0' });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no tools within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  try {
    const work = (async () => {
      await client.connect(transport, { timeout: TIMEOUT_MS });
      const tools: HarvestedTool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : {}, { timeout: TIMEOUT_MS });
        tools.push(...page.tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })));
        cursor = page.nextCursor;
      } while (cursor && tools.length < 5_000);
      return tools;
    })();
    work.catch(() => undefined);
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    await client.close().catch(() => undefined);
  }
}

async function harvest(pkgDir: string, home: string): Promise<HarvestedPackage> {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const base = { name: pkg.name as string, version: pkg.version as string, licence: typeof pkg.license === 'string' ? pkg.license : 'unknown', tools: [] };
  const file = binOf(pkgDir, pkg);
  if (!file) return { ...base, status: 'no-bin' };
  let last = '';
  for (const args of [[], [home], ['stdio']]) {
    try {
      const tools = await listTools(file, args, home);
      if (tools.length > 0) return { ...base, status: 'listed', args, tools };
      last = 'listed no tools';
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
  }
  return { ...base, status: 'failed', error: last.slice(0, 300) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const wanted = readFileSync(join(DIR, 'packages.txt'), 'utf8').split('\n').filter(Boolean);
  const home = join(DIR, 'home');
  mkdirSync(home, { recursive: true });
  const roots = ['flat', ...readdirSync(DIR).filter((d) => d.startsWith('batch-'))];
  const jobs: string[] = [];
  for (const name of wanted) {
    const dir = roots.map((b) => join(DIR, b, 'node_modules', name)).find((d) => existsSync(join(d, 'package.json')));
    if (dir) jobs.push(dir);
  }
  const results: HarvestedPackage[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < jobs.length) {
        const dir = jobs[next++];
        const r = await harvest(dir, home);
        results.push(r);
        console.log(`${r.status.padEnd(7)} ${String(r.tools.length).padStart(4)}  ${r.name}@${r.version}${r.error ? `  (${r.error.slice(0, 80)})` : ''}`);
      }
    }),
  );
  results.sort((a, b) => a.name.localeCompare(b.name));
  writeFileSync(join(DIR, 'tools.json'), JSON.stringify({ harvestedAt: new Date().toISOString(), packages: results }, null, 1));
  const listed = results.filter((r) => r.status === 'listed');
  console.log(
    `${listed.length} of ${jobs.length} installed packages listed ${listed.reduce((n, r) => n + r.tools.length, 0)} tools; wrote ${join(DIR, 'tools.json')}`,
  );
  process.exit(0);
}
