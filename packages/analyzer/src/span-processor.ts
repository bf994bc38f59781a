/**
 * An OpenTelemetry SpanProcessor that feeds every finished GenAI span to an Analyzer.
 * With SDK 2.x it analyses in `onEnding` (the span is still writable), so each alert is
 * also recorded as a `warden.alert` event on the span that triggered it and exported with it.
 */
import type { Attributes, AttributeValue, Context } from '@opentelemetry/api';
import { reportInternalError, type Alert, type CallRecord } from '@warden/core';
import { callRecordFromSpan, type SpanLike } from './call-record';
import type { Analyzer } from './analyzer';

/** Span event and attribute names for alerts recorded on spans (Warden's own, not GenAI conventions). */
export const EVENT_WARDEN_ALERT = 'warden.alert';
export const ATTR_WARDEN_ALERT_ID = 'warden.alert.id';
export const ATTR_WARDEN_ALERT_KIND = 'warden.alert.kind';
export const ATTR_WARDEN_ALERT_DETECTOR = 'warden.alert.detector';
export const ATTR_WARDEN_ALERT_SEVERITY = 'warden.alert.severity';
export const ATTR_WARDEN_ALERT_MESSAGE = 'warden.alert.message';
export const ATTR_WARDEN_ALERT_SCORE = 'warden.alert.score';
export const ATTR_WARDEN_ALERT_THRESHOLD = 'warden.alert.threshold';

/** A span still being ended: readable, and able to take one more event. */
export interface EndingSpanLike extends SpanLike {
  addEvent(name: string, attributes?: Attributes): unknown;
}

export interface AnalyzerSpanProcessorOptions {
  /** Service name for spans whose resource has none. */
  service?: string;
  /**
   * Span → CallRecord; default callRecordFromSpan. monitor() passes one decoder that it shares
   * with the posture ledger, so each span is decoded once, not once per processor.
   */
  recordFromSpan?: (span: SpanLike) => CallRecord | undefined;
}

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

export class AnalyzerSpanProcessor {
  private readonly service: string | undefined;
  private readonly recordFromSpan: ((span: SpanLike) => CallRecord | undefined) | undefined;
  /** Set once the SDK calls onEnding: from then on onEnd never analyses (no double counting). */
  private sdkCallsOnEnding = false;

  constructor(
    readonly analyzer: Analyzer,
    options?: AnalyzerSpanProcessorOptions,
  ) {
    this.service = options?.service ?? analyzer.options.service;
    this.recordFromSpan = options?.recordFromSpan;
  }

  onStart(_span: unknown, _parentContext: Context): void {}

  onEnding(span: EndingSpanLike): void {
    this.sdkCallsOnEnding = true;
    try {
      const alerts = this.analyse(span);
      if (alerts) for (const alert of alerts) span.addEvent(EVENT_WARDEN_ALERT, alertEventAttributes(alert));
    } catch (e) {
      reportInternalError('analyzer.spanProcessor.onEnding', e);
    }
  }

  onEnd(span: SpanLike): void {
    if (this.sdkCallsOnEnding) return;
    try {
      this.analyse(span);
    } catch (e) {
      reportInternalError('analyzer.spanProcessor.onEnd', e);
    }
  }

  forceFlush(): Promise<void> {
    this.analyzer.flush();
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.analyzer.flush();
    return Promise.resolve();
  }

  private analyse(span: SpanLike): Alert[] | undefined {
    const record = this.recordFromSpan ? this.recordFromSpan(span) : callRecordFromSpan(span, this.service);
    if (!record) return undefined;
    const alerts = this.analyzer.observe(record);
    return alerts.length > 0 ? alerts : undefined;
  }
}
