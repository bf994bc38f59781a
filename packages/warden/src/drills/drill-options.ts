import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** '24h', '30m', '7d', '10s', '500ms' or a number of milliseconds. */
export const durationSchema = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, "expected a duration such as '24h', '30m', '7d' or '10s'")
    .transform((s) => {
      const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(s) as RegExpExecArray;
      return Math.round(Number(m[1]) * UNIT_MS[m[2] as string]);
    }),
]);

export const drillOptionsSchema = z
  .object({
    /** Run the drill suite on this schedule ('24h'); without it drills run only when asked (warden.drill()). */
    every: durationSchema.optional(),
    /** First scheduled run this long after monitor() starts. Default 1 minute. */
    firstRunAfter: durationSchema.optional(),
    /** Drill evidence older than this does not count toward Level 4. Default 7. */
    maxAgeDays: z.number().positive().max(365).optional(),
    /** Where each run's report is archived as JSON. Default: `drills/` beside the audit log, else `.warden/drills`. */
    archiveDir: z.string().min(1).optional(),
    /** Archived reports kept (oldest deleted first). Default 100. */
    keepReports: z.number().int().positive().max(100_000).optional(),
  })
  .strict();

export type DrillOptions = z.input<typeof drillOptionsSchema>;
export type ParsedDrillOptions = z.output<typeof drillOptionsSchema>;
