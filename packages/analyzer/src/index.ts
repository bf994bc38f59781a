// The span → CallRecord mapping lives in core, next to CallRecord; re-exported for the analyzer's users.
export { callRecordFromSpan } from '@warden/core';
export { alertEventAttributes } from '@warden/core/internal';
export { Analyzer } from './analyzer';
export { NUMERIC_FEATURES, RATE_FEATURES, CATEGORICAL_FEATURES } from './features';
export type { AnalyzerEvents, AlertResolved, AlertUpdate, ConfigChange, IncidentUpdate } from './events';
export type { IncidentState } from './incidents';
export type { AnalyzerSnapshot } from './snapshot';
export type { DetectorDescription } from './describe';
export type { GroupSummary } from './state';
export { analyzerOptionsSchema, parseAnalyzerOptions, type AnalyzerOptions, type ResolvedAnalyzerOptions } from './options';
export {
  AnalyzerSpanProcessor,
  type AnalyzerSpanProcessorOptions,
} from './span-processor';
