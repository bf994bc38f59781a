import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { isDrillSpan, safely } from '@warden/core';
import type { DrillSpanSink } from './drills/drill-spans';

/**
 * Warden's processors (analyzer, posture ledger, audit log) as one SpanProcessor, so a
 * team with its own provider adds one line: `spanProcessors: [..., warden.spanProcessor]`.
 * A failing processor is reported, never thrown into the span's end.
 */
export class WardenSpanProcessor implements SpanProcessor {
  /** `drills`: spans started inside a drill are stamped and go to it alone, never to baselines or the ledger. */
  constructor(
    private readonly processors: SpanProcessor[],
    private readonly drills?: DrillSpanSink,
  ) {}

  onStart(span: Span, parentContext: Context): void {
    if (this.drills) safely('warden.processor.drillMark', () => this.drills!.mark(span));
    if (isDrillSpan(span as unknown as ReadableSpan)) return;
    for (const p of this.processors) safely('warden.processor.onStart', () => p.onStart(span, parentContext));
  }

  onEnding(span: Span): void {
    if (isDrillSpan(span as unknown as ReadableSpan)) return;
    for (const p of this.processors) if (p.onEnding) safely('warden.processor.onEnding', () => p.onEnding!(span));
  }

  onEnd(span: ReadableSpan): void {
    if (isDrillSpan(span)) {
      this.drills?.keep(span);
      return;
    }
    for (const p of this.processors) safely('warden.processor.onEnd', () => p.onEnd(span));
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.forceFlush().catch(() => undefined)));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.shutdown().catch(() => undefined)));
  }
}
