import { describe, expect, it } from 'vitest';
import { ALERT_KIND_CONTROLS, ALERT_KINDS, controlsForKind, isAlertKind } from './alert-kinds';
import { CONTROL_IDS } from './types';

describe('alert kinds and their controls', () => {
  it('every alert is runtime-monitoring evidence and counts toward one more known control', () => {
    for (const kind of ALERT_KINDS) {
      const controls = controlsForKind(kind);
      expect(controls[0]).toBe('L3.runtime-monitoring');
      expect(controls).toHaveLength(2);
      for (const c of controls) expect(CONTROL_IDS).toContain(c);
    }
    // Each control is watched by some kind of alert.
    expect(new Set(Object.values(ALERT_KIND_CONTROLS).flat())).toEqual(new Set(CONTROL_IDS));
  });

  it('hands out a fresh array, so an alert cannot change the mapping', () => {
    const controls = controlsForKind('drift');
    controls.push('L3.agent-audit');
    expect(controlsForKind('drift')).toEqual(['L3.runtime-monitoring', 'L3.drift-alerts']);
  });

  it('tells a kind from any other value', () => {
    expect(isAlertKind('mcp_risk')).toBe(true);
    expect(isAlertKind('mcp-risk')).toBe(false);
    expect(isAlertKind(undefined)).toBe(false);
  });
});
