/**
 * The posture ledger: counters and capped inventories built from finished spans, Warden
 * evidence events and configuration facts. Everything a control's status is decided on
 * lives here as a number, never as a growing list.
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_WARDEN_ALERT_DETECTOR,
  ATTR_WARDEN_ALERT_ID,
  ATTR_WARDEN_ALERT_KIND,
  ATTR_WARDEN_ALERT_MESSAGE,
  ATTR_WARDEN_ALERT_SCORE,
  ATTR_WARDEN_ALERT_SEVERITY,
  ATTR_WARDEN_ALERT_THRESHOLD,
  callRecordFromSpan,
  controlsForKind,
  EVENT_WARDEN_ALERT,
  isAlertKind,
  MODEL_OPERATIONS,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_SERVER_ADDRESS,
  ATTR_WARDEN_HANDOFF_IDENTITY,
  ATTR_WARDEN_CONTENT_CAPTURED,
  ATTR_WARDEN_SUPERSEDED,
  GEN_AI_OPERATION,
  GEN_AI_PROVIDER,
  onWardenEvent,
  type Alert,
  type AlertKind,
  type CallRecord,
  type ControlId,
  type FinishedSpan,
  type Severity,
  type WardenEvent,
} from '@warden/core';
import { hrTimeToMs, ATTR_WARDEN_DRILL, HANDOFF_VERDICTS, parseConfig, reportInternalError, safely, type HandoffVerdict } from '@warden/core/internal';
import { AlertTimeline, type AlertTimelineSnapshot } from './alert-timeline';
import {
  normaliseDetector,
  parsePostureConfig,
  type AuditLogFact,
  type DetectorFact,
  type DrillRunFact,
  DrillRunFactSchema,
  type ParsedPostureConfig,
  type PolicyFact,
  type PostureConfig,
} from './config';
import { BoundedInventory, isoTime, type InventoryItem } from './inventory';
import { assessPosture, type Posture } from './posture';

/** Hosts of model APIs: a client span to one of these with no GenAI span around it is an un-instrumented model call. */
export const DEFAULT_MODEL_HOSTS: readonly string[] = [
  'api.openai.com',
  'api.anthropic.com',
  'generativelanguage.googleapis.com',
  'aiplatform.googleapis.com',
  'api.mistral.ai',
  'api.groq.com',
  'api.deepseek.com',
  'api.x.ai',
  'api.perplexity.ai',
  'api.cohere.com',
  'api.cohere.ai',
  '*.openai.azure.com',
  'bedrock-runtime.*.amazonaws.com',
];

const SPAN_KIND_CLIENT = 2;

export interface PostureLedgerOptions {
  /** Cap per inventory category (models, agents, tools, ...). Default 500. */
  maxInventory?: number;
  /** Cap on MCP servers, per-agent and per-tool counters. Default 500. */
  maxTracked?: number;
  /** Buckets in the alerts-over-time chart. Default 96. */
  timelineBuckets?: number;
  /** 'live' when fed by a running process, 'traces' when replaying recorded traces. */
  source?: 'live' | 'traces';
  /** Clock for the snapshot time; tests pass a fixed one. */
  now?: () => number;
  /** Span → CallRecord mapping; defaults to the analyzer's, the one place that does it. */
  recordFromSpan?: (span: FinishedSpan) => CallRecord | undefined;
}

export interface McpServerFact {
  name: string;
  /** Other identities seen for the same server (command line, URL, display name). */
  aliases: string[];
  toolCalls: number;
  firstToolCall?: string;
  scans: number;
  firstScan?: string;
  lastScan?: string;
  lastDecision?: 'allow' | 'warn' | 'block';
  findings: Record<Severity, number>;
  toolCount?: number;
  pins: { pinned: number; unchanged: number; changed: number; removed: number; approved: number };
  /** True when a scan is recorded no later than the first tool call (or no tool was called). */
  scannedBeforeFirstCall: boolean;
}

export interface AlertSummary {
  id: string;
  kind: AlertKind;
  severity: Severity;
  detector: string;
  message: string;
  time: string;
  controls: string[];
}

export interface DecisionCounts {
  allow: number;
  deny: number;
  /** Violations of audit-mode policies: recorded, the call ran. */
  audit_deny: number;
  approved: number;
  approval_denied: number;
}

