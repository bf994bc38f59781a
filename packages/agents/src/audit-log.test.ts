import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { PolicyDeniedError, setToolGuard, traceAgent, traceTool } from '@warden/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, AuditLogSpanProcessor, auditEntryHash, verifyAuditLog, verifyAuditLogText, type AuditEntry } from './audit-log';
import { createPolicyGuard } from './policy-guard';

const dir = mkdtempSync(join(tmpdir(), 'warden-audit-'));
const auditFile = join(dir, 'audit.jsonl');
const log = new AuditLog({ destination: auditFile });
const provider = new BasicTracerProvider({ spanProcessors: [new AuditLogSpanProcessor(log)] });

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  setToolGuard(createPolicyGuard([{ agent: 'files', mode: 'enforce', allowedTools: ['read_file'], args: { read_file: { path: { under: '/srv/data' } } } }]));
  const read = traceTool('read_file', (args: { path: string }) => `contents of ${args.path}`);
  const files = traceAgent('files', async (path: string) => read({ path }), { conversationId: 'c-1' });
  const lead = traceAgent('lead', async () => {
    await files('/srv/data/a.txt');
    await files('/srv/data/../../etc/passwd').catch((e: unknown) => {
      if (!PolicyDeniedError.isInstance(e)) throw e;
    });
  });
  await lead();
  await log.close();
});
afterAll(async () => {
  setToolGuard(undefined);
  await provider.shutdown();
  trace.disable();
  context.disable();
});

const lines = () => readFileSync(auditFile, 'utf8').trimEnd().split('\n');

