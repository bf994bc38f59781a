import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCAN_RULES } from '@warden/mcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpFixture } from '../../../mcp/src/__fixtures__/server.mjs';
import { run } from './scan';

const SERVER = fileURLToPath(new URL('../../../mcp/src/__fixtures__/server.mjs', import.meta.url));
const HOSTILE = fileURLToPath(new URL('../../../mcp/src/__fixtures__/hostile-server.mjs', import.meta.url));
// Any C0/C1 control character (ESC, BEL, CSI) reaching the terminal raw.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function buffers() {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } },
    out: () => out,
    err: () => err,
  };
}

let dir: string;
let http: Awaited<ReturnType<typeof startHttpFixture>>;
let mixed: string;
let clean: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-scan-'));
  http = await startHttpFixture({ name: 'remote' });
  mixed = join(dir, 'mcp.json');
  await writeFile(
    mixed,
    JSON.stringify(
      {
        mcpServers: {
          files: { command: process.execPath, args: [SERVER, '--name', 'files'] },
          poisoned: { command: process.execPath, args: [SERVER, '--variant', 'hidden-tag'] },
          remote: { type: 'http', url: http.url },
          broken: { command: join(dir, 'no-such-server') },
        },
      },
      null,
      2,
    ),
  );
  clean = join(dir, 'clean.json');
  await writeFile(clean, JSON.stringify({ mcpServers: { files: { command: process.execPath, args: [SERVER] } } }));
});
afterAll(async () => {
  await http.close();
  await rm(dir, { recursive: true, force: true });
});

