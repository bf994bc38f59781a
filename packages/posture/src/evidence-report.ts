/**
 * The evidence report as data: one JSON document built from a ledger snapshot, validated by
 * a zod schema that is also its type. The Markdown and HTML renderings are views of it.
 */
import { ALERT_KIND_CONTROLS, ALERT_KINDS, CONTROL_IDS, type ControlId } from '@warden/core';
import { z } from 'zod';
import type { LedgerSnapshot } from './ledger';
import { assessPosture, CONTROL_TITLES, type Posture } from './posture';
import { CONTROL_REFERENCES, FRAMEWORK_EDITIONS, LEVEL4_REFERENCES, REFERENCES_DISCLAIMER } from './references';

export const REPORT_SCHEMA_ID = 'warden.posture.report/v1';

export const LEVEL_NAMES = ['Unaware', 'Reactive', 'Defined', 'Managed', 'Optimized'] as const;

/** Which alert kinds count toward each control, read from core's one mapping (docs/controls.md). */
export const CONTROL_ALERT_KINDS: Record<ControlId, string[]> = Object.fromEntries(
  CONTROL_IDS.map((id) => {
    const kinds = ALERT_KINDS.filter((k) => ALERT_KIND_CONTROLS[k].includes(id));
    return [id, kinds.length === ALERT_KINDS.length ? ['every alert'] : [...kinds]];
  }),
) as Record<ControlId, string[]>;

/** Readable names for the evidence figures (the JSON keeps the keys). */
export const EVIDENCE_LABELS: Record<string, string> = {
  modelCallsWithSpans: 'Model calls with a GenAI span',
  modelCallsWithoutSpans: 'Model calls seen without a GenAI span',
  modelCallCoverage: 'Model-call coverage',
  toolCallsWithSpans: 'Tool calls with an execute_tool span',
  toolCallsRequestedByModels: 'Tool calls requested by models',
  toolCallCoverage: 'Tool-call coverage',
  agentIdentityShare: 'GenAI spans carrying an agent identity',
  contentCapturedShare: 'GenAI spans with (redacted) content',
  metadataOnlyShare: 'GenAI spans with metadata only',
  modelsInInventory: 'Models in the inventory',
  agentsInInventory: 'Agents in the inventory',
  toolsInInventory: 'Tools in the inventory',
  mcpServersInInventory: 'MCP servers in the inventory',
  invokeAgentSpans: 'Agent invocations (invoke_agent spans)',
  withCalleeIdentity: 'Invocations with the callee identity',
  withCallerIdentity: 'Hand-offs with the caller identity',
  calleeIdentityShare: 'Share with the callee identity',
  callerIdentityShare: 'Share with the caller identity',
  handOffsLinkedToParentSpan: 'Invocations linked to a parent span',
  withConversationId: 'Invocations with a conversation id',
  auditLog: 'Audit log',
  auditLogEntries: 'Audit log entries',
  agentsSeen: 'Agent identities seen',
  agentsWithPolicy: 'Agents with a policy',
  agentsEnforced: 'Agents with an enforce-mode policy',
  agentsWithoutPolicy: 'Agents without a policy',
  policiesConfigured: 'Policies configured',
  decisionsRecorded: 'Policy decisions recorded',
  allowed: 'Allowed',
  denied: 'Denied',
  approved: 'Approved by a human',
  approvalDenied: 'Refused by a human',
  detectors: 'Detectors configured',
  calibratedDetectors: 'Detectors with a calibrated false-alarm rate',
  minRecordsBetweenFalseAlarms: 'Fewest expected records between false alarms (any detector)',
  baselines: 'Learned baselines',
  alertSubscribers: 'Alert subscribers',
  driftAlerts: 'Drift alerts',
  toolAnomalyAlerts: 'Tool-anomaly alerts',
  multiTurnAlerts: 'Multi-turn alerts',
  mcpServersSeen: 'MCP servers seen',
  mcpServersUsed: 'MCP servers whose tools were called',
  scannedBeforeFirstToolCall: 'Scanned before their first tool call',
  unscannedServersUsed: 'Used without a prior scan',
  unscanned: 'Servers used without a prior scan',
  scans: 'Scans recorded',
  serversWithPinnedTools: 'Servers with pinned tool signatures',
  signatureChanges: 'Tool signature changes detected',
  findingsHighOrCritical: 'High or critical scan findings',
  applicability: 'Applicability',
};

