/**
 * `Analyzer.describe()`: each detector's statistic, threshold, calibration and expected delay,
 * written from the detectors' own constants and the calibrated parameters (never retyped).
 */
import type { AlertKind } from '@warden/core';
import { chiSquareUpper, SIEGMUND_CORRECTION } from './calibration';
import type { Calibrated } from './detector-params';
import { CATEGORICAL_FEATURES, DETECTOR_IDS, NUMERIC_FEATURES, RATE_FEATURES, WALL_CLOCK_SPIKE_FLOOR } from './features';
import { fmt } from './messages';
import type { ResolvedAnalyzerOptions } from './options';
import { MAX_BASELINE_WARMUPS, MIN_BASELINE_EVENTS, MIN_BASELINE_WARMUPS } from './detectors/rate-cusum';
import { ALTERNATIVE_UNIFORM } from './detectors/tool-usage';
import { SHAPE_MARGIN, SPIKE_MAX_FACTOR, TAIL_QUANTILE } from './detectors/numeric-drift';
import { MAX_ACTIVE_NEW_TOOL_ALERTS } from './tool-alerts';

export interface DetectorDescription {
  /** Stable id, as in Alert.detector (`tool.rate_spike` covers each tracked tool). */
  detector: string;
  kind: AlertKind;
  scope: 'group' | 'agent';
  feature: string;
  statistic: string;
  threshold: number;
  /** Expected records (of the group or agent) between false alarms of this detector alone. */
  expectedRecordsBetweenFalseAlarms: number;
  calibration: string;
  detectionDelay: string;
}

