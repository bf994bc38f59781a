export { callRecordFromSpan, AI_SDK_ATTR, type SpanLike } from './call-record';
export { Analyzer } from './analyzer';
export { NUMERIC_FEATURES, RATE_FEATURES, CATEGORICAL_FEATURES } from './features';
export type { AnalyzerEvents, AlertResolved, ConfigChange } from './events';
export type { AnalyzerSnapshot } from './snapshot';
export type { DetectorDescription } from './describe';
export type { GroupKey, GroupSummary, QuantileSummary } from './state';
export { analyzerOptionsSchema, parseAnalyzerOptions, type AnalyzerOptions, type ResolvedAnalyzerOptions } from './options';
export {
  AnalyzerSpanProcessor,
  alertEventAttributes,
  EVENT_WARDEN_ALERT,
  ATTR_WARDEN_ALERT_ID,
  ATTR_WARDEN_ALERT_KIND,
  ATTR_WARDEN_ALERT_DETECTOR,
  ATTR_WARDEN_ALERT_SEVERITY,
  ATTR_WARDEN_ALERT_MESSAGE,
  ATTR_WARDEN_ALERT_SCORE,
  ATTR_WARDEN_ALERT_THRESHOLD,
  type AnalyzerSpanProcessorOptions,
  type EndingSpanLike,
} from './span-processor';
export {
  cusumThreshold,
  siegmundArl,
  ksThreshold,
  chiSquareUpper,
  llrCusumThreshold,
  normalQuantile,
  kolmogorovSurvival,
} from './calibration';
