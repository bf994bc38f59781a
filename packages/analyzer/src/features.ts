/**
 * What the analyzer watches: the numeric features, event rates and categorical mixes read
 * from each CallRecord, and the detector ids they give rise to (one style: `family.feature`).
 */
import { GENERATION_OPERATIONS, type CallRecord, type Severity } from '@warden/core';

const NONE = '(none)';

export interface NumericFeature {
  id: string;
  label: string;
  unit: string;
  /** Wall-clock features move with host load: they also need an absolute shift to alert. */
  wallClock: boolean;
  get(r: CallRecord): number | undefined;
}

function nonNegative(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1e12 ? v : undefined;
}

/** A spike of a wall-clock feature must also exceed the baseline's largest value by this many minLatencyShiftMs. */
export const WALL_CLOCK_SPIKE_FLOOR = 20;

/** Numeric features watched in every group. */
export const NUMERIC_FEATURES: readonly NumericFeature[] = [
  { id: 'latency', label: 'latency', unit: ' ms', wallClock: true, get: (r) => nonNegative(r.latencyMs) },
  { id: 'time_to_first_chunk', label: 'time to first chunk', unit: ' ms', wallClock: true, get: (r) => nonNegative(r.timeToFirstChunkMs) },
  { id: 'input_tokens', label: 'input tokens', unit: '', wallClock: false, get: (r) => nonNegative(r.inputTokens) },
  { id: 'output_tokens', label: 'output tokens', unit: '', wallClock: false, get: (r) => nonNegative(r.outputTokens) },
  { id: 'output_length', label: 'output length', unit: ' chars', wallClock: false, get: (r) => nonNegative(r.outputLength) },
  {
    id: 'tool_calls',
    label: 'tool calls per response',
    unit: '',
    wallClock: false,
    get: (r) => (GENERATION_OPERATIONS.has(r.operation) && Array.isArray(r.toolCalls) ? r.toolCalls.length : undefined),
  },
];

function finishIncludes(r: CallRecord, reasons: readonly string[]): boolean {
  const finish = r.finishReasons;
  if (!Array.isArray(finish)) return false;
  for (let i = 0; i < finish.length; i++) if (reasons.includes(finish[i])) return true;
  return false;
}
const REFUSAL_REASONS = ['refusal'];
const LENGTH_REASONS = ['length', 'max_tokens'];
const CONTENT_FILTER_REASONS = ['content_filter', 'content-filter', 'safety'];

export interface RateFeature {
  id: string;
  label: string;
  severity: Severity;
  hit(r: CallRecord): boolean;
}

/** Event rates watched in every group. */
export const RATE_FEATURES: readonly RateFeature[] = [
  { id: 'error', label: 'error rate', severity: 'high', hit: (r) => typeof r.errorType === 'string' },
  { id: 'refusal', label: 'refusal rate', severity: 'medium', hit: (r) => r.refusal === true || finishIncludes(r, REFUSAL_REASONS) },
  { id: 'finish_length', label: 'rate of truncated responses (finish_reason=length)', severity: 'medium', hit: (r) => finishIncludes(r, LENGTH_REASONS) },
  { id: 'content_filter', label: 'content-filter stop rate', severity: 'high', hit: (r) => finishIncludes(r, CONTENT_FILTER_REASONS) },
];

function firstOf(v: unknown): string | undefined {
  return Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
}

export interface CategoricalFeature {
  id: string;
  label: string;
  get(r: CallRecord): string | undefined;
}

/** Categorical mixes watched in every group. */
export const CATEGORICAL_FEATURES: readonly CategoricalFeature[] = [
  { id: 'finish_reason', label: 'finish-reason mix', get: (r) => (GENERATION_OPERATIONS.has(r.operation) ? (firstOf(r.finishReasons) ?? NONE) : undefined) },
  { id: 'tool_requested', label: 'mix of requested tools', get: (r) => (GENERATION_OPERATIONS.has(r.operation) ? (firstOf(r.toolCalls) ?? NONE) : undefined) },
  { id: 'error_type', label: 'error-type mix', get: (r) => (typeof r.errorType === 'string' ? r.errorType : undefined) },
];

/** Detector ids, built once per feature (no string concatenation per record). */
export const DETECTOR_IDS = {
  numericCusum: NUMERIC_FEATURES.map((f) => `numeric_drift.${f.id}`),
  numericKs: NUMERIC_FEATURES.map((f) => `numeric_drift.${f.id}.ks`),
  numericSpike: NUMERIC_FEATURES.map((f) => `spike.${f.id}`),
  rate: RATE_FEATURES.map((r) => `rate_cusum.${r.id}`),
  categorical: CATEGORICAL_FEATURES.map((c) => `categorical.${c.id}`),
  newTool: 'tool.new_tool',
  toolRateSpike: 'tool.rate_spike',
  toolSequence: 'tool.sequence',
} as const;
