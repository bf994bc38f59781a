import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('examples/ai-sdk.ts', () => {
  it('runs a tool loop, a stream and a denied tool, and prints the nested spans', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'examples/ai-sdk.ts'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toContain('generateText: Order A1 has shipped and arrives today. (2 steps, 83 input tokens)');
    expect(out).toContain('streamText: Your order is on its way.');
    expect(out).toContain('policy: delete_order blocked before it ran (tool_not_allowed)');
    expect(out).toMatch(
      /● invoke_agent support-bot .*\n {2}└─ chat gpt-4o-mini .*warden\.tool_calls\.names=\[lookup_order\]\n {2}└─ execute_tool lookup_order .*\n {2}└─ chat gpt-4o-mini .*finish_reasons=\[stop\]/,
    );
    expect(out).toMatch(/● chat gpt-4o-mini .*warden\.stream\.outcome=completed/);
    expect(out).toMatch(/└─ execute_tool delete_order .*error\.type=PolicyDeniedError/);
  });
});
