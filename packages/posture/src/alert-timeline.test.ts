import { describe, expect, it } from 'vitest';
import { AlertTimeline } from './alert-timeline';

const total = (t: AlertTimeline): number => t.snapshot().buckets.reduce((n, b) => n + Object.values(b.counts).reduce((x, y) => x + y, 0), 0);

describe('AlertTimeline', () => {
  it('keeps at most maxBuckets buckets over a week, doubling the width, and loses no alert', () => {
    const t = new AlertTimeline(24, 60_000);
    const start = Date.parse('2026-11-01T00:00:00Z');
    for (let i = 0; i < 7 * 24 * 60; i++) t.add(i % 2 ? 'drift' : 'mcp_risk', start + i * 60_000);
    const s = t.snapshot();
    expect(s.buckets.length).toBeLessThanOrEqual(24);
    expect(s.bucketMs).toBe(60_000 * 512);
    expect(total(t)).toBe(7 * 24 * 60);
    expect(s.buckets[0].start).toBeLessThanOrEqual(start);
  });

  it('moves its origin back for alerts older than the first one, keeping them in their own bucket', () => {
    const t = new AlertTimeline(96, 60_000);
    const now = Date.parse('2026-11-26T07:27:30Z');
    t.add('drift', now);
    t.add('tool_anomaly', now - 90 * 60_000);
    t.add('policy_violation', now - 30 * 60_000);
    const s = t.snapshot();
    expect(s.bucketMs).toBe(60_000);
    expect(s.buckets.map((b) => new Date(b.start).toISOString())).toEqual(['2026-11-26T05:57:00.000Z', '2026-11-26T06:57:00.000Z', '2026-11-26T07:27:00.000Z']);
    expect(s.buckets[0].counts.tool_anomaly).toBe(1);
    // Far older than the bucket budget: the width grows instead of the bucket count.
    t.add('drift', now - 3 * 86_400_000);
    expect(t.snapshot().buckets.length).toBeLessThanOrEqual(96);
    expect(total(t)).toBe(4);
  });
});
