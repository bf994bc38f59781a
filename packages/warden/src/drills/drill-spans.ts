import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_WARDEN_DRILL, ATTR_WARDEN_DRILL_RUN, activeDrill, isDrillSpan } from '@warden/core/internal';

const MAX_DRILL_SPANS = 500;

/** Stamps spans started inside a drill and keeps them (bounded) as the drill's evidence. */
export class DrillSpanSink {
  private readonly spans: ReadableSpan[] = [];

  /** Called from onStart: marks the span when a drill is running in this async context. */
  mark(span: Span): void {
    const drill = activeDrill();
    if (!drill) return;
    span.setAttribute(ATTR_WARDEN_DRILL, true);
    span.setAttribute(ATTR_WARDEN_DRILL_RUN, drill.runId);
  }

  keep(span: ReadableSpan): void {
    if (this.spans.length >= MAX_DRILL_SPANS) this.spans.shift();
    this.spans.push(span);
  }

  /** The spans of one drill run (and forgets them). */
  take(runId: string): ReadableSpan[] {
    const mine = this.spans.filter((s) => s.attributes[ATTR_WARDEN_DRILL_RUN] === runId);
    for (let i = this.spans.length - 1; i >= 0; i--) if (this.spans[i]!.attributes[ATTR_WARDEN_DRILL_RUN] === runId) this.spans.splice(i, 1);
    return mine;
  }

  peek(runId: string): ReadableSpan[] {
    return this.spans.filter((s) => s.attributes[ATTR_WARDEN_DRILL_RUN] === runId);
  }
}

/** Wraps an exporting processor so drill spans never leave the process as usage. */
export class DrillFilterSpanProcessor implements SpanProcessor {
  constructor(private readonly inner: SpanProcessor) {}
  onStart(span: Span, parentContext: Context): void {
    // Marked before the inner processor sees it (the Warden processor runs first and stamps drill spans).
    if (!isDrillSpan(span as unknown as ReadableSpan) && !activeDrill()) this.inner.onStart(span, parentContext);
  }
  onEnding(span: Span): void {
    if (!isDrillSpan(span as unknown as ReadableSpan)) this.inner.onEnding?.(span);
  }
  onEnd(span: ReadableSpan): void {
    if (!isDrillSpan(span)) this.inner.onEnd(span);
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
