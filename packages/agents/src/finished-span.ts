import type { Attributes, Context, HrTime, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';

/**
 * The parts of a finished span (the SDK's ReadableSpan) that Warden's processors read,
 * declared structurally so this package needs only @opentelemetry/api at run time.
 */
export interface FinishedSpan {
  readonly name: string;
  readonly kind?: SpanKind;
  spanContext(): SpanContext;
  /** SDK 2.x; older SDKs have parentSpanId instead. */
  readonly parentSpanContext?: SpanContext;
  readonly parentSpanId?: string;
  readonly attributes: Attributes;
  readonly status: SpanStatus;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration?: HrTime;
}

/** The SDK SpanProcessor shape; an instance can be passed to any TracerProvider. */
export interface WardenSpanProcessor {
  onStart(span: unknown, parentContext: Context): void;
  onEnd(span: FinishedSpan): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function stringAttr(attrs: Attributes, key: string): string | undefined {
  const v = attrs[key];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export function numberAttr(attrs: Attributes, key: string): number | undefined {
  const v = attrs[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function stringListAttr(attrs: Attributes, key: string): string[] | undefined {
  const v = attrs[key];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) return undefined;
  const out = v.filter((x): x is string => typeof x === 'string');
  return out.length ? out : undefined;
}

export function hrTimeToMs(t: HrTime): number {
  return t[0] * 1e3 + t[1] / 1e6;
}

export function parentSpanIdOf(span: FinishedSpan): string | undefined {
  return span.parentSpanContext?.spanId ?? span.parentSpanId;
}