export function describeDetectors(p: Calibrated, o: ResolvedAnalyzerOptions): DetectorDescription[] {
  const out: DetectorDescription[] = [];
  const n = p.numeric.baselineSize;
  const floor = `alerted when the median moved >= ${fmt(o.minRelativeShift * 100)}%`;
  NUMERIC_FEATURES.forEach((f, i) => {
    out.push({
      detector: DETECTOR_IDS.numericCusum[i],
      kind: 'drift',
      scope: 'group',
      feature: f.id,
      statistic: `two-sided CUSUM on normal scores of ranks in a ${n}-value baseline, k=${fmt(p.numeric.reference)}; ${floor}`,
      threshold: p.numeric.cusumThreshold,
      expectedRecordsBetweenFalseAlarms: p.groupDetectorArl,
      calibration: "Siegmund's approximation, false-alarm rate averaged over the baseline's estimation error",
      detectionDelay: `about (h+${SIEGMUND_CORRECTION})/(shift-k) records for a shift in score units: ${fmt((p.numeric.cusumThreshold + SIEGMUND_CORRECTION) / (1 - p.numeric.reference))} for 1 sd`,
    });
    out.push({
      detector: DETECTOR_IDS.numericKs[i],
      kind: 'drift',
      scope: 'group',
      feature: f.id,
      statistic: `two-sample KS distance, baseline vs each non-overlapping window of ${p.numeric.window}; ${floor}`,
      threshold: p.numeric.ksThreshold,
      expectedRecordsBetweenFalseAlarms: p.groupDetectorArl,
      calibration: 'Kolmogorov distribution (asymptotic, Stephens correction), alpha = window / ARL',
      detectionDelay: `one to two windows (${p.numeric.window}-${2 * p.numeric.window} records) for a distribution change`,
    });
    out.push({
      detector: DETECTOR_IDS.numericSpike[i],
      kind: 'drift',
      scope: 'group',
      feature: f.id,
      statistic: `one value beyond the baseline's tail quantile at probability ${p.numeric.spikeTail.toExponential(1)} (threshold fitted per group: generalised Pareto above the ${TAIL_QUANTILE * 100}th percentile, shape + ${SHAPE_MARGIN}; never below ${SPIKE_MAX_FACTOR} x the largest value of the baseline period + 10, which is also the threshold when the tail is too thin)${f.wallClock ? `; wall-clock values must also exceed the baseline maximum by ${WALL_CLOCK_SPIKE_FLOOR} x minLatencyShiftMs` : ''}`,
      threshold: p.numeric.spikeTail,
      expectedRecordsBetweenFalseAlarms: p.groupDetectorArl,
      calibration:
        'peaks over threshold (Pickands-Balkema-de Haan), probability-weighted moments (Hosking & Wallis 1987); threshold field = tail probability per record',
      detectionDelay: 'immediate (the value itself)',
    });
  });
  RATE_FEATURES.forEach((r, i) => {
    out.push({
      detector: DETECTOR_IDS.rate[i],
      kind: 'drift',
      scope: 'group',
      feature: r.id,
      statistic: `Bernoulli CUSUM, p1 = min(0.99, ${p.rate.ratio} x baseline rate) (a baseline rate already at 99 % is not tested); the baseline rate learns until it rests on ${MIN_BASELINE_EVENTS} events and ${MIN_BASELINE_WARMUPS} warm-ups (or ${MAX_BASELINE_WARMUPS} warm-ups), then is fixed`,
      threshold: p.rate.threshold,
      expectedRecordsBetweenFalseAlarms: p.groupDetectorArl,
      calibration: 'Lorden/Wald bound ARL >= e^h on a log-likelihood-ratio CUSUM',
      detectionDelay: `about h / KL(p1||p0) records after a ${p.rate.ratio}x rate spike`,
    });
  });
  CATEGORICAL_FEATURES.forEach((c, i) => {
    out.push({
      detector: DETECTOR_IDS.categorical[i],
      kind: 'drift',
      scope: 'group',
      feature: c.id,
      statistic: `G-test, top-${p.categorical.topK} + other, per window of ${p.categorical.window}, divided by the warm-up's design effect`,
      threshold: chiSquareUpper(p.categorical.alpha, p.categorical.topK),
      expectedRecordsBetweenFalseAlarms: p.groupDetectorArl,
      calibration: 'chi-square quantile at alpha = window / ARL (shown for the full number of categories)',
      detectionDelay: `one to two windows (${p.categorical.window}-${2 * p.categorical.window} records)`,
    });
  });
  out.push({
    detector: DETECTOR_IDS.newTool,
    kind: 'tool_anomaly',
    scope: 'agent',
    feature: 'tool',
    statistic: 'tool absent from the warm-up (or from allowedTools)',
    threshold: 1,
    expectedRecordsBetweenFalseAlarms: Infinity,
    calibration: `none: fires on the first call of a tool the agent never used in warm-up and that is not in its allowedTools (a rare tool unseen in warm-up is reported once); at most ${MAX_ACTIVE_NEW_TOOL_ALERTS} new-tool alerts open per agent within the cool-down`,
    detectionDelay: 'immediate (the first call)',
  });
  out.push({
    detector: DETECTOR_IDS.toolRateSpike,
    kind: 'tool_anomaly',
    scope: 'agent',
    feature: 'tool share of calls',
    statistic: `Bernoulli CUSUM per tracked tool (up to ${p.tools.trackedTools}), p1 = ${p.tools.rate.ratio} x baseline share`,
    threshold: p.tools.rate.threshold,
    expectedRecordsBetweenFalseAlarms: p.agentDetectorArl,
    calibration: 'Lorden/Wald bound ARL >= e^h, budget split over tracked tools + sequence',
    detectionDelay: `about h / KL(p1||p0) agent records after a ${p.tools.rate.ratio}x spike`,
  });
  out.push({
    detector: DETECTOR_IDS.toolSequence,
    kind: 'tool_anomaly',
    scope: 'agent',
    feature: 'tool transitions within a session',
    statistic: `CUSUM of log(${1 - ALTERNATIVE_UNIFORM} + ${ALTERNATIVE_UNIFORM} / (V q)) over transitions, q from a first-order model learned from the first ${p.tools.sequenceWarmup} transitions`,
    threshold: p.tools.sequenceThreshold,
    expectedRecordsBetweenFalseAlarms: p.agentDetectorArl,
    calibration: 'Lorden/Wald bound ARL >= e^h (mixture alternative keeps E[llr] <= 0 under the model)',
    detectionDelay: 'a handful of transitions the baseline never made',
  });
  return out;
}
