import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog, generateAgentKeySet, writeAgentKeySet } from '@warden/agents';
import { generateEd25519KeyPair } from '@warden/core/internal';
import { McpAllowlist, type ConfigScanReport } from '@warden/mcp';
import { describe, expect, it } from 'vitest';
import { run } from './drill';
import { approveServers, RecordingPinStore } from './scan-approve';

function io(cwd: string) {
  let out = '';
  let err = '';
  return { io: { cwd, stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } }, out: () => out, err: () => err };
}

describe('warden drill', () => {
  it('drills the policies, keys and audit log of a configuration: exit 0 when all pass, 1 naming the failing drill', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-drill-cli-'));
    writeFileSync(join(dir, 'policies.json'), JSON.stringify([{ agent: 'support', mode: 'enforce', allowedTools: ['lookup'] }]));
    writeAgentKeySet(join(dir, 'keys.json'), generateAgentKeySet(['support', 'billing']));
    const log = new AuditLog({ destination: join(dir, 'audit.jsonl'), subscribe: false });
    for (let i = 0; i < 5; i++) log.append('agent_action', { agent: 'support', tool: `t${i}` });
    await log.close();

    const ok = io(dir);
    const code = await run(
      ['--policies', 'policies.json', '--agent-keys', 'keys.json', '--identity-mode', 'enforce', '--audit-log', 'audit.jsonl', '--archive', 'drills'],
      ok.io,
    );
    expect(ok.out()).toMatch(/PASS {2}least-privilege .*support denied before it ran/);
    expect(ok.out()).toMatch(/PASS {2}identity .*forged: flagged and refused; unsigned: flagged and refused/);
    expect(ok.out()).toMatch(/PASS {2}audit-log /);
    expect(ok.out()).toMatch(/n\/a {3}mcp-onboarding/);
    expect(code).toBe(0);

    const wide = io(dir);
    writeFileSync(join(dir, 'wide.json'), JSON.stringify([{ agent: 'support', mode: 'enforce', allowedTools: ['*'] }]));
    expect(await run(['--policies', 'wide.json', '--only', 'least-privilege', '--json'], wide.io)).toBe(1);
    const report = JSON.parse(wide.out());
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ id: 'least-privilege', status: 'failed', reason: expect.stringMatching(/canary tool executed/) });
  }, 60_000);

  it('names usage and configuration errors (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-drill-cli-'));
    writeFileSync(join(dir, 'bad-keys.json'), JSON.stringify({ version: 1, agents: { a: { publicKey: 'nope' } } }));
    const cases: [string[], RegExp][] = [
      [['--identity-mode', 'strict', '--agent-keys', 'k'], /--identity-mode must be audit or enforce/],
      [['--only', 'fire-drill'], /unknown drill\(s\): fire-drill/],
      [['--hmac-key-env', 'X'], /--hmac-key-env needs --audit-log/],
      [['--agent-keys', 'bad-keys.json'], /agents\["a"\]\.publicKey: expected an Ed25519 public key/],
      [['--policies', 'missing.json'], /cannot read it/],
    ];
    for (const [args, message] of cases) {
      const r = io(dir);
      expect(await run(args, r.io), args.join(' ')).toBe(2);
      expect(r.err()).toMatch(message);
    }
  }, 60_000);
});

describe('warden scan --approve', () => {
  it('signs the pins of clean servers only, into an allowlist the organisation public key verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-approve-'));
    const org = generateEd25519KeyPair();
    writeFileSync(join(dir, 'org.pem'), org.privateKey);
    const pins = new RecordingPinStore();
    await pins.save('node docs.js', { search: { hash: 'a'.repeat(64), pinnedAt: 't' } });
    await pins.save('node mail.js', { send: { hash: 'b'.repeat(64), pinnedAt: 't' } });
    const server = (name: string, target: string) => ({
      name,
      transport: 'stdio' as const,
      target,
      status: 'scanned' as const,
      tools: 1,
      prompts: 0,
      resources: 0,
      durationMs: 1,
    });
    const report = {
      servers: [
        server('docs', 'node docs.js'),
        server('mail', 'node mail.js'),
        { ...server('down', 'node down.js'), status: 'error' as const, error: 'spawn failed' },
      ],
      findings: [{ server: 'mail', ruleId: 'WARDEN-MCP-001', severity: 'high', message: 'hidden instructions', evidence: '', references: [] }],
    } as unknown as ConfigScanReport;
    const out = join(dir, 'allowlist.json');
    const result = await approveServers(report, pins, 'high', join(dir, 'org.pem'), out);
    expect(result.signed).toEqual(['docs']);
    expect(result.skipped.map((s) => s.name)).toEqual(['mail', 'down']);
    const allowlist = McpAllowlist.load(out, org.publicKey);
    expect(allowlist.check('node docs.js', new Map([['search', 'a'.repeat(64)]])).admitted).toBe(true);
    expect(allowlist.check('node mail.js', new Map([['send', 'b'.repeat(64)]])).admitted).toBe(false);
    expect(JSON.parse(readFileSync(out, 'utf8')).signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    await expect(approveServers(report, pins, 'high', join(dir, 'missing.pem'), out)).rejects.toThrow(/cannot read the organisation key/);
  });
});
