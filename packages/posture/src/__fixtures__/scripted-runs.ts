/**
 * Scripted application runs for tests and the bench: real spans from core's helpers
 * (startModelCallSpan, traceAgent, traceTool) through the real OTel SDK, real evidence
 * events on core's bus, and a small allow-list ToolGuard standing in for the policy engine.
 */
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_SERVER_ADDRESS,
  getActiveAgent,
  GEN_AI_OPERATION,
  GEN_AI_PROVIDER,
  setToolGuard,
  traceAgent,
  traceTool,
  type AlertKind,
  type ToolGuard,
} from '@warden/core';
import { publishAlert, publishWardenEvent, resolveContentPolicy, startModelCallSpan, wardenTracer } from '@warden/core/internal';
import type { PostureConfig } from '../config';
import { PostureLedger } from '../ledger';

export interface ScriptedApp {
  chat(model: string, opts?: { toolCalls?: string[]; captureContent?: boolean }): void;
  tool(name: string, opts?: { mcpServer?: string }): Promise<void>;
  agent<R>(name: string, fn: () => Promise<R>): Promise<R>;
  /** A model API reached by an un-wrapped client: only an HTTP auto-instrumentation span exists. */
  uninstrumentedModelCall(host?: string): void;
  scanMcp(server: string, opts?: { tools?: string[]; decision?: 'allow' | 'warn' | 'block'; pin?: boolean }): void;
  alert(kind: AlertKind, message?: string): void;
}

const contextManager = new AsyncLocalStorageContextManager();
let contextReady = false;

/** Run `script` with a fresh provider whose processors are the ledger's and an in-memory exporter. */
export async function runScript(
  script: (app: ScriptedApp) => Promise<void>,
  opts: { config?: PostureConfig; policies?: Record<string, string[]>; extraProcessors?: SpanProcessor[]; now?: () => number } = {},
): Promise<{ ledger: PostureLedger; exporter: InMemorySpanExporter }> {
  if (!contextReady) {
    context.setGlobalContextManager(contextManager.enable());
    contextReady = true;
  }
  const ledger = new PostureLedger({ now: opts.now });
  if (opts.config) ledger.setConfig(opts.config);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [ledger.spanProcessor(), new SimpleSpanProcessor(exporter), ...(opts.extraProcessors ?? [])],
  });
  trace.setGlobalTracerProvider(provider);
  const unsubscribe = ledger.subscribe();
  const policies = opts.policies;
  if (policies) setToolGuard(allowListGuard(policies));
  const tracer = () => wardenTracer('@warden/posture-test');
  let alertSeq = 0;
  const app: ScriptedApp = {
    chat(model, o = {}) {
      const call = startModelCallSpan(
        tracer(),
        { operation: GEN_AI_OPERATION.CHAT, provider: GEN_AI_PROVIDER.OPENAI, requestModel: model, agent: getActiveAgent() },
        resolveContentPolicy({ captureContent: o.captureContent ?? false }),
      );
      call.recordResponse({
        model,
        finishReasons: [o.toolCalls?.length ? 'tool_calls' : 'stop'],
        usage: { inputTokens: 120, outputTokens: 40 },
        toolCalls: (o.toolCalls ?? []).map((name, i) => ({ id: `call_${i}`, name, arguments: {} })),
        outputLength: 160,
      });
      call.end();
    },
    async tool(name, o = {}) {
      await traceTool(name, async () => 'ok', { mcpServer: o.mcpServer })().catch(() => undefined);
    },
    agent(name, fn) {
      return traceAgent(name, fn, { conversationId: 'conv-1' })();
    },
    uninstrumentedModelCall(host = 'api.openai.com') {
      const span = trace.getTracer('@opentelemetry/instrumentation-undici').startSpan('POST', {
        kind: SpanKind.CLIENT,
        attributes: { [ATTR_SERVER_ADDRESS]: host, 'http.request.method': 'POST' },
      });
      span.end();
    },
    scanMcp(server, o = {}) {
      const tools = o.tools ?? ['read_file'];
      publishWardenEvent({
        type: 'mcp_scan',
        server,
        time: new Date().toISOString(),
        findings: [],
        decision: o.decision ?? 'allow',
        toolCount: tools.length,
      });
      if (o.pin !== false) {
        for (const tool of tools) publishWardenEvent({ type: 'mcp_pin', server, time: new Date().toISOString(), tool, change: 'pinned' });
      }
    },
    alert(kind, message = `scripted ${kind}`) {
      publishAlert({
        id: `alrt_test_${++alertSeq}`,
        kind,
        severity: 'medium',
        detector: `test.${kind}`,
        subject: {},
        message,
        score: 5,
        threshold: 4,
        traceIds: [],
        controls: ['L3.drift-alerts'],
        time: new Date().toISOString(),
      });
    },
  };
  try {
    await script(app);
  } finally {
    unsubscribe();
    setToolGuard(undefined);
    await provider.forceFlush();
    trace.disable();
  }
  return { ledger, exporter };
}

