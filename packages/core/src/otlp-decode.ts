/**
 * OTLP trace requests (ExportTraceServiceRequest) into spans: the one decoder behind
 * `warden serve` (OTLP/HTTP and gRPC, protobuf or JSON) and `warden report` (OTLP/JSON
 * files). protobufjs messages and OTLP/JSON objects share field names and differ only in
 * how ids, int64s and bytes are written, so one walker serves both. Each span comes out
 * as an OtlpSpan, a FinishedSpan like the SDK's ReadableSpan, so the one span-to-record
 * mapping (`callRecordFromSpan`) reads recorded spans exactly as it reads live ones.
 */
import type { Attributes, AttributeValue, HrTime } from '@opentelemetry/api';
import type { FinishedSpan } from './finished-span';
import { ATTR_SERVICE_NAME } from './semconv';

export type OtlpEncoding = 'protobuf' | 'json';

export interface DecodedSpan {
  span: OtlpSpan;
  /** service.name of the span's resource. */
  service: string | undefined;
}

export interface DecodedTraceRequest {
  spans: DecodedSpan[];
  /** Spans present in the request, valid or not. */
  totalSpans: number;
  /** Spans dropped because they were malformed (partial success). */
  rejectedSpans: number;
  /** The first few reasons, for the partial-success error message. */
  rejectReasons: string[];
}

/** The whole request could not be read as an OTLP trace request (HTTP 400, a rejected line). */
export class MalformedOtlpError extends Error {
  override readonly name = 'MalformedOtlpError';
}

export interface OtlpSpanContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
  traceState?: undefined;
  isRemote?: boolean;
}

export interface OtlpSpanEvent {
  name: string;
  attributes: Attributes;
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
  attributes: Attributes;
  status: { code: number; message?: string };
  events: OtlpSpanEvent[];
  resourceAttributes: Attributes;
  scope: { name: string; version?: string };
}

const NANOS_PER_SECOND = 1_000_000_000n;

export function hrTimeFromNanos(nanos: bigint): HrTime {
  return [Number(nanos / NANOS_PER_SECOND), Number(nanos % NANOS_PER_SECOND)];
}

/** A span received over OTLP, shaped like the SDK's ReadableSpan. */
export class OtlpSpan implements FinishedSpan {
  readonly name: string;
  readonly kind: number;
  readonly attributes: Attributes;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly ended = true;
  readonly status: { code: number; message?: string };
  readonly events: OtlpSpanEvent[];
  readonly links: never[] = [];
  readonly resource: { attributes: Attributes };
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
    this.parentSpanContext = init.parentSpanId ? { traceId: init.traceId, spanId: init.parentSpanId, traceFlags: init.traceFlags, isRemote: true } : undefined;
  }

  spanContext(): OtlpSpanContext {
    return this.context;
  }
}

const MAX_REJECT_REASONS = 3;
const MAX_VALUE_DEPTH = 8;
const HEX_TRACE_ID = /^[0-9a-f]{32}$/i;
const HEX_SPAN_ID = /^[0-9a-f]{16}$/i;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

interface LongLike {
  low: number;
  high: number;
}

type Wire = Record<string, unknown>;

function has(o: Wire, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

function isLong(v: unknown): v is LongLike {
  return typeof v === 'object' && v !== null && typeof (v as LongLike).low === 'number' && typeof (v as LongLike).high === 'number';
}

/** fixed64/int64 as written by either encoding, to nanoseconds (exact). */
function toBigInt(v: unknown): bigint | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string') return /^-?\d+$/.test(v) ? BigInt(v) : undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : undefined;
  if (isLong(v)) return BigInt.asUintN(64, (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0));
  return undefined;
}

function toInt64Number(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined;
  if (typeof v === 'string') return /^-?\d+$/.test(v) ? Number(v) : undefined;
  if (isLong(v)) return Number(BigInt.asIntN(64, (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0)));
  return undefined;
}

