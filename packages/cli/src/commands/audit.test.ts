import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '@warden/agents';
import { describe, expect, it } from 'vitest';
import { run } from './audit';

function io() {
  let out = '';
  let err = '';
  return { io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } }, out: () => out, err: () => err };
}

async function writeLog(entries: number): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'warden-audit-cli-')), 'audit.jsonl');
  const log = new AuditLog({ destination: file, subscribe: false });
  for (let i = 0; i < entries; i++) log.append('agent_action', { agent: 'bot', tool: `t${i}` });
  await log.close();
  return file;
}

describe('warden audit verify', () => {
  it('exits 0 on an intact chain and 1 naming the first tampered line', async () => {
    const file = await writeLog(5);
    const ok = io();
    expect(await run(['verify', file], ok.io)).toBe(0);
    expect(ok.out()).toMatch(/^ok: .*: 5 entries, chain intact/);

    const lines = readFileSync(file, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"t2"', '"t9"');
    writeFileSync(file, lines.join('\n'));
    const bad = io();
    expect(await run(['verify', file, '--json'], bad.io)).toBe(1);
    expect(JSON.parse(bad.out())).toMatchObject({ ok: false, firstBadLine: 3 });
  });

  it('exits 2 on usage errors', async () => {
    const b = io();
    expect(await run(['check', 'x'], b.io)).toBe(2);
    expect(b.err()).toMatch(/unknown subcommand "check"/);
    expect(await run(['verify'], io().io)).toBe(2);
  });
});
