import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { AuditLog } from '@warden/agents';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_GEN_AI_AGENT_NAME, ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_TOOL_NAME } from '@warden/core';
import { EvidenceReportSchema, FileSpanExporter, MarkdownReportStructureSchema, parseMarkdownReport } from '@warden/posture';
import { describe, expect, it } from 'vitest';
import { main } from '../main';
import { run } from './report';

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, cwd }, out, err };
}

async function recordTraces(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-cli-report-'));
  const exporter = new FileSpanExporter({ path: join(dir, '.warden', 'traces', 'traces.jsonl') });
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('t');
  for (let i = 0; i < 50; i++) {
    tracer
      .startSpan('chat gpt-4o-mini', {
        attributes: { [ATTR_GEN_AI_OPERATION_NAME]: 'chat', [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini', [ATTR_GEN_AI_AGENT_NAME]: 'triage' },
      })
      .end();
    tracer
      .startSpan('execute_tool search', {
        attributes: { [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool', [ATTR_GEN_AI_TOOL_NAME]: 'search', [ATTR_GEN_AI_AGENT_NAME]: 'triage' },
      })
      .end();
  }
  await provider.shutdown();
  writeFileSync(
    join(dir, 'posture.json'),
    JSON.stringify({ service: 'support-bot', policies: [{ agent: 'triage', mode: 'enforce', allowedTools: ['search'] }] }),
  );
  return dir;
}

describe('warden report', () => {
  it('writes an HTML report from recorded traces and prints its path', async () => {
    const dir = await recordTraces();
    const { io: x, out, err } = io(dir);
    expect(await run(['--out', 'out/report.html', '--config', 'posture.json'], x)).toBe(0);
    expect(out.join('')).toBe(`${join(dir, 'out', 'report.html')}\n`);
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('AI security evidence report — support-bot');
    expect(err.join('')).toMatch(/100 span\(s\) from 1 file\(s\); evidence supports Level 1/);
  });

  it('prints JSON and Markdown that pass their schemas', async () => {
    const dir = await recordTraces();
    const a = io(dir);
    expect(await run(['--traces', '.warden/traces', '--format', 'json', '--config', 'posture.json'], a.io)).toBe(0);
    const report = EvidenceReportSchema.parse(JSON.parse(a.out.join('')));
    expect(report.source).toBe('traces');
    expect(report.coverage).toMatchObject({ modelCalls: 50, toolCalls: 50 });
    expect(report.controls.find((c) => c.id === 'L3.least-privilege')?.evidence).toMatchObject({ agentsWithPolicy: 1 });
    const b = io(dir);
    expect(await run(['--traces', join(dir, '.warden', 'traces', 'traces.jsonl'), '--format', 'md'], b.io)).toBe(0);
    expect(MarkdownReportStructureSchema.safeParse(parseMarkdownReport(b.out.join(''))).success).toBe(true);
  });

  it('is dispatched by the warden command', async () => {
    const dir = await recordTraces();
    const a = io(dir);
    expect(await main(['report', '--help'], a.io)).toBe(0);
    expect(a.out.join('')).toMatch(/^Usage: warden report/);
    const b = io(dir);
    expect(await main(['--help'], b.io)).toBe(0);
    expect(b.out.join('')).toMatch(/report\s+Write the AI security evidence report/);
  });

  it('fails with usage errors for a bad format, unknown flags, missing traces or a bad config', async () => {
    const dir = await recordTraces();
    const bad = io(dir);
    expect(await run(['--format', 'pdf'], bad.io)).toBe(2);
    expect(bad.err.join('')).toMatch(/--format must be html, md or json/);
    expect(await run(['--nope'], io(dir).io)).toBe(2);
    const missing = io(dir);
    expect(await run(['--traces', 'nowhere'], missing.io)).toBe(2);
    expect(missing.err.join('')).toMatch(/no trace file or directory/);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ policies: [{ agent: 'x', mode: 'sometimes' }] }));
    const cfg = io(dir);
    expect(await run(['--config', 'bad.json'], cfg.io)).toBe(1);
    expect(cfg.err.join('')).toMatch(/policies\[0\]\.mode/);
  });

  it('verifies the audit log named in the config itself, and never prints a verification it did not perform', async () => {
    const dir = await recordTraces();
    writeFileSync(join(dir, 'claims.json'), JSON.stringify({ auditLog: { path: 'missing-audit.jsonl', verified: true, entries: 42 } }));
    const claimed = io(dir);
    expect(await run(['--format', 'md', '--config', 'claims.json'], claimed.io)).toBe(0);
    const md = claimed.out.join('');
    expect(md).not.toMatch(/hash chain verified/);
    expect(md).toMatch(/verification FAILED.*no such file/);

    const log = new AuditLog({ destination: join(dir, 'audit.jsonl'), subscribe: false, hmacKey: 'report-key-0123456789' });
    log.append('note');
    await log.close();
    writeFileSync(join(dir, 'real.json'), JSON.stringify({ auditLog: { path: 'audit.jsonl', hmacKeyEnv: 'WARDEN_REPORT_TEST_KEY' } }));
    const noKey = io(dir);
    expect(await run(['--format', 'md', '--config', 'real.json'], noKey.io)).toBe(0);
    expect(noKey.out.join('')).toMatch(/verification FAILED.*HMAC key\) is not set/);
    process.env.WARDEN_REPORT_TEST_KEY = 'report-key-0123456789';
    const ok = io(dir);
    expect(await run(['--format', 'md', '--config', 'real.json'], ok.io)).toBe(0);
    delete process.env.WARDEN_REPORT_TEST_KEY;
    expect(ok.out.join('')).toMatch(/hash chain verified\*\*, 2 entries/);
  });

  it('survives an alert event timestamped at the end of time, and never sends control characters to the terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-cli-report-hostile-'));
    const file = join(dir, 'traces.jsonl');
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new FileSpanExporter({ path: file }))] });
    const span = provider.getTracer('t').startSpan('chat', {
      attributes: { [ATTR_GEN_AI_OPERATION_NAME]: 'chat', [ATTR_GEN_AI_REQUEST_MODEL]: 'm\u001b]0;PWNED\u0007', [ATTR_GEN_AI_AGENT_NAME]: 'a\u001b[31mred\r' },
    });
    span.addEvent('warden.alert', { 'warden.alert.kind': 'drift', 'warden.alert.id': 'x1', 'warden.alert.message': 'moved\u001b[2J' });
    span.addEvent('warden.alert', { 'warden.alert.kind': 'drift', 'warden.alert.id': 'x2', 'warden.alert.message': 'moved again' });
    span.end();
    await provider.shutdown();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const line = JSON.parse(readFileSync(file, 'utf8')) as { resourceSpans: { scopeSpans: { spans: { events: { timeUnixNano: string }[] }[] }[] }[] };
    // The largest time a Date can hold, in ns: the chart's end label used to overflow it.
    line.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.events[0]!.timeUnixNano = '8640000000000000000000';
    writeFileSync(file, `${JSON.stringify(line)}\n`);
    for (const format of ['html', 'md']) {
      const x = io(dir);
      expect(await run(['--traces', file, '--format', format], x.io)).toBe(0);
      const text = x.out.join('');
      expect(text).toContain('U+001B');
      expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    }
  });
});
