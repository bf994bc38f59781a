/**
 * The alerts `warden serve` remembers: the most recent ones (GET /alerts, the live page, the
 * SSE backlog) and the open incidents (alerts raised and not yet back to baseline, GET
 * /alerts/open). Both go into the state snapshot, so a restart keeps them, and one service's
 * share moves with its analyzer state to another replica.
 */
import { z } from 'zod';
import type { Alert } from '@warden/core';

/** The analyzer's `resolved` event, as far as the history needs it. */
export interface ResolvedEvent {
  alertId: string;
  subject?: { service?: string };
}

export interface SavedAlerts {
  /** Oldest first. */
  recent: Alert[];
  /** Oldest first. */
  open: Alert[];
}

// Alerts come back from a file or another replica: checked for the fields every reader of an
// Alert relies on; other fields are kept as they are.
const AlertShape = z.looseObject({
  id: z.string().min(1).max(200),
  kind: z.string().min(1).max(100),
  severity: z.string().max(20),
  detector: z.string().max(200),
  subject: z.record(z.string(), z.unknown()),
  message: z.string().max(10_000),
  traceIds: z.array(z.string()).max(100),
  controls: z.array(z.string()).max(100),
  time: z.string().max(40),
});

export const SavedAlertsSchema = z.object({
  recent: z.array(AlertShape).max(10_000).default([]),
  open: z.array(AlertShape).max(10_000).default([]),
});

function serviceOf(alert: Pick<Alert, 'subject'>): string | undefined {
  const s = (alert.subject as { service?: unknown } | undefined)?.service;
  return typeof s === 'string' ? s : undefined;
}

/** Same alert: ids are per analyzer, so two replicas may reuse one; the service tells them apart. */
function identity(alert: Pick<Alert, 'id' | 'subject'>): string {
  return `${serviceOf(alert) ?? ''}\u0000${alert.id}`;
}

export class AlertHistory {
  private ring: Alert[] = [];
  private readonly openByIdentity = new Map<string, Alert>();

  /**
   * @param recentCapacity alerts kept for GET /alerts
   * @param openCapacity open incidents kept; beyond it the oldest is forgotten (alerts of kinds
   *   that never resolve must not grow it without bound)
   */
  constructor(
    private readonly recentCapacity: number,
    private readonly openCapacity: number,
  ) {}

  add(alert: Alert): void {
    this.ring.push(alert);
    if (this.ring.length > this.recentCapacity) this.ring.shift();
    this.openByIdentity.set(identity(alert), alert);
    if (this.openByIdentity.size > this.openCapacity) this.openByIdentity.delete(this.openByIdentity.keys().next().value as string);
  }

  /** The incident is closed; returns its alert when it was open. */
  resolve(event: ResolvedEvent): Alert | undefined {
    const key = `${event.subject?.service ?? ''}\u0000${event.alertId}`;
    const alert = this.openByIdentity.get(key);
    this.openByIdentity.delete(key);
    return alert;
  }

  /** Newest first. */
  recent(limit: number): Alert[] {
    return this.ring.slice(-Math.max(0, limit)).reverse();
  }

  /** Open incidents, newest first. */
  open(): Alert[] {
    return [...this.openByIdentity.values()].reverse();
  }

  save(): SavedAlerts {
    return { recent: [...this.ring], open: [...this.openByIdentity.values()] };
  }

  /** Replaces everything with what `save()` returned (at start, from the snapshot). */
  restore(saved: unknown): void {
    const parsed = SavedAlertsSchema.parse(saved ?? {}) as unknown as SavedAlerts;
    this.ring = parsed.recent.slice(-this.recentCapacity);
    this.openByIdentity.clear();
    for (const a of parsed.open.slice(-this.openCapacity)) this.openByIdentity.set(identity(a), a);
  }

  /** One service's recent alerts and open incidents, to move with its analyzer state. */
  saveService(service: string): SavedAlerts {
    const mine = (a: Alert): boolean => serviceOf(a) === service;
    return { recent: this.ring.filter(mine), open: [...this.openByIdentity.values()].filter(mine) };
  }

  /**
   * Takes over a service moved from another replica: its open incidents replace the ones held
   * here for that service; its recent alerts join the ring in time order (those already here
   * are not repeated).
   */
  loadService(service: string, saved: unknown): void {
    const parsed = SavedAlertsSchema.parse(saved ?? {}) as unknown as SavedAlerts;
    const theirs = (list: Alert[]): Alert[] => list.filter((a) => serviceOf(a) === service);
    for (const [key, a] of this.openByIdentity) if (serviceOf(a) === service) this.openByIdentity.delete(key);
    for (const a of theirs(parsed.open)) this.openByIdentity.set(identity(a), a);
    while (this.openByIdentity.size > this.openCapacity) this.openByIdentity.delete(this.openByIdentity.keys().next().value as string);
    const known = new Set(this.ring.map(identity));
    const merged = [...this.ring, ...theirs(parsed.recent).filter((a) => !known.has(identity(a)))];
    // Stable: alerts with the same time keep the order they had.
    merged.sort((a, b) => (Date.parse(a.time) || 0) - (Date.parse(b.time) || 0));
    this.ring = merged.slice(-this.recentCapacity);
  }
}

/** Key of the saved alerts inside the state file, beside the analyzer snapshot's own keys. */
const STATE_ALERTS_KEY = 'alerts';

/** The state file's content: the analyzer snapshot with the saved alerts beside its keys. */
export function stateWithAlerts(analyzerSnapshot: unknown, alerts: SavedAlerts): unknown {
  return { ...(analyzerSnapshot as object), [STATE_ALERTS_KEY]: alerts };
}

/** The saved alerts of a state file (undefined for files written before they were kept). */
export function alertsOfState(state: unknown): unknown {
  return typeof state === 'object' && state !== null ? (state as Record<string, unknown>)[STATE_ALERTS_KEY] : undefined;
}
