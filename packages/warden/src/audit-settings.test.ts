import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAuditLog } from '@warden/agents';
import { traceTool, WardenConfigError } from '@warden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { monitor, type Warden } from './monitor';

const dir = mkdtempSync(join(tmpdir(), 'warden-monitor-audit-'));
const KEY = 'audit-key-0123456789abcdef';

describe('monitor({ auditLog: { path, hmacKey } })', () => {
  let warden: Warden | undefined;
  afterEach(async () => {
    await warden?.shutdown();
    warden = undefined;
    delete process.env.WARDEN_TEST_AUDIT_KEY;
  });

  it('writes a keyed chain that verifies only with its key, with a signed checkpoint', async () => {
    const path = join(dir, 'keyed.jsonl');
    warden = monitor({ exporter: 'none', analyzer: false, auditLog: { path, hmacKey: KEY } });
    await traceTool('lookup', async () => 'ok')();
    const verified = await warden.verifyAuditLog();
    expect(verified).toMatchObject({ ok: true, mode: 'hmac-sha256' });
    expect(warden.posture().controls['L3.agent-audit'].evidence.auditLog).toBeDefined();
    await warden.shutdown();
    warden = undefined;
    expect(await verifyAuditLog(path, { hmacKey: KEY })).toMatchObject({ ok: true, mode: 'hmac-sha256', checkpoint: {} });
    expect((await verifyAuditLog(path)).ok).toBe(false);
  });

  it('takes the key from an environment variable and names the field when it is missing or short', () => {
    expect(() => monitor({ exporter: 'none', auditLog: { path: join(dir, 'env.jsonl'), hmacKeyEnv: 'WARDEN_TEST_AUDIT_KEY' } })).toThrow(
      /auditLog\.hmacKeyEnv: environment variable WARDEN_TEST_AUDIT_KEY is not set/,
    );
    expect(() => monitor({ exporter: 'none', auditLog: { path: join(dir, 'short.jsonl'), hmacKey: 'short' } })).toThrow(WardenConfigError);
    expect(() => monitor({ exporter: 'none', auditLog: { path: join(dir, 'short.jsonl'), hmacKey: 'short' } })).toThrow(
      /auditLog\.hmacKey: expected a key of at least 16 bytes/,
    );
    process.env.WARDEN_TEST_AUDIT_KEY = KEY;
    warden = monitor({ exporter: 'none', analyzer: false, auditLog: { path: join(dir, 'env.jsonl'), hmacKeyEnv: 'WARDEN_TEST_AUDIT_KEY' } });
    expect(warden.auditLog?.mode).toBe('hmac-sha256');
  });

  it('starts after a crash that tore the last line of the log', async () => {
    const path = join(dir, 'torn.jsonl');
    warden = monitor({ exporter: 'none', analyzer: false, auditLog: path });
    await warden.shutdown();
    writeFileSync(path, '{"seq":9,"time":"2026-', { flag: 'a' });
    warden = monitor({ exporter: 'none', analyzer: false, auditLog: path });
    expect(await warden.verifyAuditLog()).toMatchObject({ ok: true, recoveries: 1 });
  });
});
