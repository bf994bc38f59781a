// The public surface of @warden/posture: what the README documents. `assessPosture` and
// `CONTROL_TITLES`, which `warden serve` needs, are in ./internal.ts (`@warden/posture/internal`).
export { PostureLedger, LedgerSpanProcessor, type PostureLedgerOptions, type LedgerSnapshot } from './ledger';
export type { PostureConfig, AuditLogFact, DrillRunFact } from './config';
export type { Posture } from './posture';
export { buildEvidenceReport, EvidenceReportSchema, type EvidenceReport } from './evidence-report';
export { parseMarkdownReport, MarkdownReportStructureSchema, type MarkdownSection } from './markdown-report';
export { renderReport, type ReportFormat, type RenderReportOptions } from './report';
export { FileSpanExporter, type FileSpanExporterOptions } from './file-span-exporter';
export { readOtlpJsonTraces, ledgerFromTraces, type OtlpReadStats } from './otlp-json-reader';
