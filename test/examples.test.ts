import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { verifyAuditLog } from 'warden';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');

// The demo is the README's first command; it must run as written and tell its whole story.
describe('examples/demo.ts', () => {
  const runDemo = async (dir: string) =>
    (
      await run(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], {
        cwd: root,
        env: { ...process.env, WARDEN_DEMO_DIR: dir },
        timeout: 200_000,
        maxBuffer: 16 * 1024 * 1024,
      })
    ).stdout;

  it('shows spans, raises the change alerts, passes every drill and ends at Level 4, twice in the same directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-demo-'));
    for (const round of [1, 2]) {
      const stdout = await runDemo(dir);
      expect(stdout).toMatch(/● chat gpt-4o-mini .*warden\.stream\.outcome=completed/);
      expect(stdout).toMatch(/● invoke_agent support-bot[\s\S]*└─ execute_tool lookup_order/);
      const changed = stdout.slice(stdout.indexOf('3. The model changes'));
      expect(changed).toMatch(/\[tool_anomaly · high\] agent support-bot called tool issue_refund/);
      expect(changed).toMatch(/\[drift · \w+\] output tokens of agent support-bot on gpt-4o-mini rose/);
      expect(changed).toMatch(/\[policy_violation · medium\]/);
      // The model change is one analyzer incident naming every feature that moved.
      expect(changed).toMatch(
        /analyzer incidents for support-bot: 1 \(.*output_tokens.*tool\.new_tool\(issue_refund\)|analyzer incidents for support-bot: 1 \(.*tool\.new_tool\(issue_refund\).*output_tokens/,
      );
      // Every drill passed: the controls were shown to fire, not only configured.
      const drills = stdout.slice(stdout.indexOf('4. Drills'), stdout.indexOf('5. Posture'));
      expect(drills.match(/^ {3}PASS /gm), `round ${round}:\n${drills}`).toHaveLength(8);
      expect(drills).not.toMatch(/FAIL|n\/a/);
      expect(drills).toMatch(/all applicable drills passed/);
      expect(stdout).toMatch(/5\. Posture: Level 4 supported by the evidence/);
      expect(stdout.match(/^ {3}met {6}L3\./gm)).toHaveLength(5);
    }
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/<html/i);
    expect(existsSync(join(dir, 'traces.jsonl'))).toBe(true);
    expect(readdirSync(join(dir, 'drills')).filter((f) => f.endsWith('.json'))).toHaveLength(2);
    // Two runs, one chain: the second run continued the first's audit log.
    const audit = await verifyAuditLog(join(dir, 'audit.jsonl'));
    expect(audit.ok).toBe(true);
    expect(audit.entries).toBeGreaterThan(200);
  }, 420_000);
});
