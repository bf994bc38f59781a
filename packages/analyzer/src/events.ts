/** The events an Analyzer emits besides alerts. */
import type { Alert, AlertKind, AlertSubject } from '@warden/core';

/** A new baseline started: informational, not an alert. */
export interface ConfigChange {
  reason: 'model' | 'agent_version' | 'prompt_version';
  subject: AlertSubject;
  from?: string;
  to: string;
  message: string;
  traceId: string;
  time: string;
}

/** An alert's behaviour is back to baseline. */
export interface AlertResolved {
  alertId: string;
  detector: string;
  kind: AlertKind;
  subject: AlertSubject;
  message: string;
  /** Records of the group (or agent) between the alert and its resolution. */
  records: number;
  time: string;
}

export type AnalyzerEvents = {
  alert: (alert: Alert) => void;
  config_change: (change: ConfigChange) => void;
  resolved: (resolved: AlertResolved) => void;
} & { [K in AlertKind as `alert:${K}`]: (alert: Alert) => void };
