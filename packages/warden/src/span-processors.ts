import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { callRecordFromSpan, type CallRecord, type FinishedSpan } from '@warden/core';
import { isDrillSpan, reportInternalError } from '@warden/core/internal';
import type { DrillSpanSink } from './drills/drill-spans';

/**
 * Warden's processors (analyzer, posture ledger, audit log) as one SpanProcessor, so a
 * team with its own provider adds one line: `spanProcessors: [..., warden.spanProcessor]`.
 * A failing processor is reported, never thrown into the span's end. Runs on every span of the
 * app: plain loops, no closure per processor per span.
 */
export class WardenSpanProcessor implements SpanProcessor {
  private readonly ending: SpanProcessor[];

  /** `drills`: spans started inside a drill are stamped and go to it alone, never to baselines or the ledger. */
  constructor(
    private readonly processors: SpanProcessor[],
    private readonly drills?: DrillSpanSink,
  ) {
    this.ending = processors.filter((p) => typeof p.onEnding === 'function');
  }

  onStart(span: Span, parentContext: Context): void {
    if (this.drills) {
      try {
        this.drills.mark(span);
      } catch (e) {
        reportInternalError('warden.processor.drillMark', e);
      }
    }
    if (isDrillSpan(span as unknown as ReadableSpan)) return;
    for (const p of this.processors) {
      try {
        p.onStart(span, parentContext);
      } catch (e) {
        reportInternalError('warden.processor.onStart', e);
      }
    }
  }

  onEnding(span: Span): void {
    if (isDrillSpan(span as unknown as ReadableSpan)) return;
    for (const p of this.ending) {
      try {
        p.onEnding!(span);
      } catch (e) {
        reportInternalError('warden.processor.onEnding', e);
      }
    }
  }

  onEnd(span: ReadableSpan): void {
    if (isDrillSpan(span)) {
      this.drills?.keep(span);
      return;
    }
    for (const p of this.processors) {
      try {
        p.onEnd(span);
      } catch (e) {
        reportInternalError('warden.processor.onEnd', e);
      }
    }
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.forceFlush().catch(() => undefined)));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.shutdown().catch(() => undefined)));
  }
}

/**
 * One decoded view of a finished span for every processor that reads it as a CallRecord (the
 * analyzer in onEnding, the posture ledger in onEnd): the processors run one after the other
 * on the same span, so remembering the last span decoded is enough, without a map.
 */
export class SharedCallRecord {
  private lastSpan: FinishedSpan | undefined;
  private lastRecord: CallRecord | undefined;

  constructor(private readonly service: string) {}

  readonly of = (span: FinishedSpan): CallRecord | undefined => {
    if (span !== this.lastSpan) {
      this.lastRecord = callRecordFromSpan(span, this.service);
      this.lastSpan = span;
    }
    return this.lastRecord;
  };
}
