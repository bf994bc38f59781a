/**
 * An alert as a `warden.alert` span event (written on the span that triggered it, so it is
 * exported with the trace) and back: `warden report` and `warden serve` recover alerts from
 * recorded spans with the same names and the same controls as the live alert.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import {
  ATTR_WARDEN_ALERT_DETECTOR,
  ATTR_WARDEN_ALERT_ID,
  ATTR_WARDEN_ALERT_KIND,
  ATTR_WARDEN_ALERT_MESSAGE,
  ATTR_WARDEN_ALERT_SCORE,
  ATTR_WARDEN_ALERT_SEVERITY,
  ATTR_WARDEN_ALERT_THRESHOLD,
} from './semconv';
import type { Alert } from './types';

export function alertEventAttributes(alert: Alert): Attributes {
  const attrs: Record<string, AttributeValue> = {
    [ATTR_WARDEN_ALERT_ID]: alert.id,
    [ATTR_WARDEN_ALERT_KIND]: alert.kind,
    [ATTR_WARDEN_ALERT_DETECTOR]: alert.detector,
    [ATTR_WARDEN_ALERT_SEVERITY]: alert.severity,
    [ATTR_WARDEN_ALERT_MESSAGE]: alert.message,
  };
  if (Number.isFinite(alert.score)) attrs[ATTR_WARDEN_ALERT_SCORE] = alert.score;
  if (Number.isFinite(alert.threshold)) attrs[ATTR_WARDEN_ALERT_THRESHOLD] = alert.threshold;
  return attrs;
}
