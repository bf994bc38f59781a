import type { AlertResolved, ConfigChange } from '@warden/analyzer';
import type { Alert, AlertKind, InternalErrorEvent } from '@warden/core';
import type { DrillReport } from './drills/run-drills';

export type { AlertResolved, ConfigChange };

type AlertKindEvents = { [K in AlertKind as `alert:${K}`]: (alert: Alert & { kind: K }) => void };

/** The typed events of the handle monitor() returns. */
export type WardenEvents = AlertKindEvents & {
  alert: (alert: Alert) => void;
  /** A new baseline started (new model, agent version or prompt version): information, not an alert. */
  config_change: (event: ConfigChange) => void;
  /** Behaviour that raised an alert is back to baseline. */
  resolved: (event: AlertResolved) => void;
  /** A drill run finished (warden.drill() or the schedule): each drill's verdict and evidence. */
  drill: (report: DrillReport) => void;
  /** Warden's own failures; never thrown into the app. */
  error: (event: InternalErrorEvent) => void;
};
