import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { safely } from '@warden/core';

/**
 * Warden's processors (analyzer, posture ledger, audit log) as one SpanProcessor, so a
 * team with its own provider adds one line: `spanProcessors: [..., warden.spanProcessor]`.
 * A failing processor is reported, never thrown into the span's end.
 */
export class WardenSpanProcessor implements SpanProcessor {
  constructor(private readonly processors: SpanProcessor[]) {}

  onStart(span: Span, parentContext: Context): void {
    for (const p of this.processors) safely('warden.processor.onStart', () => p.onStart(span, parentContext));
  }

  onEnding(span: Span): void {
    for (const p of this.processors) if (p.onEnding) safely('warden.processor.onEnding', () => p.onEnding!(span));
  }

  onEnd(span: ReadableSpan): void {
    for (const p of this.processors) safely('warden.processor.onEnd', () => p.onEnd(span));
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.forceFlush().catch(() => undefined)));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.shutdown().catch(() => undefined)));
  }
}
