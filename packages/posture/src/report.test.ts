import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runScript, WELL_RUN_CONFIG, wellCoveredScript } from './__fixtures__/scripted-runs';
import { buildEvidenceReport, EvidenceReportSchema } from './evidence-report';
import { escapeHtml } from './html-report';
import { PostureLedger } from './ledger';
import { MarkdownReportStructureSchema, parseMarkdownReport, REPORT_SECTIONS } from './markdown-report';
import { renderReport } from './report';

const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'test-artifacts');
const HOSTILE = '<script>alert("x")</script> | *bold* \u202Eevil\u202C 😀 & "quotes"';

/** A run with alerts spread over two hours, hostile names, a failed pin and a policy denial. */
async function richLedger(): Promise<PostureLedger> {
  const { ledger } = await runScript(
    async (app) => {
      await wellCoveredScript(app);
      await app.agent('triage', async () => {
        app.chat(HOSTILE, { toolCalls: [HOSTILE] });
        await app.tool(HOSTILE);
      });
    },
    {
      config: { ...WELL_RUN_CONFIG, service: `support-bot ${HOSTILE}` },
      policies: { triage: ['search', 'read_file'], research: ['search'] },
    },
  );
  const start = Date.parse('2026-11-26T06:00:00Z');
  const kinds = ['drift', 'tool_anomaly', 'policy_violation', 'mcp_risk', 'multi_turn', 'agent_anomaly'] as const;
  for (let i = 0; i < 40; i++) {
    ledger.observeAlert({
      id: `alrt_${i}`,
      kind: kinds[i % kinds.length],
      severity: i % 7 === 0 ? 'high' : 'medium',
      detector: `detector.${kinds[i % kinds.length]}`,
      subject: { agent: 'triage' },
      message: i === 39 ? `tool ${HOSTILE} was never seen for agent triage` : `alert number ${i}`,
      score: 10,
      threshold: 5,
      traceIds: [],
      controls: ['L3.drift-alerts'],
      time: new Date(start + i * 3 * 60_000).toISOString(),
    });
  }
  return ledger;
}

describe('renderReport', () => {
  it('JSON validates against EvidenceReportSchema and carries the posture', async () => {
    const ledger = await richLedger();
    const json = JSON.parse(renderReport(ledger, { format: 'json' }));
    const report = EvidenceReportSchema.parse(json);
    expect(report.maturity).toMatchObject({ level: 3, name: 'Managed' });
    expect(report.controls.map((c) => c.id)).toEqual(['L3.runtime-monitoring', 'L3.agent-audit', 'L3.least-privilege', 'L3.drift-alerts', 'L3.mcp-onboarding']);
    expect(report.controls[0].references.euAiAct).toContain('Art. 12(1)–(2)');
    expect(report.alerts.total).toBe(41);
    expect(report.alerts.timeline.buckets.reduce((n, b) => n + Object.values(b.counts).reduce((x, y) => x + y, 0), 0)).toBe(41);
    expect(report.detectors[0]).toMatchObject({ id: 'numeric_drift.output_tokens', expectedRecordsBetweenFalseAlarms: 1_000_000, falseAlarmRate: 1e-6 });
    expect(report.frameworks.disclaimer).toMatch(/references, not legal advice/);
    // The schema is a real check: a report missing a control fails it.
    expect(EvidenceReportSchema.safeParse({ ...json, controls: json.controls.slice(1) }).success).toBe(false);
  });

  it('Markdown has the required structure, escapes data, and the structure check rejects a broken report', async () => {
    const ledger = await richLedger();
    const md = renderReport(ledger, { format: 'markdown' });
    const parsed = parseMarkdownReport(md);
    const result = MarkdownReportStructureSchema.safeParse(parsed);
    expect(result.error?.issues ?? []).toEqual([]);
    expect(parsed.sections.map((s) => s.title)).toEqual([...REPORT_SECTIONS]);
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script&gt;');
    expect(md).toContain('\\| \\*bold\\*');
    expect(md).toContain('😀');
    // A right-to-left override in a name is shown, not obeyed.
    expect(md).not.toContain('\u202E');
    expect(md).toContain('\\[U+202E\\]evil\\[U+202C\\]');

    const withoutAudit = md.replace(/## Audit log[\s\S]*?## Framework references/, '## Framework references');
    expect(MarkdownReportStructureSchema.safeParse(parseMarkdownReport(withoutAudit)).success).toBe(false);
    const withoutStatus = md.replace('Status: **Met**', 'Status: unknown');
    expect(MarkdownReportStructureSchema.safeParse(parseMarkdownReport(withoutStatus)).success).toBe(false);
  });

  it('an empty ledger still renders every section', () => {
    const ledger = new PostureLedger();
    const md = renderReport(ledger, { format: 'markdown' });
    expect(MarkdownReportStructureSchema.safeParse(parseMarkdownReport(md)).success).toBe(true);
    expect(md).toContain('Level 0 – Unaware');
    const html = renderReport(buildEvidenceReport(ledger.snapshot()), { format: 'html' });
    expect(html).toContain('No alerts were raised in the period.');
  });

  it('escapeHtml escapes every markup character', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(escapeHtml('read\u200Bfile \u{E0041}\u{E0042} ok')).toBe('read[U+200B]file [U+E0041][U+E0042] ok');
  });

  it('the HTML page renders in headless Chromium with no console errors and no network requests', async () => {
    const ledger = await richLedger();
    const html = renderReport(ledger, { format: 'html' });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="https?:/i);
    const dir = mkdtempSync(join(tmpdir(), 'warden-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, html);

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      const network: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
        network.push(url);
        return route.abort();
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

      expect(await page.title()).toContain('AI security evidence report');
      expect(await page.locator('h1').innerText()).toContain('<script>alert("x")</script> | *bold* [U+202E]evil[U+202C] 😀 & "quotes"');
      expect(await page.locator('script').count()).toBe(0);
      expect(await page.locator('section h2').allInnerTexts()).toEqual([...REPORT_SECTIONS]);
      expect(await page.locator('.control').count()).toBe(5);
      expect(await page.locator('.level .n').innerText()).toBe(`Level ${ledger.posture().level}`);
      expect(await page.locator('figure svg rect[fill]').count()).toBeGreaterThan(10);
      const box = await page.locator('figure svg').boundingBox();
      expect(box?.width).toBeGreaterThan(500);
      expect(box?.height).toBeGreaterThan(100);

      mkdirSync(ARTIFACTS, { recursive: true });
      const shot = join(ARTIFACTS, 'evidence-report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      expect(problems).toEqual([]);
      expect(network).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