/** One drill's history in this process. */
export interface DrillFact {
  id: string;
  control: ControlId;
  lastRun: string;
  lastStatus: 'passed' | 'failed' | 'not_applicable';
  lastReason: string;
  /** The last time it passed, if ever. */
  lastPassed?: string;
}

/** Everything the ledger knows, as plain JSON: the input of `assessPosture` and `renderReport`. */
export interface LedgerSnapshot {
  source: 'live' | 'traces';
  service?: string;
  generatedAt: string;
  firstSpanAt?: string;
  lastSpanAt?: string;
  spans: {
    total: number;
    genAi: number;
    modelCalls: number;
    toolCalls: number;
    invokeAgent: number;
    withAgentIdentity: number;
    withConversationId: number;
    contentCaptured: number;
    metadataOnly: number;
  };
  coverage: {
    /** Model calls seen only as an HTTP client span to a model host, with no GenAI span around them. */
    uncoveredModelCalls: number;
    /** Tool calls the models asked for (from gen_ai responses). */
    toolCallsRequested: number;
    /** Of those, how many have an execute_tool span with the same tool name. */
    toolCallsRequestedWithSpan: number;
  };
  inventory: {
    models: InventoryItem[];
    providers: InventoryItem[];
    agents: InventoryItem[];
    tools: InventoryItem[];
    mcpServers: InventoryItem[];
    /** Names not stored because a category reached its cap. */
    dropped: number;
  };
  handoffs: {
    total: number;
    withCaller: number;
    withCallee: number;
    withConversationId: number;
    withParentSpan: number;
    /** Hand-offs (with a caller) by how the caller's signed identity checked out; absent verdict = no authority installed. */
    identity: Record<HandoffVerdict, number>;
  };
  policies: PolicyFact[];
  decisions: DecisionCounts & {
    byMode: { audit: number; enforce: number };
    byAgent: Record<string, DecisionCounts>;
  };
  mcp: {
    servers: McpServerFact[];
    scans: number;
    pinEvents: number;
    /** Servers checked against the signed allowlist: latest verdict per server. */
    allowlist: { admitted: number; refused: number; unsigned: number };
  };
  detectors: DetectorFact[];
  baselines?: number;
  alertSubscribers?: number;
  contentCapture?: boolean;
  alerts: {
    total: number;
    byKind: Record<AlertKind, number>;
    bySeverity: Record<Severity, number>;
    timeline: AlertTimelineSnapshot;
    recent: AlertSummary[];
  };
  auditLog?: AuditLogFact;
  adversarialSimulation?: { lastRun: string; scenarios: number };
  /** Drill runs (warden.drill()): each drill's latest verdict and when it last passed. */
  drills: { maxAgeDays: number; runs: number; lastRun?: string; archivedRuns: number; lastArchivedTo?: string; byId: Record<string, DrillFact> };
  /** True when agent keys are installed (hand-offs are signed and verified). */
  identityKeys?: boolean;
}

/** Default age limit of drill evidence for Level 4. */
export const DEFAULT_DRILL_MAX_AGE_DAYS = 7;
const MAX_DRILL_IDS = 64;

interface McpServerState {
  aliases: Set<string>;
  toolCalls: number;
  firstToolCall?: number;
  scans: number;
  firstScan?: number;
  lastScan?: number;
  lastDecision?: 'allow' | 'warn' | 'block';
  findings: Record<Severity, number>;
  toolCount?: number;
  pins: McpServerFact['pins'];
}

const RECENT_ALERTS = 20;
export const UNNAMED_MCP_SERVER = '(unnamed MCP server)';
const SEEN_ALERT_IDS = 2048;
const PENDING_HTTP = 4096;

function emptyDecisions(): DecisionCounts {
  return { allow: 0, deny: 0, audit_deny: 0, approved: 0, approval_denied: 0 };
}

/** How far an alert event's time may be from its span's end before the span's end is used. */
const MAX_EVENT_SKEW_MS = 60 * 60 * 1000;

function parseTime(iso: string | undefined, fallback: number): number {
  if (!iso) return fallback;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : fallback;
}

function hostMatches(pattern: string, host: string): boolean {
  if (!pattern.includes('*')) return pattern === host;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^.]+')}$`,
  );
  return re.test(host);
}

