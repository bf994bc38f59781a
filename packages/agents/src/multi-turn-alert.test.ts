import { describe, expect, it } from 'vitest';
import { multiTurnAlert } from './multi-turn-alert';

describe('multiTurnAlert', () => {
  const fields = {
    detector: 'multi_turn.judge',
    conversationId: 'c1',
    message: 'flagged',
    score: 0.9,
    threshold: 0.5,
    current: { turns: 3 },
    traceIds: ['t1', 't2'],
    time: Date.UTC(2025, 0, 2, 3, 4, 5),
  };

  it('is the alert both multi-turn detectors raise: same fields, same order', () => {
    const alert = multiTurnAlert({ ...fields, agent: 'support' });
    expect(Object.keys(alert)).toEqual([
      'id',
      'kind',
      'severity',
      'detector',
      'subject',
      'message',
      'score',
      'threshold',
      'current',
      'traceIds',
      'controls',
      'time',
    ]);
    expect(alert).toMatchObject({
      kind: 'multi_turn',
      severity: 'high',
      detector: 'multi_turn.judge',
      subject: { conversationId: 'c1', agent: 'support' },
      score: 0.9,
      threshold: 0.5,
      current: { turns: 3 },
      traceIds: ['t1', 't2'],
      controls: ['L3.runtime-monitoring', 'L3.drift-alerts'],
      time: '2025-01-02T03:04:05.000Z',
    });
    expect(alert.traceIds).not.toBe(fields.traceIds);
  });

  it('names no agent when none is known', () => {
    expect(multiTurnAlert(fields).subject).toEqual({ conversationId: 'c1' });
  });
});
