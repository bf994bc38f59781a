import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './command-table';
import { main } from './main';

function buffers() {
  let out = '';
  let err = '';
  return { io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } }, out: () => out, err: () => err };
}

describe('warden dispatcher', () => {
  it('--help lists every command of the table', async () => {
    const b = buffers();
    expect(await main(['--help'], b.io)).toBe(0);
    for (const [name, c] of Object.entries(COMMANDS))
      expect(b.out()).toMatch(new RegExp(`^  ${name} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('rejects an unknown command with exit code 2', async () => {
    const b = buffers();
    expect(await main(['frobnicate'], b.io)).toBe(2);
    expect(b.err()).toContain('unknown command "frobnicate"');
  });

  it('dispatches to the command with the remaining arguments', async () => {
    const b = buffers();
    expect(await main(['scan', '--help'], b.io)).toBe(0);
    expect(b.out()).toContain('Usage: warden scan');
  });

  it('runs as an executable', async () => {
    const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', bin, '--help']);
    expect(stdout).toContain('Commands:');
  });
});