export class PostureLedger {
  private readonly maxTracked: number;
  private readonly now: () => number;
  private readonly recordFromSpan: (span: FinishedSpan) => CallRecord | undefined;
  readonly source: 'live' | 'traces';

  private config: ParsedPostureConfig = {};
  private detectorFacts: DetectorFact[] = [];
  private modelHosts: string[] = [...DEFAULT_MODEL_HOSTS];

  private firstSpan: number | undefined;
  private lastSpan: number | undefined;
  private readonly spans = {
    total: 0,
    genAi: 0,
    modelCalls: 0,
    toolCalls: 0,
    invokeAgent: 0,
    withAgentIdentity: 0,
    withConversationId: 0,
    contentCaptured: 0,
    metadataOnly: 0,
  };
  private uncoveredModelCalls = 0;
  /** Parent span id → HTTP-to-model-host spans waiting to learn whether a GenAI span encloses them. */
  private readonly pendingHttp = new Map<string, number>();
  private readonly toolsRequested = new Map<string, number>();
  private readonly toolsExecuted = new Map<string, number>();

  private readonly models: BoundedInventory;
  private readonly providers: BoundedInventory;
  private readonly agents: BoundedInventory;
  private readonly tools: BoundedInventory;
  private readonly mcpServers: BoundedInventory;

  private readonly handoffs = { total: 0, withCaller: 0, withCallee: 0, withConversationId: 0, withParentSpan: 0 };
  private readonly handoffIdentity: Record<HandoffVerdict, number> = { verified: 0, unsigned: 0, forged: 0, expired: 0, unknown_caller: 0 };
  private readonly drills = new Map<string, DrillFact>();
  private drillRuns = 0;
  private lastDrillRun: string | undefined;
  private archivedDrillRuns = 0;
  private lastArchivedTo: string | undefined;
  private readonly decisions = { ...emptyDecisions(), byMode: { audit: 0, enforce: 0 } };
  private readonly decisionsByAgent = new Map<string, DecisionCounts>();

  private readonly mcp = new Map<string, McpServerState>();
  private readonly mcpAlias = new Map<string, string>();
  private mcpScans = 0;
  private mcpPinEvents = 0;
  /** Server identity → its latest allowlist verdict (bounded by maxTracked). */
  private readonly allowlistVerdicts = new Map<string, 'admitted' | 'refused' | 'unsigned'>();

  private readonly alertsByKind: Record<AlertKind, number> = {
    drift: 0,
    tool_anomaly: 0,
    policy_violation: 0,
    agent_anomaly: 0,
    multi_turn: 0,
    mcp_risk: 0,
  };
  private readonly alertsBySeverity: Record<Severity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  private alertsTotal = 0;
  private readonly timeline: AlertTimeline;
  private readonly recentAlerts: AlertSummary[] = [];
  private readonly seenAlertIds = new Set<string>();

  constructor(options: PostureLedgerOptions = {}) {
    const maxInventory = options.maxInventory ?? 500;
    this.maxTracked = options.maxTracked ?? 500;
    this.now = options.now ?? Date.now;
    this.source = options.source ?? 'live';
    this.recordFromSpan = options.recordFromSpan ?? callRecordFromSpan;
    this.timeline = new AlertTimeline(options.timelineBuckets ?? 96);
    this.models = new BoundedInventory(maxInventory);
    this.providers = new BoundedInventory(maxInventory);
    this.agents = new BoundedInventory(maxInventory);
    this.tools = new BoundedInventory(maxInventory);
    this.mcpServers = new BoundedInventory(maxInventory);
  }

  /** Configuration facts (validated; a bad field throws WardenConfigError naming it). Later calls merge. */
  setConfig(config: PostureConfig): void {
    const parsed = parsePostureConfig(config);
    this.config = { ...this.config, ...stripUndefined(parsed) };
    if (parsed.detectors) this.detectorFacts = parsed.detectors.map(normaliseDetector);
    if (parsed.modelHosts) this.modelHosts = [...DEFAULT_MODEL_HOSTS, ...parsed.modelHosts];
  }

  /** A finished span. Never throws: a malformed span is reported through core's internal-error channel. */
  observeSpan(span: FinishedSpan): void {
    // Runs on every span: a try here rather than a closure per span for safely().
    try {
      this.observeSpanUnsafe(span);
    } catch (e) {
      reportInternalError('posture.observeSpan', e);
    }
  }

