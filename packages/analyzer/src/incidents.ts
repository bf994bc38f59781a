/**
 * Incidents: people page on incidents, not on detectors. Detector-level alerts of one agent
 * (all its groups and its tools) that arrive while an incident of that agent is open, within
 * `incidentWindowMs` of its start, fold into it: the first is published as the `alert`, the
 * others as `incident_update`s naming every feature that moved. The incident resolves when its
 * last member alarm does.
 */
import type { Alert, AlertKind, AlertSubject } from '@warden/core';

export interface IncidentState {
  /** The id of the alert that opened it (the one published as `alert`). */
  id: string;
  kind: AlertKind;
  subject: AlertSubject;
  detector: string;
  message: string;
  openedAt: number;
  lastAt: number;
  /** Features (or tools) that moved, in the order they were alerted. */
  features: string[];
  detectors: string[];
  /** Detector-level alerts folded in, the first included. */
  alerts: number;
  /** Ids of member alerts whose alarm is still open. */
  open: string[];
}

/** Incidents remembered per agent (open ones and the most recent closed ones). */
export const MAX_INCIDENTS_PER_AGENT = 8;
const MAX_LISTED = 32;

/** What moved, as an incident lists it: the feature of a drift, the detector and tool of a tool anomaly. */
export function movedFeature(a: Alert): string {
  if (a.subject.feature) return a.subject.feature;
  return a.subject.tool ? `${a.detector}(${a.subject.tool})` : a.detector;
}

/** The open incident of the agent that an alert at `time` joins: open, and alerted within the window. */
export function joinableIncident(incidents: IncidentState[], time: number, windowMs: number): IncidentState | undefined {
  const last = incidents[incidents.length - 1];
  return last && last.open.length > 0 && time - last.lastAt <= windowMs ? last : undefined;
}

export function openIncident(incidents: IncidentState[], alert: Alert, time: number): IncidentState {
  const incident: IncidentState = {
    id: alert.id,
    kind: alert.kind,
    subject: { service: alert.subject.service, agent: alert.subject.agent },
    detector: alert.detector,
    message: alert.message,
    openedAt: time,
    lastAt: time,
    features: [movedFeature(alert)],
    detectors: [alert.detector],
    alerts: 1,
    open: [alert.id],
  };
  incidents.push(incident);
  // Closed incidents go first; an open one is only dropped when every remembered one is open.
  while (incidents.length > MAX_INCIDENTS_PER_AGENT) {
    const closed = incidents.findIndex((i) => i.open.length === 0);
    incidents.splice(Math.max(closed, 0), 1);
  }
  return incident;
}

export function joinIncident(incident: IncidentState, alert: Alert, time: number): void {
  incident.lastAt = time;
  incident.alerts++;
  incident.open.push(alert.id);
  const feature = movedFeature(alert);
  if (!incident.features.includes(feature) && incident.features.length < MAX_LISTED) incident.features.push(feature);
  if (!incident.detectors.includes(alert.detector) && incident.detectors.length < MAX_LISTED) incident.detectors.push(alert.detector);
}

/** A member alarm closed: returns its incident when that was the last open member (the incident is resolved). */
export function closeMember(incidents: IncidentState[], alertId: string): { incident?: IncidentState; resolved: boolean } {
  for (const incident of incidents) {
    const i = incident.open.indexOf(alertId);
    if (i < 0) continue;
    incident.open.splice(i, 1);
    return { incident, resolved: incident.open.length === 0 };
  }
  return { resolved: false };
}
