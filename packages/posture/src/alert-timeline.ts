import type { AlertKind } from '@warden/core';

export const ALERT_KINDS: readonly AlertKind[] = ['drift', 'tool_anomaly', 'policy_violation', 'agent_anomaly', 'multi_turn', 'mcp_risk'];

export interface AlertTimelineBucket {
  /** Bucket start, ms since the epoch. */
  start: number;
  counts: Record<AlertKind, number>;
}

export interface AlertTimelineSnapshot {
  bucketMs: number;
  buckets: AlertTimelineBucket[];
}

function emptyCounts(): Record<AlertKind, number> {
  return { drift: 0, tool_anomaly: 0, policy_violation: 0, agent_anomaly: 0, multi_turn: 0, mcp_risk: 0 };
}

/**
 * Alert counts per kind over time in at most `maxBuckets` buckets: when the run outgrows
 * them, neighbouring buckets merge and the width doubles, so a week-long process keeps the
 * same memory as a minute-long one.
 */
export class AlertTimeline {
  private origin: number | undefined;
  private bucketMs: number;
  private readonly buckets = new Map<number, Record<AlertKind, number>>();

  constructor(
    private readonly maxBuckets = 96,
    initialBucketMs = 60_000,
  ) {
    this.bucketMs = initialBucketMs;
  }

  add(kind: AlertKind, time: number): void {
    if (!Number.isFinite(time)) return;
    if (this.origin === undefined) this.origin = Math.floor(time / this.bucketMs) * this.bucketMs;
    // An alert older than the origin (traces replayed out of order) moves the origin back.
    if (time < this.origin) this.rebase(time);
    let index = Math.floor((time - this.origin) / this.bucketMs);
    while (index >= this.maxBuckets) {
      this.coarsen();
      index = Math.floor((time - this.origin) / this.bucketMs);
    }
    let counts = this.buckets.get(index);
    if (!counts) {
      counts = emptyCounts();
      this.buckets.set(index, counts);
    }
    counts[kind] = (counts[kind] ?? 0) + 1;
  }

  private rebase(time: number): void {
    const origin = this.origin as number;
    const newOrigin = Math.floor(time / this.bucketMs) * this.bucketMs;
    const shift = Math.round((origin - newOrigin) / this.bucketMs);
    const moved = [...this.buckets.entries()].map(([i, c]) => [i + shift, c] as const);
    this.buckets.clear();
    for (const [i, c] of moved) this.buckets.set(i, c);
    this.origin = newOrigin;
    while (Math.max(-1, ...this.buckets.keys()) >= this.maxBuckets) this.coarsen();
  }

  private coarsen(): void {
    const merged = new Map<number, Record<AlertKind, number>>();
    for (const [i, counts] of this.buckets) {
      const j = Math.floor(i / 2);
      const target = merged.get(j) ?? emptyCounts();
      for (const k of ALERT_KINDS) target[k] += counts[k];
      merged.set(j, target);
    }
    this.buckets.clear();
    for (const [j, c] of merged) this.buckets.set(j, c);
    this.bucketMs *= 2;
  }

  snapshot(): AlertTimelineSnapshot {
    const origin = this.origin ?? 0;
    const indexes = [...this.buckets.keys()].sort((a, b) => a - b);
    return {
      bucketMs: this.bucketMs,
      buckets: indexes.map((i) => ({ start: origin + i * this.bucketMs, counts: { ...this.buckets.get(i)! } })),
    };
  }
}
