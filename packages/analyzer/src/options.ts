import { z } from 'zod';
import { parseConfig } from '@warden/core/internal';

/** Options of `new Analyzer(options)`; every field has a calibrated or documented default. */
export const analyzerOptionsSchema = z
  .object({
    /** Service name used when a record has none. */
    service: z.string().min(1).optional(),
    /** Most groups (service·agent·operation·model·tool) tracked at once; the least recently seen is evicted. */
    maxGroups: z.number().int().min(1).max(1_000_000).default(2000),
    /** Records a group (and each feature) learns from before its baseline is fixed... */
    warmup: z.number().int().min(20).max(1_000_000).default(200),
    /**
     * ...and the time (ms, on the records' own clock) those records must span, so a burst of
     * unrepresentative first requests is not the baseline; unless 5 x `warmup` records came first.
     * For daily cycles set it to 86_400_000 (the baseline then spans a day) or rely on the lagged refresh.
     */
    warmupMs: z
      .number()
      .int()
      .min(0)
      .max(31 * 86_400_000)
      .default(300_000),
    /**
     * Lagged reference window: every this many records of a feature a new reference sample closes;
     * after one more quiet period it becomes the baseline (slow change and daily cycles are followed,
     * a change in progress is not absorbed). 0 keeps the first baseline for good.
     */
    refreshEvery: z.number().int().min(0).max(100_000_000).default(5000),
    /**
     * Re-arming: a drift alarm still open after this many records of its group is accepted as the
     * new normal (`resolved` with reason `accepted`) and that detector learns a new baseline, so the
     * next change is caught. 0 never accepts on its own (`analyzer.accept(alertId)` still does).
     */
    acceptAfter: z.number().int().min(0).max(100_000_000).default(2000),
    /** Wall-clock features (latency, time to first chunk) must also move by this many ms to alert. */
    minLatencyShiftMs: z.number().min(0).max(3_600_000).default(50),
    /** Alerts of one agent within this time (ms, record clock) of an open incident join it instead of paging again. */
    incidentWindowMs: z.number().int().min(0).max(86_400_000).default(600_000),
    /** Calibration target: expected records between false alarms per group on stationary behaviour. */
    recordsBetweenFalseAlarms: z.number().min(1000).max(1e15).default(1_000_000),
    /** Records without a new crossing (and the statistic back near zero) before an alert is `resolved`. */
    cooldown: z.number().int().min(1).max(10_000_000).default(1000),
    /** Size of the recent window compared with the baseline (KS and G-tests run once per window). */
    window: z.number().int().min(20).max(10_000).default(200),
    /**
     * Practical significance for numeric drift: a statistically clear shift whose median (or
     * mean) moved less than this fraction of the baseline's is not alerted. 0 alerts on any
     * significant shift. Wall-clock features (latency) move with host load by 10-20 %.
     */
    minRelativeShift: z.number().min(0).max(10).default(0.2),
    /** Capacity of the baseline sample per numeric feature (a reservoir when warmup is larger). */
    baselineSize: z.number().int().min(20).max(10_000).default(512),
    /** Tools followed per agent for rate spikes and sequences. */
    trackedTools: z.number().int().min(1).max(64).default(16),
    /** Distinct tool names remembered per agent (bounds memory against unbounded tool names). */
    maxToolsPerAgent: z.number().int().min(1).max(10_000).default(256),
    /** Tools each agent may use, by agent name: any other tool is reported at once, even during warm-up. */
    allowedTools: z.record(z.string(), z.array(z.string())).optional(),
  })
  .strict();

export type AnalyzerOptions = z.input<typeof analyzerOptionsSchema>;
export type ResolvedAnalyzerOptions = z.output<typeof analyzerOptionsSchema>;

/** Validate options; the error names each bad field, what was expected and what came. */
export function parseAnalyzerOptions(options: unknown): ResolvedAnalyzerOptions {
  return parseConfig(analyzerOptionsSchema, options ?? {}, 'analyzer options');
}