// Every test starts real servers: generous time for a loaded machine.
describe('warden scan', { timeout: 120_000 }, () => {
  it('prints a table, names the server that failed to start, and exits 1 on findings at or above --fail-on', async () => {
    const b = buffers();
    const code = await run([mixed, '--timeout', '60000'], { ...b.io, cwd: dir });
    expect(code).toBe(1);
    const text = b.out();
    expect(text).toContain('Scanned 3 of 4 MCP server(s) in mcp.json');
    expect(text).toMatch(/broken\s+stdio\s+-\s+-\s+-\s+0\s+FAILED: .*ENOENT/);
    expect(text).toMatch(/files\s+stdio\s+4\s+1\s+1\s+\d+\s+ok/);
    expect(text).toMatch(/remote\s+http\s+4/);
    expect(text).toMatch(new RegExp(`high\\s+${SCAN_RULES.hiddenInstructionTag.id}\\s+poisoned\\s+format_date`));
  });

  it('--json prints servers and findings with server, tool, rule id, severity, message, evidence and references', async () => {
    const b = buffers();
    const code = await run([mixed, '--json', '--timeout', '60000'], { ...b.io, cwd: dir });
    expect(code).toBe(1);
    const report = JSON.parse(b.out()) as { servers: { name: string; status: string; error?: string }[]; findings: Record<string, unknown>[] };
    expect(report.servers.map((s) => [s.name, s.status])).toEqual([
      ['files', 'scanned'],
      ['poisoned', 'scanned'],
      ['remote', 'scanned'],
      ['broken', 'error'],
    ]);
    const tag = report.findings.find((f) => f.ruleId === SCAN_RULES.hiddenInstructionTag.id)!;
    expect(tag).toMatchObject({ server: 'poisoned', tool: 'format_date', severity: 'high' });
    expect(typeof tag.message).toBe('string');
    expect(tag.evidence).toContain('<IMPORTANT>');
    expect(tag.references).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'LLM01' })]));
    expect(b.err()).toContain('server "broken" could not be scanned');
  });

  it('--sarif prints a SARIF 2.1.0 log whose results point at the server in the config file', async () => {
    const b = buffers();
    expect(await run([mixed, '--sarif', '--fail-on', 'critical', '--timeout', '60000'], { ...b.io, cwd: dir })).toBe(3);
    const sarif = JSON.parse(b.out());
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    const run0 = sarif.runs[0];
    const ruleIds = run0.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ruleIds).toEqual(Object.values(SCAN_RULES).map((r) => r.id));
    expect(run0.results.length).toBeGreaterThan(0);
    for (const r of run0.results) {
      expect(ruleIds[r.ruleIndex]).toBe(r.ruleId);
      expect(['error', 'warning', 'note']).toContain(r.level);
      expect(typeof r.message.text).toBe('string');
      expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe('mcp.json');
    }
    const tag = run0.results.find((r: { ruleId: string }) => r.ruleId === SCAN_RULES.hiddenInstructionTag.id);
    expect(tag.level).toBe('error');
    const configText = await readFile(mixed, 'utf8');
    const poisonedLine = configText.split('\n').findIndex((l) => l.includes('"poisoned":')) + 1;
    expect(tag.locations[0].physicalLocation.region.startLine).toBe(poisonedLine);
    expect(run0.invocations[0].executionSuccessful).toBe(false);
  });

  it('exits 0 on a clean config and 2 on usage or config errors', async () => {
    const ok = buffers();
    expect(await run([clean, '--timeout', '60000'], { ...ok.io, cwd: dir })).toBe(0);
    expect(ok.out()).toContain('No finding at or above high.');

    const bad = buffers();
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ mcpServers: { x: { args: [] } } }));
    expect(await run(['bad.json'], { ...bad.io, cwd: dir })).toBe(2);
    expect(bad.err()).toContain('mcpServers.x');

    const usage = buffers();
    expect(await run([clean, '--fail-on', 'severe'], usage.io)).toBe(2);
    expect(usage.err()).toContain('--fail-on must be');
  });

  it('--pins reports a tool changed since the last scan until --approve-changes', async () => {
    const config = join(dir, 'pinned.json');
    const write = (version: string) =>
      writeFile(config, JSON.stringify({ mcpServers: { files: { command: process.execPath, args: [SERVER], env: { FIXTURE_TOOL_VERSION: version } } } }));
    const scan = async (...extra: string[]) => {
      const b = buffers();
      const code = await run([config, '--json', '--fail-on', 'critical', '--pins', '.warden/pins.json', '--timeout', '60000', ...extra], { ...b.io, cwd: dir });
      const changed = (JSON.parse(b.out()).findings as { ruleId: string; tool: string }[]).filter((f) => f.ruleId === SCAN_RULES.toolSignatureChanged.id);
      return { code, changed: changed.map((f) => f.tool) };
    };
    await write('1');
    expect(await scan()).toEqual({ code: 0, changed: [] });
    await write('2');
    // The v2 echo also carries a webhook URL (a high finding), so only the signature change is checked here.
    expect((await scan()).changed).toEqual(['echo']);
    expect((await scan('--approve-changes')).changed).toEqual([]);
    expect((await scan()).changed).toEqual([]);
    const usage = buffers();
    expect(await run([config, '--approve-changes'], usage.io)).toBe(2);
  });

  it('--pins works for tools named after Object.prototype properties (constructor, __proto__, ...)', async () => {
    const config = join(dir, 'hostile.json');
    const write = (changed: boolean) =>
      writeFile(
        config,
        JSON.stringify({ mcpServers: { hostile: { command: process.execPath, args: [HOSTILE], env: { HOSTILE_CHANGED: changed ? '1' : '0' } } } }),
      );
    const scan = async () => {
      const b = buffers();
      const code = await run([config, '--json', '--fail-on', 'critical', '--pins', '.warden/hostile-pins.json', '--timeout', '60000'], { ...b.io, cwd: dir });
      expect(b.err()).toBe('');
      const changed = (JSON.parse(b.out()).findings as { ruleId: string; tool: string }[]).filter((f) => f.ruleId === SCAN_RULES.toolSignatureChanged.id);
      return { code, changed: changed.map((f) => f.tool).sort() };
    };
    await write(false);
    expect(await scan()).toEqual({ code: 0, changed: [] });
    const pins = JSON.parse(await readFile(join(dir, '.warden/hostile-pins.json'), 'utf8')).servers;
    expect(Object.keys(Object.values(pins)[0] as object).sort()).toEqual(
      ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', '\u001b]0;owned\u0007\u001b[2Jwipe'].sort(),
    );
    expect(await scan()).toEqual({ code: 0, changed: [] });
    await write(true);
    expect((await scan()).changed).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', '\u001b]0;owned\u0007\u001b[2Jwipe'].sort());
  }, 90_000);

  it('escapes control characters from tool names and server stderr in the table and on stderr', async () => {
    const config = join(dir, 'escapes.json');
    const crash = `process.stderr.write('\\u001b]0;pwned\\u0007\\u001b[2J boom\\n'); process.exit(1)`;
    await writeFile(
      config,
      JSON.stringify({
        mcpServers: {
          hostile: { command: process.execPath, args: [HOSTILE] },
          crashing: { command: process.execPath, args: ['-e', crash] },
          'evil\u001b[31mname': { command: process.execPath, args: ['-e', crash] },
        },
      }),
    );
    const table = buffers();
    await run([config, '--fail-on', 'critical', '--timeout', '60000'], { ...table.io, cwd: dir });
    expect(table.out()).not.toMatch(RAW_CONTROL);
    expect(table.out()).toContain('\\x1b]0;pwned\\x07');
    expect(table.out()).toContain('boom');
    expect(table.out()).toContain('evil\\x1b[31mname');
    const json = buffers();
    await run([config, '--json', '--fail-on', 'critical', '--timeout', '60000'], { ...json.io, cwd: dir });
    expect(json.err()).not.toMatch(RAW_CONTROL);
    expect(json.err()).toContain('could not be scanned');
    // JSON keeps the exact text (escaped by JSON itself).
    expect(JSON.parse(json.out()).servers.map((s: { name: string }) => s.name)).toContain('evil\u001b[31mname');
  }, 90_000);

  it('--judge-url asks an OpenAI-compatible endpoint on 127.0.0.1 about each tool once and reports malicious verdicts', async () => {
    const { createServer } = await import('node:http');
    let calls = 0;
    const judgeServer = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      calls++;
      const verdict = body.includes('format_date') ? 'malicious' : 'benign';
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify({ verdict, reason: 'fake guard' }) } }] }));
    });
    await new Promise<void>((r) => judgeServer.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(judgeServer.address() as { port: number }).port}/v1`;
      const config = join(dir, 'judged.json');
      await writeFile(config, JSON.stringify({ mcpServers: { poisoned: { command: process.execPath, args: [SERVER, '--variant', 'hidden-tag'] } } }));
      const scan = async () => {
        const b = buffers();
        await run([config, '--json', '--judge-url', url, '--judge-model', 'guard', '--judge-cache', '.warden/judge.json', '--timeout', '60000'], {
          ...b.io,
          cwd: dir,
        });
        return { report: JSON.parse(b.out()) as { findings: { ruleId: string; tool?: string }[] }, err: b.err() };
      };
      const first = await scan();
      expect(first.report.findings.filter((f) => f.ruleId === SCAN_RULES.judgeVerdict.id).map((f) => f.tool)).toEqual(['format_date']);
      expect(first.err).toMatch(/judge guard: 5 asked, 0 cached/);
      expect(calls).toBe(5);
      const second = await scan();
      expect(second.err).toMatch(/judge guard: 0 asked, 5 cached/);
      expect(calls).toBe(5);
      const usage = buffers();
      expect(await run([config, '--judge-model', 'x'], { ...usage.io, cwd: dir })).toBe(2);
      expect(usage.err()).toContain('--judge-* options need --judge-url');
    } finally {
      judgeServer.closeAllConnections();
      await new Promise((r) => judgeServer.close(r));
    }
  }, 120_000);
});
