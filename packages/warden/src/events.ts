import type { Alert, AlertKind, InternalErrorEvent } from '@warden/core';

/** A new baseline started for a group (new model, agent version or prompt version): information, not an alert. */
export interface ConfigChangeEvent {
  group: string;
  reason: string;
  from?: Record<string, string | undefined>;
  to?: Record<string, string | undefined>;
  time: string;
}

/** Behaviour that raised an alert is back to baseline. */
export interface ResolvedEvent {
  alertId?: string;
  detector: string;
  group?: string;
  time: string;
  [key: string]: unknown;
}

type AlertKindEvents = { [K in AlertKind as `alert:${K}`]: (alert: Alert & { kind: K }) => void };

/** The typed events of the handle monitor() returns. */
export type WardenEvents = AlertKindEvents & {
  alert: (alert: Alert) => void;
  config_change: (event: ConfigChangeEvent) => void;
  resolved: (event: ResolvedEvent) => void;
  /** Warden's own failures; never thrown into the app. */
  error: (event: InternalErrorEvent) => void;
};
