/**
 * An OpenTelemetry SpanProcessor that feeds every finished GenAI span to an Analyzer.
 * With SDK 2.x it analyses in `onEnding` (the span is still writable), so each alert is
 * also recorded as a `warden.alert` event on the span that triggered it and exported with it.
 */
import type { Context } from '@opentelemetry/api';
import { callRecordFromSpan, EVENT_WARDEN_ALERT, type Alert, type CallRecord, type FinishedSpan } from '@warden/core';
import { alertEventAttributes, reportInternalError, type EndingSpan } from '@warden/core/internal';
import type { Analyzer } from './analyzer';

export interface AnalyzerSpanProcessorOptions {
  /** Service name for spans whose resource has none. */
  service?: string;
  /**
   * Span → CallRecord; default callRecordFromSpan. monitor() passes one decoder that it shares
   * with the posture ledger, so each span is decoded once, not once per processor.
   */
  recordFromSpan?: (span: FinishedSpan) => CallRecord | undefined;
}

export class AnalyzerSpanProcessor {
  private readonly service: string | undefined;
  private readonly recordFromSpan: ((span: FinishedSpan) => CallRecord | undefined) | undefined;
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

  onEnding(span: EndingSpan): void {
    this.sdkCallsOnEnding = true;
    try {
      const alerts = this.analyse(span);
      if (alerts) for (const alert of alerts) span.addEvent(EVENT_WARDEN_ALERT, alertEventAttributes(alert));
    } catch (e) {
      reportInternalError('analyzer.spanProcessor.onEnding', e);
    }
  }

  onEnd(span: FinishedSpan): void {
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

  private analyse(span: FinishedSpan): Alert[] | undefined {
    const record = this.recordFromSpan ? this.recordFromSpan(span) : callRecordFromSpan(span, this.service);
    if (!record) return undefined;
    const alerts = this.analyzer.observe(record);
    return alerts.length > 0 ? alerts : undefined;
  }
}
