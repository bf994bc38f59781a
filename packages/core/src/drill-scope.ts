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
