/**
 * The one place `warden serve` touches @warden/analyzer: the same span-to-record mapping and
 * the same Analyzer as in-process monitoring, fed with spans received over OTLP.
 */
import { alertEventAttributes, Analyzer, callRecordFromSpan } from '@warden/analyzer';
import type { Alert, CallRecord } from '@warden/core';
import type { OtlpSpan } from './otlp-span';

export type FleetAnalyzerOptions = Record<string, unknown>;

export interface FleetAnalyzer {
  /** The analyzer's record for a GenAI span; undefined for any other span. */
  toRecord(span: OtlpSpan, service: string | undefined): CallRecord | undefined;
  observe(record: CallRecord): Alert[];
  /** Per group: key fields, count, baseline vs recent quantiles per feature, tool mix. */
  groups(): unknown;
  describe(): unknown;
  snapshot(): unknown;
  onResolved(listener: (event: unknown) => void): void;
}

/** The attributes the analyzer puts on a `warden.alert` span event, reused for alert log records. */
export function alertLogAttributes(alert: Alert): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(alertEventAttributes(alert))) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}

type AnalyzerOptions = ConstructorParameters<typeof Analyzer>[0];

export function createFleetAnalyzer(options: FleetAnalyzerOptions | undefined, snapshot?: unknown): FleetAnalyzer {
  const analyzerOptions = options as AnalyzerOptions | undefined;
  // Without explicit options a restored analyzer keeps the options it was snapshotted with.
  const analyzer =
    snapshot === undefined
      ? new Analyzer(analyzerOptions)
      : Analyzer.restore(snapshot as Parameters<typeof Analyzer.restore>[0], analyzerOptions);
  return {
    toRecord: (span, service) => callRecordFromSpan(span, service),
    observe: (record) => analyzer.observe(record),
    groups: () => analyzer.groups(),
    describe: () => analyzer.describe(),
    snapshot: () => analyzer.snapshot(),
    onResolved: (listener) => {
      analyzer.on('resolved', listener);
    },
  };
}
