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

async function writeLog(entries: number, hmacKey?: string): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'warden-audit-cli-')), 'audit.jsonl');
  const log = new AuditLog({ destination: file, subscribe: false, ...(hmacKey ? { hmacKey } : {}) });
  for (let i = 0; i < entries; i++) log.append('agent_action', { agent: 'bot', tool: `t${i}` });
  await log.close();
  return file;
}

describe('warden audit verify', () => {
  it('exits 0 on an intact chain and 1 naming the first tampered line', async () => {
    const file = await writeLog(5);
    const ok = io();
    expect(await run(['verify', file], ok.io)).toBe(0);
    expect(ok.out()).toMatch(/^ok: .*: 6 entries, UNKEYED sha256 chain .*intact; checkpoint at seq 6 matched/);

    const lines = readFileSync(file, 'utf8').split('\n');
    lines[3] = lines[3]!.replace('"t2"', '"t9"');
    writeFileSync(file, lines.join('\n'));
    const bad = io();
    expect(await run(['verify', file, '--json'], bad.io)).toBe(1);
    expect(JSON.parse(bad.out())).toMatchObject({ ok: false, firstBadLine: 4 });
  });

  it('verifies a keyed log only with its key, from an environment variable or a file', async () => {
    const key = 'cli-audit-key-0123456789';
    const file = await writeLog(3, key);
    const keyFile = join(mkdtempSync(join(tmpdir(), 'warden-audit-key-')), 'key');
    writeFileSync(keyFile, `${key}\n`);
    const withFile = io();
    expect(await run(['verify', file, '--hmac-key-file', keyFile], withFile.io)).toBe(0);
    expect(withFile.out()).toMatch(/keyed HMAC-SHA256 chain, intact/);
    process.env.WARDEN_CLI_AUDIT_KEY = key;
    expect(await run(['verify', file, '--hmac-key-env', 'WARDEN_CLI_AUDIT_KEY'], io().io)).toBe(0);
    delete process.env.WARDEN_CLI_AUDIT_KEY;
    const noKey = io();
    expect(await run(['verify', file, '--no-checkpoint'], noKey.io)).toBe(1);
    expect(noKey.out()).toMatch(/BROKEN: .*line 1: .*keyed \(HMAC\); verify it with its key/);
  });

  it('says TORN, not tampered, for a line cut by a crash, and never claims a file it could not read', async () => {
    const file = await writeLog(2);
    writeFileSync(file, '{"seq":4,"ti', { flag: 'a' });
    const torn = io();
    expect(await run(['verify', file, '--no-checkpoint'], torn.io)).toBe(1);
    expect(torn.out()).toMatch(/^TORN: .*line 4: .*crash or a full disk/);
    const missing = io();
    expect(await run(['verify', join(tmpdir(), 'no-such-audit-log.jsonl')], missing.io)).toBe(1);
    expect(missing.out()).toMatch(/^BROKEN: .*cannot read/);
    expect(missing.out()).not.toMatch(/intact/);
  });

  it('shows control characters in a file name instead of sending them to the terminal', async () => {
    const out = io();
    expect(await run(['verify', `/tmp/evil\u001b]0;pwned\u0007.jsonl`], out.io)).toBe(1);
    expect(out.out()).not.toContain('\u001b');
    expect(out.out()).toContain('\\x1b');
  });

  it('exits 2 on usage errors', async () => {
    const b = io();
    expect(await run(['check', 'x'], b.io)).toBe(2);
    expect(b.err()).toMatch(/unknown subcommand "check"/);
    expect(await run(['verify'], io().io)).toBe(2);
  });
});
