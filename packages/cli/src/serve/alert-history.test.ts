import type { Alert } from '@warden/core';
import { describe, expect, it } from 'vitest';
import { AlertHistory } from './alert-history';

let n = 0;
function alert(service: string, id = `alrt_${++n}`, time = new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString()): Alert {
  return {
    id,
    kind: 'drift',
    severity: 'medium',
    detector: 'numeric_drift.output_tokens',
    subject: { service, agent: 'a', feature: 'output_tokens' },
    message: `drift in ${service}`,
    score: 9,
    threshold: 5,
    traceIds: [],
    controls: [],
    time,
  } as unknown as Alert;
}

describe('AlertHistory', () => {
  it('keeps the newest alerts and the open incidents until they resolve, both bounded', () => {
    const h = new AlertHistory(3, 2);
    const [a, b, c, d] = [alert('s'), alert('s'), alert('t'), alert('t')];
    for (const x of [a, b, c, d]) h.add(x);
    expect(h.recent(10).map((x) => x.id)).toEqual([d.id, c.id, b.id]);
    expect(h.open().map((x) => x.id)).toEqual([d.id, c.id]); // the oldest open one was forgotten
    expect(h.resolve({ alertId: c.id, subject: { service: 't' } })).toBe(c);
    expect(h.resolve({ alertId: c.id, subject: { service: 'other' } })).toBeUndefined();
    expect(h.open().map((x) => x.id)).toEqual([d.id]);
  });

  it('restores what it saved (through JSON), and refuses a damaged save with a message naming the field', () => {
    const h = new AlertHistory(10, 10);
    const [a, b] = [alert('s'), alert('s')];
    h.add(a);
    h.add(b);
    h.resolve({ alertId: a.id, subject: { service: 's' } });
    const again = new AlertHistory(10, 10);
    again.restore(JSON.parse(JSON.stringify(h.save())));
    expect(again.recent(10)).toEqual([b, a]);
    expect(again.open()).toEqual([b]);
    expect(() => again.restore({ recent: [{ id: 3 }] })).toThrow(/recent/);
  });

  it("moves one service: its open incidents replace the receiver's, its recent alerts merge in time order without repeats", () => {
    const source = new AlertHistory(10, 10);
    const target = new AlertHistory(10, 10);
    const [s1, t1, s2] = [alert('moved'), alert('stays'), alert('moved')];
    source.add(s1);
    source.add(s2);
    target.add(t1);
    target.add(alert('moved', 'alrt_stale', new Date(Date.UTC(2025, 0, 1)).toISOString()));
    const saved = source.saveService('moved');
    expect(saved.recent.map((x) => x.id)).toEqual([s1.id, s2.id]);
    target.loadService('moved', JSON.parse(JSON.stringify(saved)));
    target.loadService('moved', JSON.parse(JSON.stringify(saved))); // twice: nothing repeated
    expect(target.recent(10).map((x) => x.id)).toEqual([s2.id, t1.id, s1.id, 'alrt_stale']);
    expect(
      target
        .open()
        .map((x) => x.id)
        .sort(),
    ).toEqual([s1.id, s2.id, t1.id].sort());
  });
});
