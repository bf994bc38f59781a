/**
 * A span received over OTLP, shaped like the SDK's ReadableSpan so that the analyzer's one
 * span-to-record mapping (`callRecordFromSpan`) reads it exactly as it reads in-process spans.
 */
export type HrTime = [number, number];

import type { Attributes, AttributeValue } from '@opentelemetry/api';

export type OtlpAttributeValue = AttributeValue;
export type OtlpAttributes = Attributes;

export interface OtlpSpanContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
  traceState?: undefined;
  isRemote?: boolean;
}

export interface OtlpSpanEvent {
  name: string;
  attributes: OtlpAttributes;
  time: HrTime;
}

export interface OtlpSpanInit {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceFlags: number;
  startNanos: bigint;
  endNanos: bigint;
  attributes: OtlpAttributes;
  status: { code: number; message?: string };
  events: OtlpSpanEvent[];
  resourceAttributes: OtlpAttributes;
  scope: { name: string; version?: string };
}

const NANOS_PER_SECOND = 1_000_000_000n;

export function hrTimeFromNanos(nanos: bigint): HrTime {
  return [Number(nanos / NANOS_PER_SECOND), Number(nanos % NANOS_PER_SECOND)];
}

export class OtlpSpan {
  readonly name: string;
  readonly kind: number;
  readonly attributes: OtlpAttributes;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly ended = true;
  readonly status: { code: number; message?: string };
  readonly events: OtlpSpanEvent[];
  readonly links: never[] = [];
  readonly resource: { attributes: OtlpAttributes };
  readonly instrumentationScope: { name: string; version?: string };
  readonly parentSpanContext: OtlpSpanContext | undefined;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;
  private readonly context: OtlpSpanContext;

  constructor(init: OtlpSpanInit) {
    this.name = init.name;
    this.kind = init.kind;
    this.attributes = init.attributes;
    this.startTime = hrTimeFromNanos(init.startNanos);
    this.endTime = hrTimeFromNanos(init.endNanos);
    this.duration = hrTimeFromNanos(init.endNanos - init.startNanos);
    this.status = init.status;
    this.events = init.events;
    this.resource = { attributes: init.resourceAttributes };
    this.instrumentationScope = init.scope;
    this.context = { traceId: init.traceId, spanId: init.spanId, traceFlags: init.traceFlags };
    this.parentSpanContext = init.parentSpanId
      ? { traceId: init.traceId, spanId: init.parentSpanId, traceFlags: init.traceFlags, isRemote: true }
      : undefined;
  }

  spanContext(): OtlpSpanContext {
    return this.context;
  }
}