function toDouble(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function idToHex(v: unknown, json: boolean): string | undefined {
  // protobufjs leaves an unset bytes field as its prototype default, an empty array.
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) return '';
  if (json) return typeof v === 'string' ? v.toLowerCase() : undefined;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  return undefined;
}

function bytesToString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  return '';
}

class SpanRejected extends Error {}

type Scalar = string | number | boolean | null;

/**
 * An AnyValue as an attribute value. A value of the wrong type, or nested too deeply, is
 * dropped (the attribute is absent) rather than costing the whole span: the rest of the span
 * is still evidence. Array members that are malformed or empty are dropped the same way.
 */
function anyValue(av: unknown, json: boolean, depth: number): Scalar | Scalar[] | Record<string, unknown> | undefined {
  if (typeof av !== 'object' || av === null) return undefined;
  const o = av as Wire;
  if (has(o, 'stringValue')) return typeof o.stringValue === 'string' ? o.stringValue : undefined;
  if (has(o, 'boolValue')) return typeof o.boolValue === 'boolean' ? o.boolValue : undefined;
  if (has(o, 'intValue')) return toInt64Number(o.intValue);
  if (has(o, 'doubleValue')) return toDouble(o.doubleValue);
  if (has(o, 'bytesValue')) return bytesToString(o.bytesValue);
  if (depth > MAX_VALUE_DEPTH) return undefined;
  if (has(o, 'arrayValue')) {
    const values = (o.arrayValue as Wire | null)?.values ?? [];
    if (!Array.isArray(values)) return undefined;
    const out: Scalar[] = [];
    for (const v of values) {
      const x = anyValue(v, json, depth + 1);
      if (x !== undefined) out.push(x === null || typeof x !== 'object' ? x : JSON.stringify(x));
    }
    return out;
  }
  if (has(o, 'kvlistValue')) {
    const values = (o.kvlistValue as Wire | null)?.values ?? [];
    if (!Array.isArray(values)) return undefined;
    const out: Record<string, unknown> = {};
    for (const kv of values as Wire[]) {
      if (typeof kv?.key === 'string') out[kv.key] = anyValue(kv.value, json, depth + 1) ?? null;
    }
    return out;
  }
  return undefined; // an empty AnyValue is legal: the attribute is simply absent
}

function attributes(list: unknown, json: boolean): Attributes {
  const out: Attributes = {};
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) throw new SpanRejected('attributes is not a list');
  for (const kv of list as Wire[]) {
    if (typeof kv !== 'object' || kv === null || typeof kv.key !== 'string') throw new SpanRejected('attribute without a key');
    const v = anyValue(kv.value, json, 0);
    if (v === undefined || v === null) continue;
    // OTel attributes hold scalars or arrays of scalars; a map travels as its JSON text.
    out[kv.key] = (Array.isArray(v) || typeof v !== 'object' ? v : JSON.stringify(v)) as AttributeValue;
  }
  return out;
}

function resourceAttributes(resource: unknown, json: boolean): Attributes {
  try {
    return attributes((resource as Wire | undefined)?.attributes, json);
  } catch {
    return {};
  }
}

