export {
  PostureLedger,
  LedgerSpanProcessor,
  DEFAULT_MODEL_HOSTS,
  UNNAMED_MCP_SERVER,
  type PostureLedgerOptions,
  type LedgerSnapshot,
  type McpServerFact,
  type AlertSummary,
  type DecisionCounts,
  type DrillFact,
  type HandoffIdentityVerdict,
  DEFAULT_DRILL_MAX_AGE_DAYS,
} from './ledger';
export {
  PostureConfigSchema,
  PolicyFactSchema,
  DetectorFactSchema,
  AuditLogFactSchema,
  DrillRunFactSchema,
  DrillResultFactSchema,
  type DrillRunFact,
  type DrillResultFact,
  parsePostureConfig,
  type PostureConfig,
  type PolicyFact,
  type DetectorFact,
  type AuditLogFact,
} from './config';
export {
  assessPosture,
  assessRuntimeMonitoring,
  assessAgentAudit,
  assessLeastPrivilege,
  assessDriftAlerts,
  assessMcpOnboarding,
  answerSelfAssessment,
  maturityLevel,
  drillGap,
  COVERAGE_TARGET,
  CONTROL_TITLES,
  SELF_ASSESSMENT_QUESTIONS,
  type Posture,
  type ControlAssessment,
  type ControlStatus,
  type SelfAssessmentAnswer,
} from './posture';
export { CONTROL_REFERENCES, FRAMEWORK_EDITIONS, LEVEL4_REFERENCES, REFERENCES_DISCLAIMER, type ControlReferences, type FrameworkEdition } from './references';
export {
  buildEvidenceReport,
  EvidenceReportSchema,
  REPORT_SCHEMA_ID,
  LEVEL_NAMES,
  EVIDENCE_LABELS,
  evidenceLabel,
  type EvidenceReport,
} from './evidence-report';
export { renderMarkdown, parseMarkdownReport, MarkdownReportStructureSchema, REPORT_SECTIONS, type MarkdownSection } from './markdown-report';
export { renderHtml, escapeHtml, alertsChartSvg } from './html-report';
export { renderReport, type ReportFormat, type RenderReportOptions } from './report';
export { AlertTimeline, type AlertTimelineSnapshot, type AlertTimelineBucket } from './alert-timeline';
export type { InventoryItem } from './inventory';
export { FileSpanExporter, FileSpanExporterOptionsSchema, type FileSpanExporterOptions } from './file-span-exporter';
export {
  readOtlpJsonTraces,
  ledgerFromTraces,
  listTraceFiles,
  type OtlpReadStats,
} from './otlp-json-reader';
