import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WardenConfigError } from '@warden/core';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from './audit-file';
import { AuditLog, verifyAuditLog, type AuditEntry } from './audit-log';

const dir = mkdtempSync(join(tmpdir(), 'warden-audit-file-'));
let n = 0;
const fresh = () => join(dir, `log-${++n}.jsonl`);

async function writeLog(path: string, entries: number, options: { hmacKey?: string; checkpointEvery?: number } = {}): Promise<void> {
  const log = new AuditLog({ destination: path, subscribe: false, ...options });
  for (let i = 0; i < entries; i++) log.append('note', { i });
  await log.close();
}

const entriesOf = (path: string) =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditEntry);

describe('a torn last line (crash or full disk)', () => {
  it('is told apart from an edit by verify', async () => {
    const f = fresh();
    await writeLog(f, 3);
    appendFileSync(f, '{"seq":5,"time":"2026-12-0');
    const r = await verifyAuditLog(f);
    expect(r).toMatchObject({ ok: false, torn: true, entries: 4, firstBadLine: 5 });
    expect(r.problem).toMatch(/crash or a full disk/);

    const edited = fresh();
    await writeLog(edited, 3);
    writeFileSync(edited, readFileSync(edited, 'utf8').replace('"i":1', '"i":7'));
    const e = await verifyAuditLog(edited);
    expect(e.ok).toBe(false);
    expect(e.torn).toBeUndefined();
    expect(e.problem).toMatch(/edited/);
  });

  it('does not block the next start: the torn bytes are cut and recorded, and the chain verifies', async () => {
    const f = fresh();
    await writeLog(f, 3);
    const torn = '{"seq":5,"time":"2026-12-02T00:00:00.000Z","type":"no';
    appendFileSync(f, torn);
    const log = new AuditLog({ destination: f, subscribe: false });
    log.append('note', { after: true });
    await log.close();
    const entries = entriesOf(f);
    const recovered = entries.find((e) => e.type === 'recovered');
    expect(recovered).toMatchObject({ reason: 'torn_last_line', truncatedBytes: Buffer.byteLength(torn), tornStart: torn });
    expect(entries.at(-1)).toMatchObject({ type: 'note', after: true });
    expect(await verifyAuditLog(f)).toMatchObject({ ok: true, recoveries: 1, entries: entries.length });
  });

  it('still refuses to continue a log whose complete last line was edited into garbage', async () => {
    const f = fresh();
    await writeLog(f, 2);
    appendFileSync(f, 'garbage\n');
    expect(() => new AuditLog({ destination: f, subscribe: false })).toThrow(/not an audit entry/);
  });
});

describe('one writer per file', () => {
  it('refuses a second writer while the first is open, and lets it in after close', async () => {
    const f = fresh();
    const first = new AuditLog({ destination: f, subscribe: false });
    expect(() => new AuditLog({ destination: f, subscribe: false })).toThrow(WardenConfigError);
    expect(() => new AuditLog({ destination: f, subscribe: false })).toThrow(/being written by process/);
    first.append('note');
    await first.close();
    expect(existsSync(`${f}.lock`)).toBe(false);
    const second = new AuditLog({ destination: f, subscribe: false });
    second.append('note');
    await second.close();
    expect(await verifyAuditLog(f)).toMatchObject({ ok: true, entries: 4 });
  });

  it('takes over the lock of a writer that crashed', async () => {
    const f = fresh();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(`${f}.lock`, `${gone.stdout}\n`);
    await writeLog(f, 1);
    expect(await verifyAuditLog(f)).toMatchObject({ ok: true, entries: 2 });
  });
});

describe('keyed chains, modes and checkpoints', () => {
  it('an empty file does not verify', async () => {
    const f = fresh();
    writeFileSync(f, '');
    const r = await verifyAuditLog(f);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/no entries/);
  });

  it('a keyed log does not verify without its key, and a plain chain does not pass for a keyed one', async () => {
    const keyed = fresh();
    await writeLog(keyed, 3, { hmacKey: 'org-secret-0123456789' });
    expect(await verifyAuditLog(keyed, { hmacKey: 'org-secret-0123456789' })).toMatchObject({ ok: true, mode: 'hmac-sha256' });
    const noKey = await verifyAuditLog(keyed, { checkpoint: false });
    expect(noKey).toMatchObject({ ok: false, firstBadLine: 1 });
    expect(noKey.problem).toMatch(/keyed/);

    // An attacker without the key replaces the file with a plain chain of their own.
    const substitute = fresh();
    await writeLog(substitute, 3);
    const r = await verifyAuditLog(substitute, { hmacKey: 'org-secret-0123456789', checkpoint: false });
    expect(r).toMatchObject({ ok: false, firstBadLine: 1 });
    expect(r.problem).toMatch(/not keyed/);
  });

  it('keeps a signed checkpoint that catches lines cut off the end', async () => {
    const f = fresh();
    const key = 'org-secret-0123456789';
    await writeLog(f, 12, { hmacKey: key, checkpointEvery: 5 });
    const cp = readCheckpoint(`${f}.checkpoint`);
    // The final checkpoint written at close covers every entry.
    expect(cp).toMatchObject({ seq: 13, alg: 'hmac-sha256' });
    expect(cp.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyAuditLog(f, { hmacKey: key })).toMatchObject({ ok: true, entries: 13, checkpoint: { seq: 13 } });

    const lines = readFileSync(f, 'utf8').split('\n');
    writeFileSync(f, `${lines.slice(0, 10).join('\n')}\n`);
    const cut = await verifyAuditLog(f, { hmacKey: key });
    expect(cut.ok).toBe(false);
    expect(cut.problem).toMatch(/cut off the end/);

    // A checkpoint rewritten without the key does not verify.
    writeFileSync(`${f}.checkpoint`, JSON.stringify({ ...cp, seq: 10, hash: entriesOf(f)[9].hash }));
    const forged = await verifyAuditLog(f, { hmacKey: key });
    expect(forged.ok).toBe(false);
    expect(forged.problem).toMatch(/signature does not verify/);
  });

  it('creates the log and its checkpoint readable by the owner only', async () => {
    const f = fresh();
    await writeLog(f, 1);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(statSync(`${f}.checkpoint`).mode & 0o777).toBe(0o600);
  });

  it('names the problem in a malformed checkpoint', async () => {
    const f = fresh();
    await writeLog(f, 1);
    writeFileSync(`${f}.checkpoint`, '{"seq":"x"}');
    const r = await verifyAuditLog(f);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/expected \{ seq: integer/);
    expect(() => readCheckpoint(join(dir, 'nope.checkpoint'))).toThrow(/no such file/);
  });
});
