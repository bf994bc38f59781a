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

/** An alert's behaviour is back to baseline, or was accepted as the new normal (a new baseline is learned). */
export interface AlertResolved {
  alertId: string;
  /** `baseline`: quiet for the cool-down; `accepted`: by `acceptAfter` or `analyzer.accept(alertId)`. */
  reason: 'baseline' | 'accepted';
  detector: string;
  kind: AlertKind;
  subject: AlertSubject;
  message: string;
  /** Records of the group (or agent) between the alert and its resolution. */
  records: number;
  time: string;
}

/** More evidence on an open alert (a tool outside allowedTools called again): never silently absorbed. */
export interface AlertUpdate {
  alertId: string;
  detector: string;
  kind: AlertKind;
  subject: AlertSubject;
  /** Times the behaviour was seen since the alert was raised, counting the first. */
  occurrences: number;
  traceId: string;
  message: string;
  time: string;
}

/** A detector-level alert folded into an open incident (the incident's own alert was published before). */
export interface IncidentUpdate {
  incidentId: string;
  alert: Alert;
  /** Every feature (or tool) that moved in this incident so far, in order. */
  features: string[];
  detectors: string[];
  /** Detector-level alerts in the incident, the first included. */
  alerts: number;
}

export type AnalyzerEvents = {
  /** One per incident: the first detector-level alert of an agent's change. */
  alert: (alert: Alert) => void;
  incident_update: (update: IncidentUpdate) => void;
  /** Every detector-level alert, whether it opened an incident or joined one. */
  detector_alert: (alert: Alert) => void;
  /** Every detector-level alarm that closed (`resolved` fires once per incident). */
  detector_resolved: (resolved: AlertResolved) => void;
  alert_update: (update: AlertUpdate) => void;
  config_change: (change: ConfigChange) => void;
  resolved: (resolved: AlertResolved) => void;
} & { [K in AlertKind as `alert:${K}`]: (alert: Alert) => void };
