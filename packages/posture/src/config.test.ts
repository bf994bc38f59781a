import { describe, expect, it } from 'vitest';
import { normaliseDetector, parsePostureConfig } from './config';
import { formatRate } from './markdown-report';

describe('detector facts', () => {
  it('accept a deterministic rule (Infinity records between false alarms) as calibrated at rate zero', () => {
    const parsed = parsePostureConfig({ detectors: [{ detector: 'tool.new_tool', threshold: 1, expectedRecordsBetweenFalseAlarms: Infinity }] });
    const fact = normaliseDetector(parsed.detectors![0]!);
    expect(fact).toMatchObject({ id: 'tool.new_tool', falseAlarmRate: 0 });
    expect(fact.expectedRecordsBetweenFalseAlarms).toBeUndefined();
    expect(formatRate(fact.expectedRecordsBetweenFalseAlarms, fact.falseAlarmRate)).toBe('none (deterministic rule)');
  });

  it('keep a statistical detector rate and reject a negative one, naming the field', () => {
    const fact = normaliseDetector(parsePostureConfig({ detectors: [{ detector: 'x', threshold: 3, expectedRecordsBetweenFalseAlarms: 2e6 }] }).detectors![0]!);
    expect(fact.falseAlarmRate).toBeCloseTo(5e-7);
    expect(formatRate(fact.expectedRecordsBetweenFalseAlarms)).toBe('1 per 2,000,000 records');
    expect(() => parsePostureConfig({ detectors: [{ detector: 'x', threshold: 3, expectedRecordsBetweenFalseAlarms: -1 }] })).toThrow(
      /detectors\[0\]\.expectedRecordsBetweenFalseAlarms/,
    );
  });
});
