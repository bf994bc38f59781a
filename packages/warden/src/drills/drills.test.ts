import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { AggregationTemporality, InMemoryMetricExporter, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { generateAgentKeySet } from '@warden/agents';
import type { Alert } from '@warden/core';
import { ATTR_WARDEN_DRILL, DRILL_CANARY_PREFIX } from '@warden/core/internal';
import { forgetOnboardingSettings, MemoryPinStore, type OnboardingMode } from '@warden/mcp';
import { startFakeLlmServer, type FakeLlmServer } from '@warden/testing';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { monitor, traceAgent, traceTool, wrap, wrapMcpClient, type MonitorOptions, type Warden } from '../index';

const keys = generateAgentKeySet(['support', 'billing']);
let llm: FakeLlmServer;
beforeAll(async () => {
  llm = await startFakeLlmServer({ behaviour: () => ({ outputTokens: 40, inputTokens: 80 }) });
});
afterAll(() => llm.close());
afterEach(() => forgetOnboardingSettings());

interface Deployment {
  warden: Warden;
  exporter: InMemorySpanExporter;
  metrics: InMemoryMetricExporter;
  alerts: Alert[];
  close(): Promise<void>;
}

/** A small deployment that evidences every control: two agents, a hand-off, a tool, an MCP server, policies, keys, an audit log. */
async function deploy(overrides: Partial<MonitorOptions> & { onboarding?: OnboardingMode; omit?: (keyof MonitorOptions)[] } = {}): Promise<Deployment> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-drills-'));
  const exporter = new InMemorySpanExporter();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const { onboarding = 'block', omit = [], ...rest } = overrides;
  const options: MonitorOptions = {
    serviceName: 'drill-test',
    exporter,
    metrics: new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 }),
    analyzer: { warmup: 20 },
    policies: [
      { agent: 'support', mode: 'enforce', allowedTools: ['lookup', 'search_docs'], allowedMcpServers: ['docs'] },
      { agent: 'billing', mode: 'enforce', allowedTools: [] },
    ],
    auditLog: join(dir, 'audit.jsonl'),
    identity: { keys, mode: 'enforce' },
    drills: { archiveDir: join(dir, 'drills') },
    ...rest,
  };
  for (const k of omit) delete options[k];
  const warden = monitor(options);
  const alerts: Alert[] = [];
  warden.on('alert', (a) => alerts.push(a));

  const openai = wrap(new OpenAI({ apiKey: 'test', baseURL: llm.openaiBaseURL, maxRetries: 0 }), { agent: 'support' });
  const docs = new McpServer({ name: 'docs', version: '1.0.0' });
  docs.registerTool('search_docs', { description: 'Searches the product documentation.' }, async () => ({
    content: [{ type: 'text' as const, text: 'found' }],
  }));
  const [a, b] = InMemoryTransport.createLinkedPair();
  await docs.connect(b);
  const mcp = wrapMcpClient(new Client({ name: 'app', version: '1.0.0' }), { onboarding, pins: new MemoryPinStore(), serverName: 'docs' });
  await mcp.connect(a);

  const lookup = traceTool('lookup', async () => ({ status: 'shipped' }));
  const billing = traceAgent(
    'billing',
    async () => (await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'bill' }] })).choices[0],
  );
  const support = traceAgent(
    'support',
    async (i: number) => {
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `q${i}` }] });
      await lookup();
      if (i % 10 === 0) {
        await billing();
        await mcp.callTool({ name: 'search_docs', arguments: {} });
      }
    },
    { conversationId: (i: number) => `conv-${Math.floor(i / 5)}` },
  );
  for (let i = 0; i < 30; i++) await support(i);
  await warden.verifyAuditLog();
  return {
    warden,
    exporter,
    metrics: metricExporter,
    alerts,
    close: async () => {
      await mcp.close();
      await warden.shutdown();
    },
  };
}

const statuses = (r: { results: { id: string; status: string }[] }) => Object.fromEntries(r.results.map((x) => [x.id, x.status]));