export function evidenceLabel(key: string): string {
  return EVIDENCE_LABELS[key] ?? key;
}

const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'expected an ISO 8601 time' });
const count = z.number().int().nonnegative();
const evidenceRecord = z.record(z.string(), z.union([z.number(), z.string()]));
const status = z.enum(['met', 'partial', 'not_met', 'not_applicable']);
const referencesSchema = z.object({
  owaspLlm: z.array(z.string()),
  mitreAtlas: z.array(z.string()),
  euAiAct: z.array(z.string()),
  nistAiRmf: z.array(z.string()),
});
const inventoryItem = z.object({ name: z.string(), firstSeen: iso, lastSeen: iso, count });
const kindCounts = z.object(Object.fromEntries(ALERT_KINDS.map((k) => [k, count])) as Record<(typeof ALERT_KINDS)[number], typeof count>);
const decisionCounts = z.object({ allow: count, deny: count, audit_deny: count, approved: count, approval_denied: count });

export const EvidenceReportSchema = z.object({
  schema: z.literal(REPORT_SCHEMA_ID),
  title: z.string().min(1),
  generatedAt: iso,
  source: z.enum(['live', 'traces']),
  service: z.string().optional(),
  period: z.object({ from: iso.optional(), to: iso.optional() }),
  maturity: z.object({
    level: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
    name: z.enum(LEVEL_NAMES),
    basis: z.string().min(1),
    next: z.array(z.string()),
  }),
  answers: z.array(z.object({ question: z.string(), yes: z.boolean(), evidence: z.string() })).length(5),
  controls: z
    .array(
      z.object({
        id: z.enum(CONTROL_IDS as [string, ...string[]]),
        title: z.string(),
        status,
        evidence: evidenceRecord,
        next: z.string().optional(),
        alertKinds: z.array(z.string()),
        references: referencesSchema,
      }),
    )
    .length(5),
  coverage: z.object({
    genAiSpans: count,
    modelCalls: count,
    uncoveredModelCalls: count,
    toolCalls: count,
    toolCallsRequested: count,
    toolCallsRequestedWithSpan: count,
    invokeAgentSpans: count,
    withAgentIdentity: count,
    withConversationId: count,
    contentCaptured: count,
    metadataOnly: count,
    contentCaptureConfigured: z.boolean().optional(),
  }),
  inventory: z.object({
    models: z.array(inventoryItem),
    providers: z.array(inventoryItem),
    agents: z.array(inventoryItem),
    tools: z.array(inventoryItem),
    mcpServers: z.array(inventoryItem),
    dropped: count,
  }),
  policies: z.array(
    z.object({
      agent: z.string(),
      mode: z.enum(['audit', 'enforce']),
      allowedTools: z.array(z.string()).optional(),
      allowedMcpServers: z.array(z.string()).optional(),
      requireApproval: z.array(z.string()).optional(),
      argumentConstraints: z.array(z.string()),
    }),
  ),
  decisions: decisionCounts.extend({
    byMode: z.object({ audit: count, enforce: count }),
    byAgent: z.record(z.string(), decisionCounts),
  }),
  mcpServers: z.array(
    z.object({
      name: z.string(),
      aliases: z.array(z.string()),
      toolCalls: count,
      firstToolCall: iso.optional(),
      scans: count,
      firstScan: iso.optional(),
      lastScan: iso.optional(),
      lastDecision: z.enum(['allow', 'warn', 'block']).optional(),
      findings: z.object({ low: count, medium: count, high: count, critical: count }),
      toolCount: count.optional(),
      pins: z.object({ pinned: count, unchanged: count, changed: count, removed: count, approved: count }),
      scannedBeforeFirstCall: z.boolean(),
    }),
  ),
  detectors: z.array(
    z.object({
      id: z.string(),
      feature: z.string().optional(),
      kind: z.string().optional(),
      threshold: z.number(),
      expectedRecordsBetweenFalseAlarms: z.number().positive().optional(),
      falseAlarmRate: z.number().nonnegative().optional(),
    }),
  ),
  baselines: count.optional(),
  alerts: z.object({
    total: count,
    subscribers: count.optional(),
    byKind: kindCounts,
    bySeverity: z.object({ low: count, medium: count, high: count, critical: count }),
    timeline: z.object({
      bucketMs: z.number().positive(),
      buckets: z.array(z.object({ start: z.number(), counts: kindCounts })),
    }),
    recent: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(ALERT_KINDS),
        severity: z.enum(['low', 'medium', 'high', 'critical']),
        detector: z.string(),
        message: z.string(),
        time: iso,
        controls: z.array(z.string()),
      }),
    ),
  }),
  auditLog: z
    .object({
      path: z.string(),
      verified: z.boolean().optional(),
      entries: count.optional(),
      checkedAt: z.string().optional(),
      error: z.string().optional(),
    })
    .nullable(),
  adversarialSimulation: z.object({ lastRun: z.string(), scenarios: count }).nullable(),
  /** Drill runs: each drill's latest verdict and when it last passed (Level 4 evidence). */
  drills: z
    .object({
      maxAgeDays: z.number().positive(),
      runs: count,
      lastRun: z.string().optional(),
      archivedRuns: count,
      lastArchivedTo: z.string().optional(),
      byId: z.record(
        z.string(),
        z.object({
          id: z.string(),
          control: z.string(),
          lastRun: z.string(),
          lastStatus: z.enum(['passed', 'failed', 'not_applicable']),
          lastReason: z.string(),
          lastPassed: z.string().optional(),
        }),
      ),
    })
    .optional(),
  frameworks: z.object({
    editions: z.array(z.object({ id: z.string(), name: z.string(), edition: z.string() })).min(4),
    level4: referencesSchema,
    disclaimer: z.string().min(1),
  }),
});
export type EvidenceReport = z.infer<typeof EvidenceReportSchema>;

