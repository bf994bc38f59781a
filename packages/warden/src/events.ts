import type { AlertResolved, AlertUpdate, ConfigChange, IncidentUpdate } from '@warden/analyzer';
import type { Alert, AlertKind, InternalErrorEvent } from '@warden/core';
import type { DrillReport } from './drills/run-drills';

export type { AlertResolved, AlertUpdate, ConfigChange, IncidentUpdate };

type AlertKindEvents = { [K in AlertKind as `alert:${K}`]: (alert: Alert & { kind: K }) => void };

/** The typed events of the handle monitor() returns. */
export type WardenEvents = AlertKindEvents & {
  alert: (alert: Alert) => void;
  /** A new baseline started (new model, agent version or prompt version): information, not an alert. */
  config_change: (event: ConfigChange) => void;
  /** Behaviour that raised an alert is back to baseline, or was accepted as the new normal. */
  resolved: (event: AlertResolved) => void;
  /** A drill run finished (warden.drill() or the schedule): each drill's verdict and evidence. */
  drill: (report: DrillReport) => void;
  /** Another detector-level alert joined the open incident that an `alert` opened (every feature that moved). */
  incident_update: (event: IncidentUpdate) => void;
  /** More evidence on an open alert (a tool outside allowedTools called again), with its count. */
  alert_update: (event: AlertUpdate) => void;
  /** Warden's own failures; never thrown into the app. */
  error: (event: InternalErrorEvent) => void;
};
