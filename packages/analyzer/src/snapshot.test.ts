import { describe, expect, it } from 'vitest';
import { Analyzer } from './analyzer';
import { DEFAULT_STREAM, RecordStream } from './synthetic-streams';

describe('snapshot', () => {
  it('restores alarms saved before they carried their source (keys "detector" and "detector:tool")', () => {
    const a = new Analyzer({ warmup: 50, cooldown: 100 });
    const s = new RecordStream({ ...DEFAULT_STREAM, seed: 5 });
    for (let i = 0; i < 300; i++) a.observe(s.next());
    const snap = JSON.parse(JSON.stringify(a.snapshot()));
    const group = snap.groups[0][1];
    const agent = snap.agents[0][1];
    const legacy = { alertId: 'alrt_old_1', kind: 'drift', subject: {}, raisedAt: 300, lastCross: 300, message: 'old' };
    group.alarms = { 'numeric_drift.output_tokens': { ...legacy } };
    agent.alarms = { 'tool.rate_spike:lookup_order': { ...legacy, alertId: 'alrt_old_2', kind: 'tool_anomaly' } };
    const b = Analyzer.restore(snap);
    const resolved: string[] = [];
    b.on('resolved', (r) => resolved.push(`${r.detector} ${r.alertId}`));
    expect(b.groups()[0].activeAlerts).toEqual(['alrt_old_1']);
    // Quiet stationary records past the cool-down resolve both, with the detector id recovered from the old key.
    for (let i = 0; i < 400; i++) b.observe(s.next());
    expect(resolved.sort()).toEqual(['numeric_drift.output_tokens alrt_old_1', 'tool.rate_spike alrt_old_2']);
  });
});