describe('AuditLog', () => {
  it('records agent actions, policy decisions and alerts in one chain that verifies', async () => {
    const entries = lines().map((l) => JSON.parse(l) as AuditEntry);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const types = entries.map((e) => e.type);
    expect(types.filter((t) => t === 'tool_execution')).toHaveLength(2);
    expect(types.filter((t) => t === 'agent_invocation')).toHaveLength(3);
    expect(types.filter((t) => t === 'policy_decision')).toHaveLength(2);
    expect(types.filter((t) => t === 'alert')).toHaveLength(1);
    const denied = entries.find((e) => e.type === 'tool_execution' && e.policyDecision === 'deny');
    expect(denied).toMatchObject({
      agent: 'files',
      tool: 'read_file',
      conversationId: 'c-1',
      outcome: 'error',
      errorType: 'PolicyDeniedError',
      policyRule: 'argument',
    });
    const files = entries.find((e) => e.type === 'agent_invocation' && e.agent === 'files');
    expect(files).toMatchObject({ callerAgent: 'lead', operation: 'invoke_agent' });
    // Metadata only: the tool's result never reaches the log.
    expect(readFileSync(auditFile, 'utf8')).not.toContain('contents of');
    const r = await verifyAuditLog(auditFile);
    expect(r).toMatchObject({ ok: true, entries: entries.length, lastHash: entries.at(-1)?.hash });
  });

  it('detects an edited line', async () => {
    const l = lines();
    l[2] = l[2].replace('"agent":"files"', '"agent":"admin"');
    expect(l[2]).toContain('admin');
    const r = await verifyAuditLog(l.join('\n'));
    expect(r).toMatchObject({ ok: false, firstBadLine: 3, entries: 2 });
    expect(r.problem).toContain('edited');
  });

  it('detects a removed line', () => {
    const l = lines();
    l.splice(3, 1);
    const r = verifyAuditLogText(l.join('\n'));
    expect(r).toMatchObject({ ok: false, firstBadLine: 4 });
    expect(r.problem).toContain('removed, inserted or moved');
  });

  it('detects reordered lines', () => {
    const l = lines();
    [l[1], l[4]] = [l[4], l[1]];
    expect(verifyAuditLogText(l.join('\n'))).toMatchObject({ ok: false, firstBadLine: 2 });
  });

  it('detects an inserted line even when its own hash is recomputed', () => {
    const l = lines();
    const prev = JSON.parse(l[1]) as AuditEntry;
    const forged: Omit<AuditEntry, 'hash'> = { seq: prev.seq + 1, time: prev.time, type: 'policy_decision', decision: 'allow', prevHash: prev.hash };
    l.splice(2, 0, JSON.stringify({ ...forged, hash: auditEntryHash(forged) }));
    expect(verifyAuditLogText(l.join('\n'))).toMatchObject({ ok: false, firstBadLine: 4 });
  });

  it('detects lines cut off the end against an anchored last hash', () => {
    const l = lines();
    const anchor = (JSON.parse(l.at(-1) as string) as AuditEntry).hash;
    expect(verifyAuditLogText(l.join('\n'), { expectLastHash: anchor }).ok).toBe(true);
    expect(verifyAuditLogText(l.slice(0, -1).join('\n'), { expectLastHash: anchor }).ok).toBe(false);
  });

  it('rejects garbage and blank lines inside the log', () => {
    const l = lines();
    expect(verifyAuditLogText([l[0], 'not json', ...l.slice(1)].join('\n'))).toMatchObject({ ok: false, firstBadLine: 2 });
    expect(verifyAuditLogText([l[0], '', ...l.slice(1)].join('\n'))).toMatchObject({ ok: false, firstBadLine: 2 });
  });

  it('continues the chain of an existing file', async () => {
    const f = join(dir, 'resume.jsonl');
    const first = new AuditLog({ destination: f, subscribe: false });
    first.append('note', { n: 1 });
    await first.close();
    const second = new AuditLog({ destination: f, subscribe: false });
    second.append('note', { n: 2, seq: 99, hash: 'spoof' });
    await second.close();
    const entries = readFileSync(f, 'utf8')
      .trimEnd()
      .split('\n')
      .map((x) => JSON.parse(x) as AuditEntry);
    expect(entries.map((e) => [e.seq, e.type, e.n])).toEqual([
      [1, 'log_opened', undefined],
      [2, 'note', 1],
      [3, 'log_opened', undefined],
      [4, 'note', 2],
    ]);
    expect(await verifyAuditLog(f)).toMatchObject({ ok: true, entries: 4, mode: 'sha256' });
  });

  it('creates missing directories, refuses to continue a file that is not an audit log, reports an unreadable one', async () => {
    const nested = join(dir, 'a', 'b', 'audit.jsonl');
    const l = new AuditLog({ destination: nested, subscribe: false });
    l.append('note');
    await l.close();
    expect(await verifyAuditLog(nested)).toMatchObject({ ok: true, entries: 2 });
    const notALog = join(dir, 'notes.txt');
    writeFileSync(notALog, 'hello\n');
    expect(() => new AuditLog({ destination: notALog, subscribe: false })).toThrow(/not an audit entry/);
    const missing = await verifyAuditLog(join(dir, 'missing.jsonl'));
    expect(missing.ok).toBe(false);
    expect(missing.problem).toContain('cannot read');
  });

  it('signs with an HMAC key when given one', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c));
    const signed = new AuditLog({ destination: out, subscribe: false, hmacKey: 'k1' });
    signed.append('note', { at: new Date(0) });
    signed.append('note', { n: 2 });
    expect(verifyAuditLogText(text, { hmacKey: 'k1' })).toMatchObject({ ok: true, entries: 3, mode: 'hmac-sha256' });
    expect(verifyAuditLogText(text).ok).toBe(false);
    expect(verifyAuditLogText(text, { hmacKey: 'k2' }).ok).toBe(false);
  });

  it('drops (and then records the count of) entries a stalled destination cannot take', async () => {
    const pending: (() => void)[] = [];
    let text = '';
    const stalled = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _enc, cb) {
        text += chunk;
        pending.push(() => cb());
      },
    });
    const bounded = new AuditLog({ destination: stalled, subscribe: false, maxBufferedBytes: 1024 });
    for (let i = 0; i < 500; i++) bounded.append('note', { i });
    expect(bounded.droppedEntries).toBeGreaterThan(400);
    expect(stalled.writableLength).toBeLessThan(1024 + 512);
    while (pending.length) (pending.shift() as () => void)();
    await new Promise((r) => setImmediate(r));
    while (pending.length) (pending.shift() as () => void)();
    bounded.append('note', { i: 'after' });
    while (pending.length) (pending.shift() as () => void)();
    const entries = text
      .trimEnd()
      .split('\n')
      .map((x) => JSON.parse(x) as AuditEntry);
    const dropped = entries.find((e) => e.type === 'entries_dropped');
    expect(dropped?.count).toBe(bounded.droppedEntries);
    expect(verifyAuditLogText(text).ok).toBe(true);
  });
});
