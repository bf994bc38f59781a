/**
 * Drill scope: while a Warden drill (a safe synthetic attack on the deployment's own
 * controls) runs, the evidence it produces (alerts, policy decisions, MCP scans) must reach
 * the drill that asked for it and nobody else: not the app's alert listeners, not the posture
 * ledger's live counters, not the audit log. Kept in AsyncLocalStorage (not OTel context) so
 * it follows awaits whether or not an OTel context manager is registered, and shared through
 * globalThis so every copy of the package sees the same scope.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { WardenEvent } from './events';
import type { Alert, ControlId } from './types';

/** Span attribute (true) on every span recorded inside a drill: exporters and baselines drop it. */
export const ATTR_WARDEN_DRILL = 'warden.drill';
/** Agent names drills act under start with this prefix, so they can never be a real agent's. */
export const DRILL_CANARY_PREFIX = 'warden-drill-canary';

export interface DrillScope {
  /** The drill run's id (evidence). */
  readonly runId: string;
  /** Receives every Warden event published inside the scope instead of the process-wide bus. */
  onEvent(event: WardenEvent): void;
}

const KEY = Symbol.for('warden.core.drillScope.v1');

function storage(): AsyncLocalStorage<DrillScope> {
  const g = globalThis as unknown as Record<symbol, AsyncLocalStorage<DrillScope> | undefined>;
  return (g[KEY] ??= new AsyncLocalStorage<DrillScope>());
}

/** Run `fn` (and everything it awaits or schedules) inside `scope`. */
export function runInDrill<T>(scope: DrillScope, fn: () => T): T {
  return storage().run(scope, fn);
}

/** The drill the current code runs in, if any. */
export function activeDrill(): DrillScope | undefined {
  return storage().getStore();
}

/** True for a span recorded inside a drill (its attributes carry warden.drill=true). */
export function isDrillSpan(span: { attributes?: Record<string, unknown> }): boolean {
  return span.attributes?.[ATTR_WARDEN_DRILL] === true;
}

/** Span attribute: the drill run a drill span belongs to. */
export const ATTR_WARDEN_DRILL_RUN = 'warden.drill.run';

/** One drill's verdict: did the control fire on the synthetic attack, with the evidence. */
export interface DrillResult {
  /** runtime-monitoring, least-privilege, mcp-onboarding, drift, tool-anomaly, multi-turn, audit-log, identity. */
  id: string;
  control: ControlId;
  status: 'passed' | 'failed' | 'not_applicable';
  /** One sentence: what was tried and what happened. */
  reason: string;
  /** ISO 8601, when the drill finished. */
  time: string;
  durationMs: number;
  evidence: { spanIds: string[]; alertIds: string[]; details?: Record<string, string | number | boolean> };
}

const MAX_COLLECTED = 2000;

/** A DrillScope that keeps what the drill published (bounded): alerts and evidence events. */
export class DrillCollector implements DrillScope {
  readonly events: WardenEvent[] = [];
  constructor(readonly runId: string) {}

  onEvent(event: WardenEvent): void {
    if (this.events.length < MAX_COLLECTED) this.events.push(event);
  }

  alerts(): Alert[] {
    return this.events.flatMap((e) => (e.type === 'alert' ? [e.alert] : []));
  }

  /** Forget what was collected (between two drills of one run). */
  clear(): void {
    this.events.length = 0;
  }
}
