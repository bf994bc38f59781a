/**
 * The in-process bus on which wrappers publish what is not a span: alerts raised outside
 * the analyzer (MCP onboarding, policies) and evidence records (scans, pins, policy
 * decisions). monitor() forwards alerts to its `alert` events; the posture ledger records
 * evidence. Shared across package copies through the global state.
 */
import { activeDrill } from './drill-scope';
import type { PolicyDecision, PolicyMode } from './tool-policy';
import type { Alert, Severity } from './types';

export interface McpScanEvidence {
  type: 'mcp_scan';
  /** Server identity (command + args, or URL). */
  server: string;
  serverName?: string;
  time: string;
  findings: { ruleId: string; severity: Severity; tool?: string; message: string }[];
  decision: 'allow' | 'warn' | 'block';
  toolCount: number;
}

export interface McpPinEvidence {
  type: 'mcp_pin';
  server: string;
  serverName?: string;
  time: string;
  tool: string;
  change: 'pinned' | 'unchanged' | 'changed' | 'removed' | 'approved';
}

/** A server checked against the signed MCP allowlist (onboarding with an allowlist configured). */
export interface McpAllowlistEvidence {
  type: 'mcp_allowlist';
  server: string;
  serverName?: string;
  time: string;
  /** True when its live tools match a signed pin exactly. */
  signed: boolean;
  /** True when its tools are refused (allowlist mode and not signed). */
  refused: boolean;
  reason: string;
}

export interface PolicyDecisionEvidence {
  type: 'policy_decision';
  time: string;
  agent?: string;
  tool: string;
  source: string;
  mode: PolicyMode;
  decision: PolicyDecision;
  rule?: string;
  reason?: string;
  traceId?: string;
  /** The task scope the call ran in (withTask), recorded with the decision. */
  task?: { id: string; allowedTools: string[]; expiresAt?: string; within?: string };
}

export interface AlertEvidence {
  type: 'alert';
  alert: Alert;
}

export type WardenEvent = McpScanEvidence | McpPinEvidence | McpAllowlistEvidence | PolicyDecisionEvidence | AlertEvidence;

const KEY = Symbol.for('warden.core.events.v1');

function listeners(): Set<(e: WardenEvent) => void> {
  const g = globalThis as unknown as Record<symbol, Set<(e: WardenEvent) => void> | undefined>;
  return (g[KEY] ??= new Set());
}

/** Publish an event; listener failures are swallowed so the publisher (the app's call path) is safe. */
export function publishWardenEvent(event: WardenEvent): void {
  // Inside a drill the evidence belongs to the drill alone: no pager, ledger or audit log sees it.
  const drill = activeDrill();
  if (drill) {
    try {
      drill.onEvent(event);
    } catch {
      // the drill's collector is Warden's own; never the app's problem
    }
    return;
  }
  for (const l of listeners()) {
    try {
      l(event);
    } catch {
      // listeners are Warden's own; a failure must not reach the app's call path
    }
  }
}

export function onWardenEvent(listener: (e: WardenEvent) => void): () => void {
  const set = listeners();
  set.add(listener);
  return () => set.delete(listener);
}

/** Publish an alert raised outside the analyzer (MCP, policies, multi-turn). */
export function publishAlert(alert: Alert): void {
  publishWardenEvent({ type: 'alert', alert });
}

let alertCounter = 0;
/** A unique, sortable alert id. */
export function newAlertId(time: number = Date.now()): string {
  alertCounter = (alertCounter + 1) % 1_000_000;
  return `alrt_${time.toString(36)}_${alertCounter.toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