/** A minimal policy engine: per agent, an allow-list; every check is published as a decision. */
function allowListGuard(allowed: Record<string, string[]>): ToolGuard {
  return {
    async check(call) {
      const agent = call.agent?.name;
      const list = agent ? allowed[agent] : undefined;
      const ok = list ? list.includes(call.tool) : true;
      publishWardenEvent({
        type: 'policy_decision',
        time: new Date().toISOString(),
        agent,
        tool: call.tool,
        source: call.source,
        mode: 'enforce',
        decision: ok ? 'allow' : 'deny',
        rule: ok ? undefined : 'tool_not_allowed',
      });
      return ok ? { allowed: true } : { allowed: false, error: new Error(`tool ${call.tool} not allowed`), rule: 'tool_not_allowed' };
    },
  };
}

/** Detector settings shaped like analyzer.describe() output. */
export const CALIBRATED_DETECTORS = [
  { detector: 'numeric_drift.output_tokens', kind: 'drift', feature: 'output_tokens', threshold: 9.2, expectedRecordsBetweenFalseAlarms: 1_000_000 },
  { detector: 'tool.new_tool', kind: 'tool_anomaly', feature: 'tool', threshold: 0, expectedRecordsBetweenFalseAlarms: 1_000_000 },
  { detector: 'multi_turn.conversation_risk', kind: 'multi_turn', feature: 'conversation_risk', threshold: 3, expectedRecordsBetweenFalseAlarms: 1_000_000 },
];

/** Everything a well-run deployment supplies. */
export const WELL_RUN_CONFIG: PostureConfig = {
  service: 'support-bot',
  policies: [
    { agent: 'triage', mode: 'enforce', allowedTools: ['search', 'read_file'], allowedMcpServers: ['docs'] },
    { agent: 'research', mode: 'enforce', allowedTools: ['search'], requireApproval: ['send_email'] },
  ],
  detectors: CALIBRATED_DETECTORS,
  baselines: 4,
  alertSubscribers: 1,
  contentCapture: false,
  auditLog: { path: '/var/log/warden/audit.jsonl', verified: true, entries: 42, checkedAt: '2026-11-26T08:00:00.000Z' },
};

/** A well-covered multi-agent app: triage hands off to research; every model and tool call is wrapped; the MCP server is scanned and pinned first. */
export async function wellCoveredScript(app: ScriptedApp): Promise<void> {
  app.scanMcp('docs', { tools: ['read_file'] });
  await app.agent('triage', async () => {
    for (let i = 0; i < 20; i++) {
      app.chat('gpt-4o-mini', { toolCalls: i % 2 === 0 ? ['search'] : [] });
      if (i % 2 === 0) await app.tool('search');
    }
    app.chat('gpt-4o-mini', { toolCalls: ['read_file'] });
    await app.tool('read_file', { mcpServer: 'docs' });
    await app.agent('research', async () => {
      app.chat('claude-sonnet-4', { toolCalls: ['search'] });
      await app.tool('search');
    });
  });
  app.alert('drift', 'output tokens of agent triage rose from median 40 to 90');
}