function decodeSpan(raw: unknown, json: boolean, resourceAttrs: Attributes, scope: { name: string; version?: string }): OtlpSpan {
  if (typeof raw !== 'object' || raw === null) throw new SpanRejected('span is not an object');
  const s = raw as Wire;
  const traceId = idToHex(s.traceId, json);
  const spanId = idToHex(s.spanId, json);
  if (!traceId || !HEX_TRACE_ID.test(traceId) || traceId === ZERO_TRACE_ID) throw new SpanRejected('invalid traceId');
  if (!spanId || !HEX_SPAN_ID.test(spanId) || spanId === ZERO_SPAN_ID) throw new SpanRejected('invalid spanId');
  const parentSpanId = idToHex(s.parentSpanId, json);
  if (parentSpanId === undefined || (parentSpanId !== '' && !HEX_SPAN_ID.test(parentSpanId))) {
    throw new SpanRejected('invalid parentSpanId');
  }
  const startNanos = toBigInt(s.startTimeUnixNano);
  const endNanos = toBigInt(s.endTimeUnixNano);
  if (startNanos === undefined || endNanos === undefined || startNanos === 0n || endNanos < startNanos) {
    throw new SpanRejected('invalid start/end time');
  }
  const status = (s.status ?? {}) as Wire;
  const code = status.code === undefined ? 0 : Number(status.code);
  if (!Number.isInteger(code)) throw new SpanRejected('invalid status code');
  const events: OtlpSpanEvent[] = [];
  if (Array.isArray(s.events)) {
    for (const e of s.events as Wire[]) {
      const t = toBigInt(e?.timeUnixNano) ?? endNanos;
      events.push({
        name: typeof e?.name === 'string' ? e.name : '',
        attributes: attributes(e?.attributes, json),
        time: [Number(t / 1_000_000_000n), Number(t % 1_000_000_000n)],
      });
    }
  }
  return new OtlpSpan({
    name: typeof s.name === 'string' ? s.name : '',
    // OTLP numbers SpanKind from UNSPECIFIED=0; the OTel API from INTERNAL=0.
    kind: Math.max(0, (Number(s.kind ?? 0) || 0) - 1),
    traceId,
    spanId,
    parentSpanId: parentSpanId || undefined,
    traceFlags: Number(s.flags ?? 1) & 0xff || 1,
    startNanos,
    endNanos,
    attributes: attributes(s.attributes, json),
    status: typeof status.message === 'string' && status.message !== '' ? { code, message: status.message } : { code },
    events,
    resourceAttributes: resourceAttrs,
    scope,
  });
}

/**
 * Spans out of one ExportTraceServiceRequest, already parsed: a JSON object (OTLP/JSON) or a
 * protobufjs message (OTLP/protobuf). Malformed spans are dropped and counted (partial
 * success); a request that is not one at all throws MalformedOtlpError.
 */
export function decodeOtlpTraces(request: unknown, encoding: OtlpEncoding): DecodedTraceRequest {
  const json = encoding === 'json';
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new MalformedOtlpError('body is not an ExportTraceServiceRequest');
  }
  const resourceSpans = (request as Wire).resourceSpans ?? [];
  if (!Array.isArray(resourceSpans)) throw new MalformedOtlpError('resourceSpans is not a list');
  const out: DecodedTraceRequest = { spans: [], totalSpans: 0, rejectedSpans: 0, rejectReasons: [] };
  for (const rs of resourceSpans as Wire[]) {
    if (typeof rs !== 'object' || rs === null) throw new MalformedOtlpError('resourceSpans entry is not an object');
    const resourceAttrs = resourceAttributes(rs.resource, json);
    const serviceValue = resourceAttrs[ATTR_SERVICE_NAME];
    const service = typeof serviceValue === 'string' ? serviceValue : undefined;
    const scopeSpans = rs.scopeSpans ?? [];
    if (!Array.isArray(scopeSpans)) throw new MalformedOtlpError('scopeSpans is not a list');
    for (const ss of scopeSpans as Wire[]) {
      const scopeRaw = (ss?.scope ?? {}) as Wire;
      const scope = {
        name: typeof scopeRaw.name === 'string' ? scopeRaw.name : '',
        ...(typeof scopeRaw.version === 'string' && scopeRaw.version ? { version: scopeRaw.version } : {}),
      };
      const spans = ss?.spans ?? [];
      if (!Array.isArray(spans)) throw new MalformedOtlpError('spans is not a list');
      for (const raw of spans) {
        out.totalSpans++;
        try {
          out.spans.push({ span: decodeSpan(raw, json, resourceAttrs, scope), service });
        } catch (e) {
          if (!(e instanceof SpanRejected)) throw e;
          out.rejectedSpans++;
          if (out.rejectReasons.length < MAX_REJECT_REASONS && !out.rejectReasons.includes(e.message)) {
            out.rejectReasons.push(e.message);
          }
        }
      }
    }
  }
  return out;
}