  private observeSpanUnsafe(span: FinishedSpan): void {
    // Drill traffic is evidence of the drill, never of the deployment's usage.
    if (span.attributes[ATTR_WARDEN_DRILL] === true) return;
    this.spans.total++;
    if (span.events && span.events.length > 0) this.alertsFromEvents(span);
    // Another instrumentation's span whose call a nested Warden span records: count the child only.
    if (span.attributes[ATTR_WARDEN_SUPERSEDED] === true) return;
    const record = this.recordFromSpan(span);
    if (!record) {
      this.observeOtherSpan(span);
      return;
    }
    const time = record.time;
    if (this.firstSpan === undefined || time < this.firstSpan) this.firstSpan = time;
    if (this.lastSpan === undefined || time > this.lastSpan) this.lastSpan = time;
    this.spans.genAi++;
    if (record.agent) {
      this.spans.withAgentIdentity++;
      this.agents.see(record.agent, time);
    }
    if (record.conversationId) this.spans.withConversationId++;
    if (record.provider) this.providers.see(record.provider, time);
    this.contentFact(span);

    const op = record.operation;
    if (MODEL_OPERATIONS.has(op)) {
      this.spans.modelCalls++;
      this.models.see(record.model ?? record.requestModel, time);
      // An HTTP span to a model host whose parent is this model span was instrumented after all.
      const spanId = span.spanContext().spanId;
      if (this.pendingHttp.size > 0 && this.pendingHttp.has(spanId)) this.pendingHttp.delete(spanId);
      for (const name of record.toolCalls) this.bump(this.toolsRequested, name);
    } else if (op === GEN_AI_OPERATION.EXECUTE_TOOL) {
      this.spans.toolCalls++;
      this.tools.see(record.tool, time);
      if (record.tool) this.bump(this.toolsExecuted, record.tool);
      // An MCP tool call without a server identity still counts: it cannot have been scanned either.
      if (record.mcpServer) this.mcpToolCall(record.mcpServer, time);
      else if (record.provider === GEN_AI_PROVIDER.MCP) this.mcpToolCall(UNNAMED_MCP_SERVER, time);
    } else if (op === GEN_AI_OPERATION.INVOKE_AGENT) {
      this.spans.invokeAgent++;
      this.handoffs.total++;
      if (record.agent) this.handoffs.withCallee++;
      if (record.callerAgent) {
        this.handoffs.withCaller++;
        const verdict = span.attributes[ATTR_WARDEN_HANDOFF_IDENTITY];
        if (typeof verdict === 'string' && HANDOFF_VERDICTS.includes(verdict as HandoffVerdict)) this.handoffIdentity[verdict as HandoffVerdict]++;
      }
      if (record.conversationId) this.handoffs.withConversationId++;
      if (span.parentSpanContext?.spanId) this.handoffs.withParentSpan++;
    }
  }

  /** Spans that are not GenAI: only an HTTP client span to a model host matters (a model call nobody wrapped). */
  private observeOtherSpan(span: FinishedSpan): void {
    if (span.kind !== SPAN_KIND_CLIENT) return;
    const host = span.attributes[ATTR_SERVER_ADDRESS];
    if (typeof host !== 'string' || !this.modelHosts.some((p) => hostMatches(p, host))) return;
    const parent = span.parentSpanContext?.spanId;
    if (!parent) {
      this.uncoveredModelCalls++;
      return;
    }
    // The enclosing GenAI span (if any) ends after this one; decide when it does, or at snapshot.
    if (this.pendingHttp.size >= PENDING_HTTP) {
      const oldest = this.pendingHttp.keys().next().value as string;
      this.uncoveredModelCalls += this.pendingHttp.get(oldest) ?? 0;
      this.pendingHttp.delete(oldest);
    }
    this.pendingHttp.set(parent, (this.pendingHttp.get(parent) ?? 0) + 1);
  }

