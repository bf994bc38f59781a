import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEASURED_MULTI_TURN_OUTSIDE_RATES, MULTI_TURN_ESCALATION_DRILL, replayEscalation } from './escalation-drill';

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

describe('MEASURED_MULTI_TURN_OUTSIDE_RATES', () => {
  // The bench says whether the constant is what it measures; this keeps the README's table equal to the constant.
  it('is what the README states for the outside conversations', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Measured on conversations we did not write'), readme.indexOf('\n## Measured\n'));
    const rows = section
      .split('\n')
      .filter((l) => /^\| (?:\*\*)?(?:dev|report)/.test(l))
      .map((l) => l.split('|').map((c) => c.replace(/\*\*/g, '').trim()))
      .map(([, split, source, kind, , at]) => ({ split, source, kind, at: Number((Number.parseFloat(at ?? '') / 100).toFixed(3)) }));
    const at = (split: string, source: RegExp) => rows.filter((r) => r.split === split && source.test(r.source ?? '')).map((r) => r.at);
    const m = MEASURED_MULTI_TURN_OUTSIDE_RATES;
    expect(at('report', /^Multi-Turn-Jailbreaker goals 5/)).toEqual([m.heldOutAttackDetection]);
    expect(at('report', /judged successful/)).toEqual([m.heldOutJudgedSuccessfulDetection]);
    expect(at('report', /^DICES-350, human-labelled successful/)).toEqual([m.humanLabelledSuccessfulDetection]);
    expect(at('dev', /^Multi-Turn-Jailbreaker goals 0/)).toEqual([m.devAttackDetection]);
    const benign = (split: string) => Math.max(...rows.filter((r) => r.split === split && r.kind === 'benign').map((r) => r.at));
    expect(benign('report')).toBeCloseTo(m.heldOutBenignFalseAlarms, 3);
    expect(benign('dev')).toBeCloseTo(m.devBenignFalseAlarms, 3);
    expect(rows.filter((r) => r.split === 'report' && r.kind === 'benign')).toHaveLength(5);
  });
});
