/**
 * The one shape of a finished span Warden reads: the OTel SDK's ReadableSpan satisfies it,
 * and so do spans decoded from OTLP (`decodeOtlpTraces`), so every reader (span → CallRecord,
 * processors, the posture ledger) handles live and recorded spans alike. Declared
 * structurally, so the packages that read spans need only @opentelemetry/api at run time.
 */
import type { Attributes, Context, HrTime } from '@opentelemetry/api';

export interface FinishedSpanEvent {
  readonly name: string;
  readonly attributes?: Attributes;
  readonly time?: HrTime;
}

export interface FinishedSpan {
  readonly name: string;
  /** The OTel API's SpanKind (INTERNAL = 0). */
  readonly kind?: number;
  spanContext(): { traceId: string; spanId: string };
  /** SDK 2.x; older SDKs have parentSpanId instead. */
  readonly parentSpanContext?: { spanId: string };
  readonly parentSpanId?: string;
  readonly attributes: Attributes;
  readonly status: { code: number; message?: string };
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration?: HrTime;
  readonly resource?: { attributes: Attributes };
  readonly events?: readonly FinishedSpanEvent[];
}

/** A span still being ended (the SDK's onEnding): readable, and able to take one more event. */
export interface EndingSpan extends FinishedSpan {
  addEvent(name: string, attributes?: Attributes): unknown;
}

/**
 * The SDK SpanProcessor shape Warden's processors implement, typed on FinishedSpan: an
 * instance is passed to any TracerProvider as it is (ReadableSpan is a FinishedSpan).
 */
export interface WardenSpanProcessor {
  onStart(span: unknown, parentContext: Context): void;
  onEnding?(span: EndingSpan): void;
  onEnd(span: FinishedSpan): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function hrTimeToMs(t: HrTime): number {
  return t[0] * 1e3 + t[1] / 1e6;
}

export function parentSpanIdOf(span: FinishedSpan): string | undefined {
  return span.parentSpanContext?.spanId ?? span.parentSpanId;
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
