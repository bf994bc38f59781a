/**
 * Alert kinds and the controls each counts toward: one mapping, read by every producer of
 * alerts (analyzer, policies, multi-turn, agent graph, MCP onboarding) and by the posture
 * ledger when it recovers alerts from recorded spans, so a live alert and the same alert
 * replayed from traces carry identical `controls` (docs/controls.md).
 */
import type { ControlId } from './types';

export const ALERT_KINDS = ['drift', 'tool_anomaly', 'policy_violation', 'agent_anomaly', 'multi_turn', 'mcp_risk'] as const;

export type AlertKind = (typeof ALERT_KINDS)[number];

/** Every alert is runtime-monitoring evidence; each kind also counts toward the control it watches. */
export const ALERT_KIND_CONTROLS: { readonly [K in AlertKind]: readonly ControlId[] } = {
  drift: ['L3.runtime-monitoring', 'L3.drift-alerts'],
  tool_anomaly: ['L3.runtime-monitoring', 'L3.drift-alerts'],
  multi_turn: ['L3.runtime-monitoring', 'L3.drift-alerts'],
  policy_violation: ['L3.runtime-monitoring', 'L3.least-privilege'],
  agent_anomaly: ['L3.runtime-monitoring', 'L3.agent-audit'],
  mcp_risk: ['L3.runtime-monitoring', 'L3.mcp-onboarding'],
};

/** The controls an alert of `kind` carries (a fresh array: alerts own their fields). */
export function controlsForKind(kind: AlertKind): ControlId[] {
  return [...ALERT_KIND_CONTROLS[kind]];
}

export function isAlertKind(value: unknown): value is AlertKind {
  return typeof value === 'string' && (ALERT_KINDS as readonly string[]).includes(value);
}
