import { describe, expect, it } from 'vitest';
import { MULTI_TURN_ESCALATION_DRILL, replayEscalation } from './escalation-drill';

describe('the escalation drill', () => {
  it('alerts with the default detector, and only once the conversation escalated', () => {
    const r = replayEscalation();
    expect(r.alerted).toBe(true);
    expect(r.turn).toBeGreaterThan(1);
    expect(r.alert).toMatchObject({ kind: 'multi_turn', subject: { conversationId: 'drill-escalation' } });
    // No single turn of it alerts on its own.
    for (const t of MULTI_TURN_ESCALATION_DRILL) expect(replayEscalation([t]).alerted).toBe(false);
  });

  it('says so when a detector misses it', () => {
    expect(replayEscalation(MULTI_TURN_ESCALATION_DRILL, { threshold: 100 })).toEqual({ alerted: false });
  });
});