  /**
   * Alerts the analyzer attached to the span that triggered them: how alerts reach a ledger
   * replaying recorded traces. Live, the same alert also arrives by observeAlert; ids dedupe.
   */
  private alertsFromEvents(span: FinishedSpan): void {
    for (const ev of span.events ?? []) {
      if (ev.name !== EVENT_WARDEN_ALERT || !ev.attributes) continue;
      const a = ev.attributes;
      const kind = a[ATTR_WARDEN_ALERT_KIND];
      const id = a[ATTR_WARDEN_ALERT_ID];
      if (!isAlertKind(kind) || typeof id !== 'string') continue;
      // An alert is raised while its span is open; an event time far from the span's (a broken
      // or hostile clock) would stretch the alerts chart over centuries, so the span's end counts.
      const endMs = hrTimeToMs(span.endTime);
      const eventMs = ev.time ? hrTimeToMs(ev.time) : endMs;
      const time = Math.abs(eventMs - endMs) <= MAX_EVENT_SKEW_MS ? eventMs : endMs;
      const severity = a[ATTR_WARDEN_ALERT_SEVERITY];
      this.observeAlertUnsafe({
        id,
        kind,
        severity: typeof severity === 'string' && severity in this.alertsBySeverity ? (severity as Severity) : 'medium',
        detector: String(a[ATTR_WARDEN_ALERT_DETECTOR] ?? 'unknown'),
        subject: {},
        message: String(a[ATTR_WARDEN_ALERT_MESSAGE] ?? ''),
        score: Number(a[ATTR_WARDEN_ALERT_SCORE] ?? NaN),
        threshold: Number(a[ATTR_WARDEN_ALERT_THRESHOLD] ?? NaN),
        traceIds: [span.spanContext().traceId],
        controls: controlsForKind(kind),
        time: isoTime(time),
      });
    }
  }

