import { buildEvidenceReport, EvidenceReportSchema, REPORT_SCHEMA_ID, type EvidenceReport } from './evidence-report';
import { renderHtml } from './html-report';
import { PostureLedger, type LedgerSnapshot } from './ledger';
import { renderMarkdown } from './markdown-report';

export type ReportFormat = 'json' | 'markdown' | 'html';

export interface RenderReportOptions {
  format: ReportFormat;
  /** Overrides "AI security evidence report — <service>". */
  title?: string;
}

function isReport(x: PostureLedger | LedgerSnapshot | EvidenceReport): x is EvidenceReport {
  return (x as EvidenceReport).schema === REPORT_SCHEMA_ID;
}

/**
 * Render the evidence report from a live ledger, a ledger snapshot or an already built
 * report document. JSON is validated against EvidenceReportSchema before it is returned.
 */
export function renderReport(source: PostureLedger | LedgerSnapshot | EvidenceReport, options: RenderReportOptions): string {
  const report =
    source instanceof PostureLedger ? buildEvidenceReport(source.snapshot(), options) : isReport(source) ? source : buildEvidenceReport(source, options);
  switch (options.format) {
    case 'json':
      return `${JSON.stringify(EvidenceReportSchema.parse(report), null, 2)}\n`;
    case 'markdown':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report);
  }
}
