import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './scan';
import { ScanProgress, scanProgress } from './scan-progress';

const SERVER = fileURLToPath(new URL('../../../mcp/src/__fixtures__/server.mjs', import.meta.url));

function terminal(isTTY: boolean, columns = 200) {
  let err = '';
  let out = '';
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { isTTY, columns, write: (s: string) => (err += s) } },
    err: () => err,
    out: () => out,
  };
}

let dir: string;
let config: string;
let unreachable: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-scan-progress-'));
  config = join(dir, 'mcp.json');
  await writeFile(
    config,
    JSON.stringify({
      mcpServers: {
        files: { command: process.execPath, args: [SERVER, '--name', 'files'] },
        notes: { command: process.execPath, args: [SERVER, '--name', 'notes'] },
        broken: { command: join(dir, 'no-such-server') },
      },
    }),
  );
  unreachable = join(dir, 'unreachable.json');
  await writeFile(unreachable, JSON.stringify({ mcpServers: { a: { command: join(dir, 'none-a') }, b: { command: join(dir, 'none-b') } } }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('warden scan progress', () => {
  it('on a terminal, shows each server as it finishes and which are still awaited, then clears the line', async () => {
    const t = terminal(true);
    await run([config, '--timeout', '10000'], { ...t.io, cwd: dir });
    const frames = t.err().split('\r\u001b[2K').filter(Boolean);
    expect(frames[0]).toBe('warden scan: scanning 3 MCP servers · waiting for files, notes, broken');
    expect(frames).toHaveLength(4); // start + one per server; the final clear leaves no frame
    expect(
      frames
        .slice(1)
        .map((f) => /\d\/3 · (\w+)/.exec(f)![1])
        .sort(),
    ).toEqual(['broken', 'files', 'notes']);
    expect(frames.at(-1)).toMatch(/^warden scan: 3\/3 · \w+ (ok \(\d+ ms\)|FAILED)$/);
    expect(t.err().endsWith('\r\u001b[2K')).toBe(true);
    expect(t.out()).toContain('Scanned 2 of 3 MCP server(s)');
  });

  it('writes nothing when stderr is not a terminal (CI logs, pipes) or there is one server', async () => {
    const t = terminal(false);
    await run([unreachable, '--timeout', '10000'], { ...t.io, cwd: dir });
    expect(t.out()).toContain('Scanned 0 of 2');
    expect(t.err()).toBe('');
    expect(scanProgress({ isTTY: true, write: () => undefined }, ['one'])).toBeUndefined();
  });

  it('keeps the line within the terminal width and prints no escape sequence a server name carries', () => {
    let written = '';
    const p = new ScanProgress({ isTTY: true, columns: 40, write: (s: string) => (written += s) }, ['a\u001b]0;pwned\u0007', 'b'.repeat(100)]);
    p.serverScanned({ name: 'a\u001b]0;pwned\u0007', status: 'scanned', durationMs: 5 });
    const frames = written.split('\r\u001b[2K').filter(Boolean);
    for (const f of frames) {
      expect(f.length).toBeLessThanOrEqual(39);
      expect(f).not.toMatch(/[\u0000-\u001f]/);
    }
  });
});