  private contentFact(span: FinishedSpan): void {
    const flag = span.attributes[ATTR_WARDEN_CONTENT_CAPTURED];
    const captured =
      flag === true ||
      (flag === undefined &&
        (span.attributes[ATTR_GEN_AI_INPUT_MESSAGES] !== undefined ||
          span.attributes[ATTR_GEN_AI_OUTPUT_MESSAGES] !== undefined ||
          span.attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS] !== undefined));
    if (captured) this.spans.contentCaptured++;
    else this.spans.metadataOnly++;
  }

  private bump(map: Map<string, number>, key: string): void {
    const v = map.get(key);
    if (v !== undefined) map.set(key, v + 1);
    else if (map.size < this.maxTracked) map.set(key, 1);
  }

  private mcpState(identity: string, alias?: string): McpServerState | undefined {
    const key = this.mcpAlias.get(identity) ?? (alias ? this.mcpAlias.get(alias) : undefined) ?? identity;
    let s = this.mcp.get(key);
    if (!s) {
      if (this.mcp.size >= this.maxTracked) return undefined;
      s = {
        aliases: new Set([key]),
        toolCalls: 0,
        scans: 0,
        findings: { low: 0, medium: 0, high: 0, critical: 0 },
        pins: { pinned: 0, unchanged: 0, changed: 0, removed: 0, approved: 0 },
      };
      this.mcp.set(key, s);
    }
    for (const a of [identity, alias]) {
      if (a && !this.mcpAlias.has(a) && s.aliases.size < 8) {
        this.mcpAlias.set(a, key);
        s.aliases.add(a);
      }
    }
    return s;
  }

  private mcpToolCall(server: string, time: number): void {
    this.mcpServers.see(server, time);
    const s = this.mcpState(server);
    if (!s) return;
    s.toolCalls++;
    if (s.firstToolCall === undefined || time < s.firstToolCall) s.firstToolCall = time;
  }

  /** A Warden evidence event (alert, MCP scan or pin, policy decision). Never throws. */
  observeEvent(event: WardenEvent): void {
    safely('posture.observeEvent', () => {
      switch (event.type) {
        case 'alert':
          this.observeAlertUnsafe(event.alert);
          return;
        case 'mcp_scan': {
          this.mcpScans++;
          const time = parseTime(event.time, this.now());
          const s = this.mcpState(event.server, event.serverName);
          if (!s) return;
          this.mcpServers.see(event.serverName ?? event.server, time);
          s.scans++;
          if (s.firstScan === undefined || time < s.firstScan) s.firstScan = time;
          if (s.lastScan === undefined || time >= s.lastScan) {
            s.lastScan = time;
            s.lastDecision = event.decision;
          }
          s.toolCount = event.toolCount;
          for (const f of event.findings) if (f.severity in s.findings) s.findings[f.severity]++;
          return;
        }
        case 'mcp_pin': {
          this.mcpPinEvents++;
          const s = this.mcpState(event.server, event.serverName);
          if (s && event.change in s.pins) s.pins[event.change]++;
          return;
        }
        case 'mcp_allowlist': {
          const verdict = event.signed ? 'admitted' : event.refused ? 'refused' : 'unsigned';
          if (this.allowlistVerdicts.has(event.server) || this.allowlistVerdicts.size < this.maxTracked) this.allowlistVerdicts.set(event.server, verdict);
          return;
        }
        case 'policy_decision': {
          if (!(event.decision in this.decisions)) return;
          this.decisions[event.decision]++;
          this.decisions.byMode[event.mode]++;
          const agent = event.agent ?? '(no agent identity)';
          let perAgent = this.decisionsByAgent.get(agent);
          if (!perAgent && this.decisionsByAgent.size < this.maxTracked) {
            perAgent = emptyDecisions();
            this.decisionsByAgent.set(agent, perAgent);
          }
          if (perAgent) perAgent[event.decision]++;
          return;
        }
      }
    });
  }

  /** An alert from the analyzer (monitor() forwards its `alert` events). Duplicates by id are ignored. */
  observeAlert(alert: Alert): void {
    safely('posture.observeAlert', () => this.observeAlertUnsafe(alert));
  }

  private observeAlertUnsafe(alert: Alert): void {
    if (this.seenAlertIds.has(alert.id)) return;
    if (this.seenAlertIds.size >= SEEN_ALERT_IDS) this.seenAlertIds.delete(this.seenAlertIds.values().next().value as string);
    this.seenAlertIds.add(alert.id);
    if (!isAlertKind(alert.kind)) return;
    this.alertsTotal++;
    this.alertsByKind[alert.kind]++;
    if (alert.severity in this.alertsBySeverity) this.alertsBySeverity[alert.severity]++;
    const time = parseTime(alert.time, this.now());
    this.timeline.add(alert.kind, time);
    this.recentAlerts.push({
      id: alert.id,
      kind: alert.kind,
      severity: alert.severity,
      detector: alert.detector,
      message: alert.message,
      time: isoTime(time),
      controls: [...alert.controls],
    });
    if (this.recentAlerts.length > RECENT_ALERTS) this.recentAlerts.shift();
  }

  private allowlistCounts(): { admitted: number; refused: number; unsigned: number } {
    const out = { admitted: 0, refused: 0, unsigned: 0 };
    for (const v of this.allowlistVerdicts.values()) out[v]++;
    return out;
  }

  /** A drill run's verdicts (validated). Keeps each drill's latest verdict and when it last passed. */
  recordDrillRun(run: DrillRunFact): void {
    const parsed = parseConfig(DrillRunFactSchema, run, 'drill run');
    this.drillRuns++;
    this.lastDrillRun = parsed.time;
    if (parsed.archivedTo) {
      this.archivedDrillRuns++;
      this.lastArchivedTo = parsed.archivedTo;
    }
    for (const r of parsed.results) {
      const previous = this.drills.get(r.id);
      if (!previous && this.drills.size >= MAX_DRILL_IDS) continue;
      const fact: DrillFact = { id: r.id, control: r.control, lastRun: r.time, lastStatus: r.status, lastReason: r.reason };
      const lastPassed = r.status === 'passed' ? r.time : previous?.lastPassed;
      if (lastPassed) fact.lastPassed = lastPassed;
      this.drills.set(r.id, fact);
    }
  }

  /** Listen on core's event bus; returns the unsubscribe function. */
  subscribe(): () => void {
    return onWardenEvent((e) => this.observeEvent(e));
  }

  /** An OTel SpanProcessor that feeds this ledger. */
  spanProcessor(): LedgerSpanProcessor {
    return new LedgerSpanProcessor(this);
  }

  snapshot(): LedgerSnapshot {
    let covered = 0;
    let requested = 0;
    for (const [name, n] of this.toolsRequested) {
      requested += n;
      covered += Math.min(n, this.toolsExecuted.get(name) ?? 0);
    }
    let pending = 0;
    for (const n of this.pendingHttp.values()) pending += n;
    const servers: McpServerFact[] = [...this.mcp.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([name, s]) => ({
        name,
        aliases: [...s.aliases].filter((a) => a !== name),
        toolCalls: s.toolCalls,
        firstToolCall: s.firstToolCall !== undefined ? isoTime(s.firstToolCall) : undefined,
        scans: s.scans,
        firstScan: s.firstScan !== undefined ? isoTime(s.firstScan) : undefined,
        lastScan: s.lastScan !== undefined ? isoTime(s.lastScan) : undefined,
        lastDecision: s.lastDecision,
        findings: { ...s.findings },
        toolCount: s.toolCount,
        pins: { ...s.pins },
        scannedBeforeFirstCall: s.firstScan !== undefined && (s.firstToolCall === undefined || s.firstScan <= s.firstToolCall),
      }));
    const c = this.config;
    return {
      source: this.source,
      service: c.service,
      generatedAt: isoTime(this.now()),
      firstSpanAt: this.firstSpan !== undefined ? isoTime(this.firstSpan) : undefined,
      lastSpanAt: this.lastSpan !== undefined ? isoTime(this.lastSpan) : undefined,
      spans: { ...this.spans },
      coverage: {
        uncoveredModelCalls: this.uncoveredModelCalls + pending,
        toolCallsRequested: requested,
        toolCallsRequestedWithSpan: covered,
      },
      inventory: {
        models: this.models.items(),
        providers: this.providers.items(),
        agents: this.agents.items(),
        tools: this.tools.items(),
        mcpServers: this.mcpServers.items(),
        dropped: this.models.dropped + this.providers.dropped + this.agents.dropped + this.tools.dropped + this.mcpServers.dropped,
      },
      handoffs: { ...this.handoffs, identity: { ...this.handoffIdentity } },
      policies: (c.policies ?? []).map((p) => ({
        agent: p.agent,
        mode: p.mode,
        allowedTools: p.allowedTools,
        allowedMcpServers: p.allowedMcpServers,
        requireApproval: p.requireApproval,
        args: p.args ? Object.fromEntries(Object.keys(p.args).map((k) => [k, 'constraint'])) : undefined,
      })),
      decisions: {
        allow: this.decisions.allow,
        deny: this.decisions.deny,
        audit_deny: this.decisions.audit_deny,
        approved: this.decisions.approved,
        approval_denied: this.decisions.approval_denied,
        byMode: { ...this.decisions.byMode },
        byAgent: Object.fromEntries([...this.decisionsByAgent].map(([a, d]) => [a, { ...d }])),
      },
      mcp: { servers, scans: this.mcpScans, pinEvents: this.mcpPinEvents, allowlist: this.allowlistCounts() },
      detectors: this.detectorFacts.map((d) => ({ ...d })),
      baselines: c.baselines,
      alertSubscribers: c.alertSubscribers,
      contentCapture: c.contentCapture,
      alerts: {
        total: this.alertsTotal,
        byKind: { ...this.alertsByKind },
        bySeverity: { ...this.alertsBySeverity },
        timeline: this.timeline.snapshot(),
        recent: this.recentAlerts.map((a) => ({ ...a, controls: [...a.controls] })),
      },
      auditLog: c.auditLog ? { ...c.auditLog } : undefined,
      adversarialSimulation: c.adversarialSimulation ? { ...c.adversarialSimulation } : undefined,
      drills: {
        maxAgeDays: c.drillMaxAgeDays ?? DEFAULT_DRILL_MAX_AGE_DAYS,
        runs: this.drillRuns,
        lastRun: this.lastDrillRun,
        archivedRuns: this.archivedDrillRuns,
        lastArchivedTo: this.lastArchivedTo,
        byId: Object.fromEntries([...this.drills].map(([id, d]) => [id, { ...d }])),
      },
      identityKeys: c.identityKeys,
    };
  }

  /** The Level 3 control evidence and the maturity level the evidence supports. */
  posture(): Posture {
    return assessPosture(this.snapshot());
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Feeds finished spans to a PostureLedger. onEnd does counter updates only: no I/O, no
 * allocation beyond the CallRecord the analyzer's mapping builds.
 */
export class LedgerSpanProcessor implements SpanProcessor {
  constructor(readonly ledger: PostureLedger) {}
  onStart(_span: Span, _parentContext: Context): void {}
  onEnd(span: ReadableSpan): void {
    this.ledger.observeSpan(span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
