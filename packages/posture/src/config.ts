/**
 * Configuration facts the ledger cannot see in spans: which policies exist, how the
 * detectors are set, who listens to alerts, whether the audit log verifies. monitor()
 * passes them in; they are validated once here, at the boundary.
 */
import { parseConfig } from '@warden/core/internal';
import { z } from 'zod';

/** One agent's least-privilege policy, as far as posture needs it (functions and schemas are not copied). */
export const PolicyFactSchema = z
  .object({
    agent: z.string().min(1),
    mode: z.enum(['audit', 'enforce']),
    allowedTools: z.array(z.string()).optional(),
    allowedMcpServers: z.array(z.string()).optional(),
    requireApproval: z.array(z.string()).optional(),
    /** Argument constraints: a record of per-tool schemas/rules in monitor(); only their tool names matter here. */
    args: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();
export type PolicyFact = z.infer<typeof PolicyFactSchema>;

/**
 * One detector's calibrated setting, from `analyzer.describe()`. Field names vary a little
 * between analyzer versions, so the known aliases are accepted and normalised.
 */
export const DetectorFactSchema = z
  .object({
    id: z.string().min(1).optional(),
    detector: z.string().min(1).optional(),
    feature: z.string().optional(),
    kind: z.string().optional(),
    threshold: z.number(),
    /** Expected records between false alarms on stationary data (the calibration target). */
    /** Infinity for a deterministic rule (it never fires on stationary behaviour). */
    expectedRecordsBetweenFalseAlarms: z.union([z.number().positive(), z.literal(Infinity)]).optional(),
    falseAlarmRate: z.number().nonnegative().optional(),
    description: z.string().optional(),
  })
  .loose()
  .refine((d) => d.id !== undefined || d.detector !== undefined, { message: 'needs an id (or detector) string' });
export type DetectorFactInput = z.infer<typeof DetectorFactSchema>;

export interface DetectorFact {
  id: string;
  feature?: string;
  kind?: string;
  threshold: number;
  /** Expected records between false alarms; undefined when the detector is not calibrated. */
  expectedRecordsBetweenFalseAlarms?: number;
  /** 1 / expectedRecordsBetweenFalseAlarms, per record; 0 for a deterministic rule. */
  falseAlarmRate?: number;
}

export const AuditLogFactSchema = z.object({
  path: z.string().min(1),
  /** Result of the hash-chain verification; undefined means it was not checked. */
  verified: z.boolean().optional(),
  entries: z.number().int().nonnegative().optional(),
  checkedAt: z.string().optional(),
  error: z.string().optional(),
});
export type AuditLogFact = z.infer<typeof AuditLogFactSchema>;

/** One drill's verdict in a run (produced by warden.drill()). */
export const DrillResultFactSchema = z.object({
  /** Stable drill id: runtime-monitoring, least-privilege, mcp-onboarding, drift, tool-anomaly, multi-turn, audit-log, identity. */
  id: z.string().min(1),
  control: z.enum(['L3.runtime-monitoring', 'L3.agent-audit', 'L3.least-privilege', 'L3.drift-alerts', 'L3.mcp-onboarding']),
  status: z.enum(['passed', 'failed', 'not_applicable']),
  time: z.string().min(1),
  reason: z.string(),
});
export type DrillResultFact = z.infer<typeof DrillResultFactSchema>;

export const DrillRunFactSchema = z.object({
  runId: z.string().min(1),
  time: z.string().min(1),
  results: z.array(DrillResultFactSchema),
  /** Where the run's report was archived (a file path), if it was. */
  archivedTo: z.string().min(1).optional(),
});
export type DrillRunFact = z.infer<typeof DrillRunFactSchema>;

export const PostureConfigSchema = z.object({
  service: z.string().min(1).optional(),
  policies: z.array(PolicyFactSchema).optional(),
  detectors: z.array(DetectorFactSchema).optional(),
  /** Groups (agent · model · operation) whose baseline is learned and fixed. */
  baselines: z.number().int().nonnegative().optional(),
  alertSubscribers: z.number().int().nonnegative().optional(),
  contentCapture: z.boolean().optional(),
  auditLog: AuditLogFactSchema.optional(),
  /** Extra hosts that serve model APIs (gateways, proxies), for spotting un-instrumented model calls. */
  modelHosts: z.array(z.string().min(1)).optional(),
  /** Evidence of adversarial simulation in production; Level 4 needs it and telemetry cannot show it. */
  adversarialSimulation: z.object({ lastRun: z.string().min(1), scenarios: z.number().int().nonnegative() }).optional(),
  /** Drill evidence older than this many days does not count toward Level 4. Default 7. */
  drillMaxAgeDays: z.number().positive().optional(),
  /** Whether a signed-identity authority (agent keys) is installed; hand-off verdicts come from spans. */
  identityKeys: z.boolean().optional(),
});
export type PostureConfig = z.input<typeof PostureConfigSchema>;
export type ParsedPostureConfig = z.infer<typeof PostureConfigSchema>;

/** Validate config; the error names each bad field (`policies[0].mode`). */
export function parsePostureConfig(input: unknown): ParsedPostureConfig {
  return parseConfig(PostureConfigSchema, input, 'posture config');
}

export function normaliseDetector(d: DetectorFactInput): DetectorFact {
  const expected = d.expectedRecordsBetweenFalseAlarms ?? (d.falseAlarmRate !== undefined && d.falseAlarmRate > 0 ? 1 / d.falseAlarmRate : undefined);
  // A deterministic rule (new tool, allowed tools) states a false-alarm rate of zero; JSON has no Infinity.
  const finiteExpected = expected !== undefined && Number.isFinite(expected) ? expected : undefined;
  return {
    id: (d.id ?? d.detector) as string,
    feature: d.feature,
    kind: d.kind,
    threshold: d.threshold,
    expectedRecordsBetweenFalseAlarms: finiteExpected,
    falseAlarmRate: expected === undefined ? undefined : finiteExpected === undefined ? 0 : 1 / finiteExpected,
  };
}
