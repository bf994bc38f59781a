import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('examples/agents.ts', () => {
  it('runs two cooperating agents under policies and prints the alerts and a verified audit log', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/agents.ts'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toContain('researcher: blocked read_file (argument): argument "path" resolves to "/etc/passwd", outside "/srv/kb"');
    expect(out).toContain('writer: sent to ops@example.com');
    expect(out).toContain('writer: email to someone@elsewhere.test not sent (approval_denied)');
    expect(out).toMatch(/alerts \(2\):\n.*policy_violation policy\.argument.*\n.*policy_violation policy\.approval_denied/);
    expect(out).toMatch(/#\d+ agent_invocation writer called by lead/);
    expect(out).toMatch(/verify: ok=true entries=(\d+)/);
    expect(out).toMatch(/verify tampered copy: ok=false firstBadLine=\d+ problem=line \d+ \(seq \d+\) was edited/);
  });
});
