/** Issue 17: re-arming, accept(), spikes, wall-clock floors, incidents, baselines over time. */
import { describe, expect, it } from 'vitest';
import type { Alert, CallRecord } from '@warden/core';
import { Analyzer, type AlertResolved, type IncidentUpdate } from './analyzer';
import { DEFAULT_STREAM, RecordStream, type StreamSpec } from './synthetic-streams';

function stream(over: Partial<StreamSpec> = {}): RecordStream {
  return new RecordStream({ ...DEFAULT_STREAM, ...over });
}
function watch(a: Analyzer): { detector: Alert[]; published: Alert[]; resolved: AlertResolved[]; updates: IncidentUpdate[] } {
  const out = { detector: [] as Alert[], published: [] as Alert[], resolved: [] as AlertResolved[], updates: [] as IncidentUpdate[] };
  a.on('detector_alert', (x) => out.detector.push(x));
  a.on('alert', (x) => out.published.push(x));
  a.on('resolved', (x) => out.resolved.push(x));
  a.on('incident_update', (x) => out.updates.push(x));
  return out;
}
function feed(a: Analyzer, s: RecordStream, n: number): void {
  for (let i = 0; i < n; i++) a.observe(s.next());
}

describe('re-arming', () => {
  it('a persisting change becomes the new normal after acceptAfter records, so the next change alerts again', () => {
    const a = new Analyzer({ acceptAfter: 1500 });
    const w = watch(a);
    const s = stream({ seed: 31 });
    feed(a, s, 2000);
    expect(w.detector).toEqual([]);
    s.spec = { ...s.spec, meanOutputTokens: 315 };
    feed(a, s, 1000);
    expect(w.published).toHaveLength(1);
    feed(a, s, 1500);
    expect(w.resolved.map((r) => r.reason)).toEqual(['accepted']);
    expect(w.resolved[0].alertId).toBe(w.published[0].id);
    // Quiet at the new level while the detectors learn it...
    const before = w.detector.length;
    feed(a, s, 1500);
    expect(w.detector.length).toBe(before);
    // ...and the next change is caught.
    s.spec = { ...s.spec, meanOutputTokens: 470 };
    feed(a, s, 1000);
    expect(w.published).toHaveLength(2);
    expect(w.published[1].subject.feature).toMatch(/output_(tokens|length)/);
  });

  it('accept(alertId) resolves the incident with reason accepted and relearns; unknown ids return false', () => {
    const a = new Analyzer({ acceptAfter: 0 });
    const w = watch(a);
    const s = stream({ seed: 32 });
    feed(a, s, 2000);
    s.spec = { ...s.spec, meanOutputTokens: 420 };
    feed(a, s, 600);
    expect(w.published).toHaveLength(1);
    expect(a.accept('alrt_nope')).toBe(false);
    expect(a.accept(w.published[0].id)).toBe(true);
    expect(w.resolved).toMatchObject([{ alertId: w.published[0].id, reason: 'accepted' }]);
    expect(a.incidents()[0]).toMatchObject({ id: w.published[0].id, state: 'resolved' });
    expect(a.accept(w.published[0].id)).toBe(false);
    feed(a, s, 2000);
    expect(w.published).toHaveLength(1);
  });
});

describe('spikes', () => {
  // The synthetic stream's tokens are heavy-tailed (log-normal): at a 10^6-record target a single
  // value must be far out in the fitted tail, here ~600x the median, to be a spike on its own.
  it('one response with 2000x the usual tokens, or 100 tool calls, alerts on its own', () => {
    const a = new Analyzer();
    const w = watch(a);
    const s = stream({ seed: 33 });
    feed(a, s, 2000);
    expect(w.detector).toEqual([]);
    a.observe({ ...s.next(), outputTokens: 210 * 2000 });
    expect(w.detector.map((x) => x.detector)).toContain('spike.output_tokens');
    a.observe({ ...s.next(), toolCalls: Array.from({ length: 100 }, () => 'search') });
    expect(w.detector.map((x) => x.detector)).toContain('spike.tool_calls');
    const spike = w.detector.find((x) => x.detector === 'spike.output_tokens')!;
    expect(spike.message).toMatch(/one call had 420000, beyond the spike threshold \d+/);
    expect(spike.score).toBeGreaterThan(spike.threshold);
  });
});

