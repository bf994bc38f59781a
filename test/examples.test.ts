import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { verifyAuditLog } from 'warden';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');

// The demo is the README's first command; it must run as written and tell its whole story.
describe('examples/demo.ts', () => {
  it('shows spans, raises the change alerts, and writes a report, traces and a verifiable audit log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-demo-'));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], {
      cwd: root,
      env: { ...process.env, WARDEN_DEMO_DIR: dir },
      timeout: 150_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toMatch(/● chat gpt-4o-mini .*warden\.stream\.outcome=completed/);
    expect(stdout).toMatch(/● invoke_agent support-bot[\s\S]*└─ execute_tool lookup_order/);
    const changed = stdout.slice(stdout.indexOf('3. The model changes'));
    expect(changed).toMatch(/\[tool_anomaly · high\] agent support-bot called tool issue_refund/);
    expect(changed).toMatch(/\[drift · \w+\] output tokens of agent support-bot on gpt-4o-mini rose/);
    expect(changed).toMatch(/\[policy_violation · medium\]/);
    // Hand-offs, policies for both agents, calibrated detectors with a subscriber, a verified log:
    // every Level 3 control is evidenced, and nothing in the demo supports Level 4.
    expect(stdout).toMatch(/4\. Posture: Level 3 supported by the evidence/);
    expect(stdout.match(/^ {3}met {6}L3\./gm)).toHaveLength(4);
    // No MCP server in this demo: nothing to assess, so not applicable (never "met").
    expect(stdout).toMatch(/^ {3}not_applicable L3\.mcp-onboarding/m);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/<html/i);
    expect(existsSync(join(dir, 'traces.jsonl'))).toBe(true);
    const audit = await verifyAuditLog(join(dir, 'audit.jsonl'));
    expect(audit.ok).toBe(true);
    expect(audit.entries).toBeGreaterThan(100);
  }, 180_000);
});