/** Build the report document from a ledger snapshot (the posture is recomputed from it, so they always agree). */
export function buildEvidenceReport(snapshot: LedgerSnapshot, options: { title?: string } = {}): EvidenceReport {
  const posture: Posture = assessPosture(snapshot);
  const s = snapshot;
  return {
    schema: REPORT_SCHEMA_ID,
    title: options.title ?? `AI security evidence report${s.service ? ` — ${s.service}` : ''}`,
    generatedAt: s.generatedAt,
    source: s.source,
    service: s.service,
    period: { from: s.firstSpanAt, to: s.lastSpanAt },
    maturity: { level: posture.level, name: LEVEL_NAMES[posture.level], basis: posture.basis, next: posture.next },
    answers: posture.answers,
    controls: CONTROL_IDS.map((id) => ({
      id,
      title: CONTROL_TITLES[id],
      status: posture.controls[id].status,
      evidence: posture.controls[id].evidence,
      next: posture.controls[id].next,
      alertKinds: CONTROL_ALERT_KINDS[id],
      references: CONTROL_REFERENCES[id],
    })),
    coverage: {
      genAiSpans: s.spans.genAi,
      modelCalls: s.spans.modelCalls,
      uncoveredModelCalls: s.coverage.uncoveredModelCalls,
      toolCalls: s.spans.toolCalls,
      toolCallsRequested: s.coverage.toolCallsRequested,
      toolCallsRequestedWithSpan: s.coverage.toolCallsRequestedWithSpan,
      invokeAgentSpans: s.spans.invokeAgent,
      withAgentIdentity: s.spans.withAgentIdentity,
      withConversationId: s.spans.withConversationId,
      contentCaptured: s.spans.contentCaptured,
      metadataOnly: s.spans.metadataOnly,
      contentCaptureConfigured: s.contentCapture,
    },
    inventory: s.inventory,
    policies: s.policies.map((p) => ({
      agent: p.agent,
      mode: p.mode,
      allowedTools: p.allowedTools,
      allowedMcpServers: p.allowedMcpServers,
      requireApproval: p.requireApproval,
      argumentConstraints: p.args ? Object.keys(p.args) : [],
    })),
    decisions: s.decisions,
    mcpServers: s.mcp.servers,
    detectors: s.detectors,
    baselines: s.baselines,
    alerts: {
      total: s.alerts.total,
      subscribers: s.alertSubscribers,
      byKind: s.alerts.byKind,
      bySeverity: s.alerts.bySeverity,
      timeline: s.alerts.timeline,
      recent: s.alerts.recent,
    },
    auditLog: s.auditLog ?? null,
    adversarialSimulation: s.adversarialSimulation ?? null,
    drills: s.drills,
    frameworks: { editions: [...FRAMEWORK_EDITIONS], level4: LEVEL4_REFERENCES, disclaimer: REFERENCES_DISCLAIMER },
  };
}
