import { fileURLToPath } from 'node:url';
import { WardenConfigError } from '@warden/core';
import { describe, expect, it } from 'vitest';
import { startHttpFixture } from './__fixtures__/server.mjs';
import { parseMcpConfig, scanMcpConfig } from './config-scan';
import { MemoryPinStore } from './pin-store';
import { SCAN_RULES } from './scan-rules';

const SERVER = fileURLToPath(new URL('./__fixtures__/server.mjs', import.meta.url));

describe('parseMcpConfig', () => {
  it('accepts stdio and http entries and names the bad field otherwise', () => {
    expect(parseMcpConfig({ mcpServers: { a: { command: 'node', args: ['x'] }, b: { type: 'http', url: 'https://x.example/mcp' } } }).mcpServers.a).toEqual({
      command: 'node',
      args: ['x'],
    });
    const err = (() => {
      try {
        parseMcpConfig({ mcpServers: { git: { args: ['x'] } } });
      } catch (e) {
        return e;
      }
    })();
    expect(WardenConfigError.isInstance(err)).toBe(true);
    expect((err as Error).message).toContain('mcpServers.git');
    expect(() => parseMcpConfig({ servers: {} })).toThrow(/mcpServers/);
  });
});

describe('scanMcpConfig', () => {
  it('scans stdio and http servers, reports one that fails to start, and finds cross-server shadowing', async () => {
    const http = await startHttpFixture({ name: 'remote' });
    try {
      const report = await scanMcpConfig(
        {
          mcpServers: {
            mail: { command: process.execPath, args: [SERVER, '--name', 'mail'] },
            dates: { command: process.execPath, args: [SERVER, '--variant', 'shadowing'] },
            remote: { type: 'http', url: http.url },
            broken: { command: process.execPath, args: ['-e', 'console.error("boom: missing API_KEY"); process.exit(3)'] },
          },
        },
        { timeoutMs: 30_000 },
      );
      const byName = Object.fromEntries(report.servers.map((s) => [s.name, s]));
      expect(byName.mail).toMatchObject({ status: 'scanned', transport: 'stdio', tools: 4, prompts: 1, resources: 1 });
      expect(byName.remote).toMatchObject({ status: 'scanned', transport: 'http', target: http.url, tools: 4 });
      expect(byName.broken.status).toBe('error');
      expect(byName.broken.error).toContain('boom: missing API_KEY');
      // "send_email" is not a tool of "mail" here, so shadowing is found by its wording alone.
      expect(report.findings.find((f) => f.server === 'dates' && f.tool === 'format_date' && f.ruleId === SCAN_RULES.toolShadowing.id)).toMatchObject({
        severity: 'high',
      });
      // The three fixture servers share tool names (echo, add, fail): equal names alone are not shadowing.
      // (The embedded classifier's advice is severity low and is not counted here.)
      expect(report.findings.filter((f) => (f.server === 'mail' || f.server === 'remote') && f.severity !== 'low')).toEqual([]);
    } finally {
      await http.close();
    }
  }, 120_000);

  it('gives up on a server that starts but never answers, within the timeout', async () => {
    const started = Date.now();
    const report = await scanMcpConfig(
      { mcpServers: { silent: { command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] } } },
      { timeoutMs: 800 },
    );
    expect(report.servers[0]).toMatchObject({ name: 'silent', status: 'error' });
    expect(report.servers[0].error).toMatch(/timed out|no answer within 800 ms/i);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('with a pin store, reports a tool whose signature changed between scans until the change is approved', async () => {
    const pins = new MemoryPinStore();
    const config = (version: string) => ({ mcpServers: { files: { command: process.execPath, args: [SERVER], env: { FIXTURE_TOOL_VERSION: version } } } });
    const changed = (r: { findings: { ruleId: string; tool?: string }[] }) =>
      r.findings.filter((f) => f.ruleId === SCAN_RULES.toolSignatureChanged.id).map((f) => f.tool);
    expect(changed(await scanMcpConfig(config('1'), { pins, timeoutMs: 60_000 }))).toEqual([]);
    expect(Object.keys(await pins.load(`${process.execPath} ${SERVER}`)).sort()).toEqual(['add', 'echo', 'fail', 'trigger_update']);
    expect(changed(await scanMcpConfig(config('2'), { pins, timeoutMs: 60_000 }))).toEqual(['echo']);
    expect(changed(await scanMcpConfig(config('2'), { pins, approveChanges: true, timeoutMs: 60_000 }))).toEqual([]);
    expect(changed(await scanMcpConfig(config('2'), { pins, timeoutMs: 60_000 }))).toEqual([]);
    // Each scan starts a real server: generous time for a loaded machine.
  }, 120_000);
});