/** Calls to a fast fake model 20 ms apart; `rec(ms)` is the next one, taking `ms`. */
function fastModelCalls(): (ms: number) => CallRecord {
  let i = 0;
  return (ms) => ({
    time: 1_767_225_600_000 + i * 20,
    traceId: `t${i}`,
    spanId: `s${++i}`,
    service: 'svc',
    operation: 'chat',
    model: 'fake',
    latencyMs: ms,
    outputTokens: 20,
    finishReasons: ['stop'],
    toolCalls: [],
  });
}

describe('wall-clock features', () => {
  it('a latency change of a few ms is not drift (minLatencyShiftMs), however significant', () => {
    const a = new Analyzer({ warmupMs: 0 });
    const w = watch(a);
    const rec = fastModelCalls();
    for (let j = 0; j < 1000; j++) a.observe(rec(2 + (j % 7) * 0.1));
    // JIT warm-up over, the host gets quieter: latency halves.
    for (let j = 0; j < 2000; j++) a.observe(rec(1 + (j % 7) * 0.05));
    expect(w.detector.filter((x) => x.subject.feature === 'latency')).toEqual([]);
    expect(new Analyzer({ warmupMs: 0, minLatencyShiftMs: 0 }).options.minLatencyShiftMs).toBe(0);
  });

  it('a host stall below 20 x minLatencyShiftMs over the baseline maximum is no latency spike; one beyond it is', () => {
    const a = new Analyzer({ warmupMs: 0 });
    const w = watch(a);
    const rec = fastModelCalls();
    for (let j = 0; j < 1000; j++) a.observe(rec(2 + (j % 7) * 0.1));
    a.observe(rec(900)); // a GC pause or a busy host: under the 1,000 ms floor
    for (let j = 0; j < 40; j++) a.observe(rec(2 + (j % 7) * 0.1)); // released from the start-order buffer
    expect(w.detector.filter((x) => x.detector === 'spike.latency')).toEqual([]);
    a.observe(rec(5000));
    for (let j = 0; j < 40; j++) a.observe(rec(2 + (j % 7) * 0.1));
    expect(w.detector.filter((x) => x.detector === 'spike.latency')).toHaveLength(1);
  });

  it('judges latency in start order: a burst whose slowest calls end last is not a rise', () => {
    const a = new Analyzer({ warmupMs: 0, minLatencyShiftMs: 0, minRelativeShift: 0 });
    const w = watch(a);
    let n = 0;
    // Bursts of 12 concurrent calls started together; each ends after its latency, so in end order they ascend.
    for (let burst = 0; burst < 400; burst++) {
      const start = 1_767_225_600_000 + burst * 1000;
      const lat = Array.from({ length: 12 }, (_, k) => 100 + ((k * 7 + burst) % 12) * 10).sort((x, y) => x - y);
      for (const l of lat)
        a.observe({
          time: start + l,
          traceId: `t${n}`,
          spanId: `s${n++}`,
          service: 'svc',
          operation: 'chat',
          model: 'fake',
          latencyMs: l,
          outputTokens: 20,
          finishReasons: ['stop'],
          toolCalls: [],
        });
    }
    expect(w.detector.filter((x) => x.subject.feature === 'latency')).toEqual([]);
  });
});

describe('incidents', () => {
  it('one change that moves several features is one alert and one incident naming every feature', () => {
    const a = new Analyzer();
    const w = watch(a);
    const s = stream({ seed: 34 });
    feed(a, s, 2000);
    s.spec = { ...s.spec, meanOutputTokens: 420 };
    feed(a, s, 600);
    expect(w.published).toHaveLength(1);
    expect(w.detector.length).toBeGreaterThan(1);
    expect(w.updates.every((u) => u.incidentId === w.published[0].id)).toBe(true);
    const [incident] = a.incidents();
    expect(incident.state).toBe('open');
    expect(incident.features).toEqual(expect.arrayContaining(['output_tokens', 'output_length']));
    expect(incident.alerts).toBe(w.detector.length);
  });
});

describe('baselines over time', () => {
  it('a baseline is fixed once it spans warmupMs of record time, or after 5 warm-ups of records', () => {
    const fast = new Analyzer();
    const s = stream({ seed: 35 });
    // The synthetic stream has one record a second: 250 records span 250 s < 300 s.
    feed(fast, s, 250);
    expect(fast.groups()[0].features.output_tokens.recent).toBeUndefined();
    feed(fast, s, 60);
    expect(fast.groups()[0].features.output_tokens.recent).toBeDefined();
  });
});