describe('warden.drill()', () => {
  it('passes every drill on a deployment with every control on, reaches Level 4, and leaves no trace in usage', async () => {
    const d = await deploy();
    try {
      const before = d.warden.posture();
      expect(before.level).toBe(3);
      await d.warden.flush();
      const spansBefore = d.exporter.getFinishedSpans().length;
      expect(spansBefore).toBeGreaterThan(100);
      const alertsBefore = d.alerts.length;
      const ledgerBefore = JSON.stringify({ spans: before.controls['L3.runtime-monitoring'].evidence, inv: before.inventory });
      const groupsBefore = d.warden.analyzer!.groupCount();

      const report = await d.warden.drill();
      expect(statuses(report), JSON.stringify(report.results, null, 2)).toEqual({
        'runtime-monitoring': 'passed',
        'least-privilege': 'passed',
        'mcp-onboarding': 'passed',
        drift: 'passed',
        'tool-anomaly': 'passed',
        'multi-turn': 'passed',
        'audit-log': 'passed',
        identity: 'passed',
      });
      for (const r of report.results)
        expect(r.evidence.spanIds.length + r.evidence.alertIds.length + Object.keys(r.evidence.details ?? {}).length, r.id).toBeGreaterThan(0);
      expect(report.archivedTo).toMatch(/drill-.*\.json$/);
      expect(JSON.parse(readFileSync(report.archivedTo!, 'utf8')).report.runId).toBe(report.runId);

      // No drill span was exported, no drill alert reached the app, no drill agent entered the inventory or a baseline.
      await d.warden.flush();
      const exported = d.exporter.getFinishedSpans();
      expect(exported.length).toBe(spansBefore);
      expect(exported.some((s) => s.attributes[ATTR_WARDEN_DRILL] === true)).toBe(false);
      expect(d.alerts.length).toBe(alertsBefore);
      expect(d.warden.analyzer!.groupCount()).toBe(groupsBefore);
      const after = d.warden.posture();
      expect(JSON.stringify({ spans: after.controls['L3.runtime-monitoring'].evidence, inv: after.inventory })).toBe(ledgerBefore);
      expect(after.inventory.agents.some((a) => a.startsWith(DRILL_CANARY_PREFIX))).toBe(false);
      await d.warden.meterProvider!.forceFlush();
      const alertMetric = d.metrics
        .getMetrics()
        .flatMap((m) => m.scopeMetrics.flatMap((s) => s.metrics))
        .find((m) => m.descriptor.name === 'warden.alerts');
      const alertCount = (alertMetric?.dataPoints ?? []).reduce((n, p) => n + (p.value as number), 0);
      expect(alertCount).toBe(d.alerts.filter((a) => ['drift', 'tool_anomaly'].includes(a.kind)).length);

      expect(after.level).toBe(4);
      expect(after.answers[2].yes).toBe(true);
      expect(report.cpuMs).toBeGreaterThan(0);
    } finally {
      await d.close();
    }
  }, 60_000);

  const breaks: [string, Parameters<typeof deploy>[0], string[]][] = [
    ['no policy', { omit: ['policies'] }, ['least-privilege']],
    ['scanning off', { onboarding: 'allow' }, ['mcp-onboarding']],
    ['analyzer off', { analyzer: false }, ['drift', 'tool-anomaly']],
    ['audit log off', { omit: ['auditLog'] }, ['audit-log']],
    ['identity keys missing', { omit: ['identity'] }, ['identity']],
  ];
  for (const [name, broken, failing] of breaks)
    it(`with ${name}, exactly the ${failing.join(' and ')} drill fails and the level drops below 4`, async () => {
      const d = await deploy(broken);
      try {
        const report = await d.warden.drill();
        const failed = report.results.filter((r) => r.status === 'failed').map((r) => r.id);
        expect(failed, JSON.stringify(report.results, null, 2)).toEqual(failing);
        expect(d.warden.posture().level).toBeLessThan(4);
      } finally {
        await d.close();
      }
    }, 60_000);
});
