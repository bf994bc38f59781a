import { SpanKind, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import {
  EVENT_WARDEN_ALERT,
  ATTR_WARDEN_ALERT_ID,
  ATTR_WARDEN_ALERT_KIND,
  ATTR_WARDEN_ALERT_SEVERITY,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_SERVER_ADDRESS,
  ATTR_WARDEN_SUPERSEDED,
  CONTROL_IDS,
  WardenConfigError,
  type ControlId,
} from '@warden/core';
import { describe, expect, it } from 'vitest';
import { runScript, WELL_RUN_CONFIG, wellCoveredScript } from './__fixtures__/scripted-runs';
import { PostureLedger } from './ledger';
import type { Posture } from './posture';

const DRILL_CONTROLS: [string, ControlId][] = [
  ['runtime-monitoring', 'L3.runtime-monitoring'],
  ['least-privilege', 'L3.least-privilege'],
  ['mcp-onboarding', 'L3.mcp-onboarding'],
  ['drift', 'L3.drift-alerts'],
  ['multi-turn', 'L3.drift-alerts'],
  ['audit-log', 'L3.agent-audit'],
  ['identity', 'L3.agent-audit'],
];

/** Records one drill run in which every drill (or only `only`) has `status`. */
function recordDrills(ledger: PostureLedger, time: string, opts: { status?: 'passed' | 'failed'; only?: string[]; archived?: boolean } = {}): void {
  ledger.recordDrillRun({
    runId: `run-${time}`,
    time,
    results: DRILL_CONTROLS.filter(([id]) => !opts.only || opts.only.includes(id)).map(([id, control]) => ({
      id,
      control,
      status: opts.status ?? 'passed',
      time,
      reason: opts.status === 'failed' ? 'the canary was not stopped' : 'caught',
    })),
    ...(opts.archived === false ? {} : { archivedTo: `/tmp/drills/${time}.json` }),
  });
}

const statuses = (p: Posture): Record<ControlId, string> =>
  Object.fromEntries(CONTROL_IDS.map((id) => [id, p.controls[id].status])) as Record<ControlId, string>;

describe('posture from scripted runs', () => {
  it('a well-covered app meets every Level 3 control and reaches Level 3, not 4', async () => {
    const { ledger } = await runScript(wellCoveredScript, { config: WELL_RUN_CONFIG, policies: { triage: ['search', 'read_file'], research: ['search'] } });
    let p = ledger.posture();
    // Scoring configured is not testing: the multi-turn answer needs a drill that caught an escalation.
    expect(p.answers.map((a) => a.yes)).toEqual([true, true, false, true, true]);
    expect(p.answers[2].evidence).toMatch(/no drill has tested it/);
    recordDrills(ledger, new Date().toISOString(), { only: ['multi-turn'] });
    p = ledger.posture();
    expect(statuses(p)).toEqual({
      'L3.runtime-monitoring': 'met',
      'L3.agent-audit': 'met',
      'L3.least-privilege': 'met',
      'L3.drift-alerts': 'met',
      'L3.mcp-onboarding': 'met',
    });
    expect(p.answers.map((a) => a.yes)).toEqual([true, true, true, true, true]);
    expect(p.level).toBe(3);
    expect(p.basis).toMatch(/Not Level 4 because the drills do not prove the controls: no drill exercised L3\.runtime-monitoring/);
    expect(p.controls['L3.runtime-monitoring'].evidence).toMatchObject({
      modelCallsWithSpans: 22,
      modelCallsWithoutSpans: 0,
      modelCallCoverage: '100.0%',
      toolCallsWithSpans: 12,
      toolCallsRequestedByModels: 12,
      toolCallCoverage: '100.0%',
      agentIdentityShare: '100.0%',
      metadataOnlyShare: '100.0%',
    });
    expect(p.controls['L3.agent-audit'].evidence).toMatchObject({ invokeAgentSpans: 2, withCallerIdentity: 1, auditLog: 'verified' });
    expect(p.controls['L3.least-privilege'].evidence).toMatchObject({ agentsSeen: 2, agentsEnforced: 2, decisionsRecorded: 12, denied: 0 });
    expect(p.inventory).toEqual({
      models: ['claude-sonnet-4', 'gpt-4o-mini'],
      agents: ['research', 'triage'],
      tools: ['read_file', 'search'],
      mcpServers: ['docs'],
    });
    expect(Object.values(p.controls).every((c) => c.next === undefined)).toBe(true);
  });

  it('reaches Level 4 only when every drill passed within drillMaxAgeDays and the run was archived', async () => {
    const now = Date.parse('2026-11-26T09:00:00Z');
    const level = async (drills: (ledger: PostureLedger) => void, config: object = {}) => {
      const run = await runScript(wellCoveredScript, {
        config: { ...WELL_RUN_CONFIG, ...config },
        policies: { triage: ['search', 'read_file'], research: ['search'] },
        now: () => now,
      });
      drills(run.ledger);
      return run.ledger.posture();
    };
    const fresh = await level((l) => recordDrills(l, '2026-11-25T09:00:00Z'));
    expect(fresh.level).toBe(4);
    expect(fresh.basis).toMatch(/drills exercised every applicable control and passed within 7 day\(s\)/);
    // Stale drills: not Level 4, and the multi-turn question is no longer answered yes.
    const stale = await level((l) => recordDrills(l, '2026-11-10T09:00:00Z'));
    expect(stale.level).toBe(3);
    expect(stale.basis).toMatch(/question 3 is answered no/);
    expect((await level((l) => recordDrills(l, '2026-11-10T09:00:00Z'), { drillMaxAgeDays: 30 })).level).toBe(4);
    expect((await level((l) => recordDrills(l, '2026-11-25T09:00:00Z', { archived: false }))).basis).toMatch(/no drill report was archived/);
    // A drill that passed yesterday and fails today takes Level 4 away at once.
    const broken = await level((l) => {
      recordDrills(l, '2026-11-25T09:00:00Z');
      recordDrills(l, '2026-11-26T08:00:00Z', { status: 'failed', only: ['least-privilege'] });
    });
    expect(broken.level).toBe(3);
    expect(broken.basis).toMatch(/the least-privilege drill failed \(the canary was not stopped\)/);
  });

  it('uncovered model and tool calls make runtime monitoring partial and lower the level to 2', async () => {
    const { ledger } = await runScript(
      async (app) => {
        await wellCoveredScript(app);
        // A second client nobody wrapped, and tool calls a model asked for that run without spans.
        for (let i = 0; i < 5; i++) app.uninstrumentedModelCall();
        await app.agent('triage', async () => {
          app.chat('gpt-4o-mini', { toolCalls: ['lookup', 'lookup', 'lookup'] });
        });
      },
      { config: WELL_RUN_CONFIG, policies: { triage: ['search', 'read_file'], research: ['search'] } },
    );
    const p = ledger.posture();
    const rm = p.controls['L3.runtime-monitoring'];
    expect(rm.status).toBe('partial');
    expect(rm.evidence).toMatchObject({ modelCallsWithSpans: 23, modelCallsWithoutSpans: 5, modelCallCoverage: '82.1%', toolCallCoverage: '80.0%' });
    expect(rm.next).toMatch(/5 model call\(s\) reached a model API without a GenAI span/);
    expect(rm.next).toMatch(/3 tool call\(s\) requested by models ran without an execute_tool span/);
    expect(p.answers[0].yes).toBe(false);
    expect(p.answers[4].yes).toBe(false);
    expect(p.level).toBe(2);
  });

  it('an HTTP span to a model host inside a GenAI span is covered, not counted as a blind spot', async () => {
    const { ledger } = await runScript(
      async () => {
        const tracer = trace.getTracer('test');
        tracer.startActiveSpan(
          'chat gpt-4o',
          {
            kind: SpanKind.CLIENT,
            attributes: { [ATTR_GEN_AI_OPERATION_NAME]: 'chat', [ATTR_GEN_AI_PROVIDER_NAME]: 'openai', [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o' },
          },
          (model) => {
            tracer.startSpan('POST', { kind: SpanKind.CLIENT, attributes: { [ATTR_SERVER_ADDRESS]: 'api.openai.com' } }).end();
            model.end();
          },
        );
        // A gateway the team declared, reached directly.
        tracer.startSpan('POST', { kind: SpanKind.CLIENT, attributes: { [ATTR_SERVER_ADDRESS]: 'llm-gw.internal' } }).end();
        tracer.startSpan('POST', { kind: SpanKind.CLIENT, attributes: { [ATTR_SERVER_ADDRESS]: 'eu.openai.azure.com' } }).end();
        tracer.startSpan('GET', { kind: SpanKind.CLIENT, attributes: { [ATTR_SERVER_ADDRESS]: 'example.com' } }).end();
      },
      { config: { modelHosts: ['llm-gw.internal'] } },
    );
    const s = ledger.snapshot();
    expect(s.spans.modelCalls).toBe(1);
    expect(s.coverage.uncoveredModelCalls).toBe(2);
  });

  it('without policies least privilege is not met and the level drops to 2 even with four yes answers', async () => {
    const { policies: _none, ...config } = WELL_RUN_CONFIG;
    const { ledger } = await runScript(wellCoveredScript, { config });
    recordDrills(ledger, new Date().toISOString(), { only: ['multi-turn'] });
    const p = ledger.posture();
    expect(p.controls['L3.least-privilege']).toMatchObject({ status: 'not_met', evidence: { agentsSeen: 2, agentsWithPolicy: 0, decisionsRecorded: 0 } });
    expect(p.controls['L3.least-privilege'].next).toMatch(/for: research, triage/);
    expect(p.answers.filter((a) => a.yes)).toHaveLength(4);
    expect(p.level).toBe(2);
    expect(p.basis).toMatch(/L3\.least-privilege is not met, so the evidence supports Level 2/);
  });

  it('policies for only some agents, or in audit mode, are partial', async () => {
    const { ledger } = await runScript(wellCoveredScript, {
      config: { ...WELL_RUN_CONFIG, policies: [{ agent: 'triage', mode: 'audit', allowedTools: ['search', 'read_file'] }] },
      policies: { triage: ['search', 'read_file'] },
    });
    recordDrills(ledger, new Date().toISOString(), { only: ['multi-turn'] });
    const lp = ledger.posture().controls['L3.least-privilege'];
    expect(lp.status).toBe('partial');
    expect(lp.evidence).toMatchObject({ agentsSeen: 2, agentsWithPolicy: 1, agentsEnforced: 0, agentsWithoutPolicy: 'research' });
    expect(lp.next).toMatch(/add policies for research; switch audit-mode policies to enforce/i);
    // Four yes answers and no control outright not met: Level 3, and the basis says what keeps it from 4.
    const p = ledger.posture();
    expect(p.level).toBe(3);
    expect(p.basis).toMatch(
      /Not Level 4 because Level 4 needs every answer and control evidenced, and question 4 is answered no, L3\.least-privilege is partial/,
    );
  });

  it('an MCP server used without a scan is not met; a scan after the first call does not count', async () => {
    const { ledger } = await runScript(
      async (app) => {
        await wellCoveredScript(app);
        await app.agent('triage', async () => {
          app.chat('gpt-4o-mini', { toolCalls: ['read_file'] });
          await app.tool('read_file', { mcpServer: 'files' });
        });
        await new Promise((r) => setTimeout(r, 5));
        app.scanMcp('files'); // too late: onboarding already happened
      },
      { config: WELL_RUN_CONFIG, policies: { triage: ['search', 'read_file'], research: ['search'] } },
    );
    const p = ledger.posture();
    const mcp = p.controls['L3.mcp-onboarding'];
    expect(mcp.status).toBe('partial');
    expect(mcp.evidence).toMatchObject({ mcpServersUsed: 2, scannedBeforeFirstToolCall: 1, unscannedServersUsed: 1, unscanned: 'files' });
    expect(p.answers[0].yes).toBe(true);

    const only = await runScript(
      async (app) => {
        await app.agent('triage', async () => {
          app.chat('gpt-4o-mini', { toolCalls: ['read_file'] });
          await app.tool('read_file', { mcpServer: 'files' });
        });
      },
      { config: WELL_RUN_CONFIG, policies: { triage: ['read_file'] } },
    );
    const p2 = only.ledger.posture();
    expect(p2.controls['L3.mcp-onboarding'].status).toBe('not_met');
    expect(p2.controls['L3.mcp-onboarding'].next).toMatch(/scan files at connect/i);
    // The inventory cannot be called complete while an MCP connection was never onboarded.
    expect(p2.answers[0].yes).toBe(false);
    expect(p2.level).toBeLessThanOrEqual(2);
  });

  it('a scanned server without pinned signatures is partial', async () => {
    const { ledger } = await runScript(
      async (app) => {
        app.scanMcp('docs', { pin: false });
        await app.agent('triage', async () => {
          app.chat('gpt-4o-mini', { toolCalls: ['read_file'] });
          await app.tool('read_file', { mcpServer: 'docs' });
        });
      },
      { config: WELL_RUN_CONFIG },
    );
    const mcp = ledger.posture().controls['L3.mcp-onboarding'];
    expect(mcp.status).toBe('partial');
    expect(mcp.next).toMatch(/pin tool signatures/i);
  });

  it('drift alerts: no subscriber, no baseline or an uncalibrated detector is partial; none configured is not met', async () => {
    const run = async (config: object) =>
      (await runScript(wellCoveredScript, { config: { ...WELL_RUN_CONFIG, ...config } })).ledger.posture().controls['L3.drift-alerts'];
    expect((await run({ alertSubscribers: 0 })).next).toMatch(/nobody is subscribed/i);
    expect((await run({ baselines: 0 })).status).toBe('partial');
    const uncal = await run({ detectors: [{ detector: 'custom.rule', threshold: 3 }] });
    expect(uncal).toMatchObject({ status: 'partial', evidence: { detectors: 1, calibratedDetectors: 0 } });
    expect((await run({ detectors: [] })).status).toBe('not_met');
  });

  it('an audit log that fails verification keeps agent audit partial and answers no to automatic evidence', async () => {
    const { ledger } = await runScript(wellCoveredScript, {
      config: { ...WELL_RUN_CONFIG, auditLog: { path: '/tmp/audit.jsonl', verified: false, error: 'line 7: hash mismatch' } },
      policies: { triage: ['search', 'read_file'], research: ['search'] },
    });
    const p = ledger.posture();
    expect(p.controls['L3.agent-audit']).toMatchObject({ status: 'partial', evidence: { auditLog: 'FAILED verification' } });
    expect(p.controls['L3.agent-audit'].next).toMatch(/line 7: hash mismatch/);
    expect(p.answers[1].yes).toBe(false);
    expect(p.answers[4].yes).toBe(false);
    expect(p.level).toBe(2);
  });

  it('an empty ledger is Level 0 and says where to start', () => {
    const p = new PostureLedger().posture();
    expect(p.level).toBe(0);
    expect(statuses(p)).toEqual({
      'L3.runtime-monitoring': 'not_met',
      'L3.agent-audit': 'not_met',
      'L3.least-privilege': 'not_met',
      'L3.drift-alerts': 'not_met',
      'L3.mcp-onboarding': 'not_applicable',
    });
    expect(p.controls['L3.mcp-onboarding'].evidence.applicability).toBe('no MCP server connection observed');
    expect(p.next[0]).toMatch(/^L3\.runtime-monitoring: No GenAI spans were recorded/);
  });

  it('telemetry with nothing else configured is Level 1', async () => {
    const { ledger } = await runScript(async (app) => app.chat('gpt-4o-mini'));
    const p = ledger.posture();
    expect(p.answers.filter((a) => a.yes).length).toBeLessThanOrEqual(1);
    expect(p.level).toBe(1);
  });
});

describe('PostureLedger bookkeeping', () => {
  it('rejects bad config naming the field', () => {
    const ledger = new PostureLedger();
    expect(() => ledger.setConfig({ policies: [{ agent: 'a', mode: 'block' as 'audit' }] })).toThrow(/policies\[0\]\.mode/);
    expect(() => ledger.setConfig({ alertSubscribers: -1 })).toThrow(WardenConfigError);
  });

  it('caps inventories and counts what it dropped', () => {
    const ledger = new PostureLedger({ maxInventory: 50, maxTracked: 50 });
    const provider = new BasicTracerProvider({ spanProcessors: [ledger.spanProcessor()] });
    const tracer = provider.getTracer('t');
    for (let i = 0; i < 2000; i++) {
      tracer
        .startSpan(`execute_tool t${i}`, { attributes: { [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool', [ATTR_GEN_AI_TOOL_NAME]: `tool-${i}-\u{1F600}` } })
        .end();
    }
    const s = ledger.snapshot();
    expect(s.spans.toolCalls).toBe(2000);
    expect(s.inventory.tools).toHaveLength(50);
    expect(s.inventory.dropped).toBe(1950);
  });

  it('counts alerts once whether they arrive as events, span events or both', () => {
    const ledger = new PostureLedger();
    const provider = new BasicTracerProvider({ spanProcessors: [ledger.spanProcessor()] });
    const span = provider.getTracer('t').startSpan('chat m', { attributes: { [ATTR_GEN_AI_OPERATION_NAME]: 'chat', [ATTR_GEN_AI_REQUEST_MODEL]: 'm' } });
    span.addEvent(EVENT_WARDEN_ALERT, { [ATTR_WARDEN_ALERT_ID]: 'a1', [ATTR_WARDEN_ALERT_KIND]: 'drift', [ATTR_WARDEN_ALERT_SEVERITY]: 'high' });
    span.end();
    ledger.observeAlert({
      id: 'a1',
      kind: 'drift',
      severity: 'high',
      detector: 'd',
      subject: {},
      message: 'm',
      score: 1,
      threshold: 1,
      traceIds: [],
      controls: [],
      time: new Date().toISOString(),
    });
    const s = ledger.snapshot();
    expect(s.alerts.total).toBe(1);
    expect(s.alerts.byKind.drift).toBe(1);
    expect(s.alerts.bySeverity.high).toBe(1);
  });

  it('skips spans another GenAI span supersedes, and never throws on odd spans', () => {
    const ledger = new PostureLedger();
    const provider = new BasicTracerProvider({ spanProcessors: [ledger.spanProcessor()] });
    const t = provider.getTracer('t');
    t.startSpan('ai.generateText.doGenerate', { attributes: { [ATTR_GEN_AI_OPERATION_NAME]: 'chat', [ATTR_WARDEN_SUPERSEDED]: true } }).end();
    t.startSpan('chat', { attributes: { [ATTR_GEN_AI_OPERATION_NAME]: 'chat', [ATTR_GEN_AI_REQUEST_MODEL]: 'm' } }).end();
    ledger.observeSpan({ name: 'broken' } as never);
    expect(ledger.snapshot().spans.modelCalls).toBe(1);
  });
});

describe('signed MCP allowlist evidence', () => {
  it('counts admitted, refused and unsigned servers by their latest verdict', () => {
    const ledger = new PostureLedger();
    const at = (server: string, signed: boolean, refused: boolean) =>
      ledger.observeEvent({
        type: 'mcp_allowlist',
        server,
        time: new Date().toISOString(),
        signed,
        refused,
        reason: signed ? 'matches' : 'not on the allowlist',
      });
    at('node docs.js', true, false);
    at('node mail.js', false, true);
    at('https://tools.example/mcp', false, false);
    at('node docs.js', false, true); // re-checked after its tools changed: now refused
    expect(ledger.snapshot().mcp.allowlist).toEqual({ admitted: 0, refused: 2, unsigned: 1 });
    ledger.observeEvent({
      type: 'mcp_scan',
      server: 'node docs.js',
      serverName: 'docs',
      time: new Date().toISOString(),
      findings: [],
      decision: 'block',
      toolCount: 1,
    });
    expect(ledger.posture().controls['L3.mcp-onboarding'].evidence).toMatchObject({ allowlistAdmitted: 0, allowlistRefused: 2, allowlistUnsignedAlerted: 1 });
  });
});
