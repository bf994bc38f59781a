/**
 * Detector parameters derived from the analyzer options: every threshold comes from the one
 * calibration target (records between false alarms), split over the detectors that share it.
 */
import { cusumThreshold, ksThreshold, llrCusumThreshold, perDetectorArl } from './calibration';
import { CATEGORICAL_FEATURES, NUMERIC_FEATURES, RATE_FEATURES } from './features';
import type { ResolvedAnalyzerOptions } from './options';
import type { NumericDriftParams } from './detectors/numeric-drift';
import type { RateCusumParams } from './detectors/rate-cusum';
import type { CategoricalParams } from './detectors/categorical-drift';
import type { ToolUsageParams } from './detectors/tool-usage';

/** A transition model needs more data than a mean: at least this many transitions before scoring. */
export const SEQUENCE_WARMUP_TRANSITIONS = 1000;
/** Rate ratio the Bernoulli CUSUMs (event rates, tool shares) are tuned to detect. */
export const RATE_RATIO = 3;
/** Categories kept by name in a categorical baseline (the rest pool into "other"). */
export const CATEGORICAL_TOP_K = 8;
/** Open sessions remembered per agent for the sequence test. */
export const MAX_SESSIONS_PER_AGENT = 64;

/** Detector parameters derived from the options (used by the analyzer and its benchmarks). */
export interface Calibrated {
  numeric: NumericDriftParams;
  rate: RateCusumParams;
  categorical: CategoricalParams;
  tools: ToolUsageParams;
  groupDetectorArl: number;
  agentDetectorArl: number;
}

/** Detectors of one group that share its false-alarm budget (CUSUM, KS and spike per numeric feature). */
export function groupDetectorCount(): number {
  return NUMERIC_FEATURES.length * 3 + RATE_FEATURES.length + CATEGORICAL_FEATURES.length;
}

/** A baseline that has not spanned `warmupMs` is fixed anyway after this many warm-ups of records. */
export const MAX_WARMUP_MULTIPLE = 5;

const calibrationCache = new Map<string, Calibrated>();

export function calibrateDetectors(o: ResolvedAnalyzerOptions): Calibrated {
  const cacheKey = [o.warmup, o.warmupMs, o.refreshEvery, o.recordsBetweenFalseAlarms, o.window, o.baselineSize, o.trackedTools, o.maxToolsPerAgent].join();
  const hit = calibrationCache.get(cacheKey);
  if (hit) return hit;
  const n = Math.min(o.warmup, o.baselineSize);
  const groupDetectorArl = perDetectorArl(o.recordsBetweenFalseAlarms, groupDetectorCount());
  // Large enough that the baseline's own estimation error (sd 1/sqrt(n+2)) cannot dominate.
  const reference = Math.max(0.5, 5 / Math.sqrt(n + 2));
  const windowAlpha = Math.min(0.5, o.window / groupDetectorArl);
  const agentDetectorArl = perDetectorArl(o.recordsBetweenFalseAlarms, o.trackedTools + 1);
  const rate: RateCusumParams = { warmup: o.warmup, ratio: RATE_RATIO, threshold: llrCusumThreshold(groupDetectorArl) };
  const c: Calibrated = {
    numeric: {
      baselineSize: n,
      warmup: o.warmup,
      warmupMs: o.warmupMs,
      maxWarmup: MAX_WARMUP_MULTIPLE * o.warmup,
      refreshEvery: o.refreshEvery,
      spikeTail: 1 / groupDetectorArl,
      window: o.window,
      reference,
      cusumThreshold: cusumThreshold(reference, groupDetectorArl, n),
      ksThreshold: ksThreshold(windowAlpha, n, o.window),
    },
    rate,
    categorical: { warmup: o.warmup, window: o.window, topK: CATEGORICAL_TOP_K, alpha: windowAlpha },
    tools: {
      warmup: o.warmup,
      trackedTools: o.trackedTools,
      maxKnownTools: o.maxToolsPerAgent,
      maxSessions: MAX_SESSIONS_PER_AGENT,
      rate: { warmup: o.warmup, ratio: RATE_RATIO, threshold: llrCusumThreshold(agentDetectorArl) },
      sequenceThreshold: llrCusumThreshold(agentDetectorArl),
      sequenceWarmup: Math.max(o.warmup, SEQUENCE_WARMUP_TRANSITIONS),
    },
    groupDetectorArl,
    agentDetectorArl,
  };
  calibrationCache.set(cacheKey, c);
  return c;
}
