/**
 * Read OTLP/JSON trace files (one ExportTraceServiceRequest per line, as FileSpanExporter
 * writes them) back into span-shaped objects the analyzer's callRecordFromSpan accepts.
 * Streams line by line, so memory is bounded by the longest line, not by the file.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { z } from 'zod';
import { PostureLedger, type PostureLedgerOptions, type PostureSpan } from './ledger';

// Values are checked while decoding (decodeValue drops what is not an OTLP AnyValue): a recursive
// zod schema per attribute costs ~20 µs a span, most of the report's time.
const keyValues = z.array(z.object({ key: z.string(), value: z.unknown() }));
const nanos = z.union([z.string().regex(/^\d+$/), z.number().nonnegative()]);

/** One OTLP/JSON span, checked at the boundary. */
export const OtlpJsonSpanSchema = z.object({
  traceId: z.string().regex(/^[0-9a-fA-F]{32}$/),
  spanId: z.string().regex(/^[0-9a-fA-F]{16}$/),
  parentSpanId: z.string().regex(/^([0-9a-fA-F]{16})?$/).optional(),
  name: z.string(),
  kind: z.number().int().min(0).max(5).optional(),
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos,
  attributes: keyValues.optional(),
  events: z.array(z.object({ name: z.string(), timeUnixNano: nanos.optional(), attributes: keyValues.optional() })).optional(),
  status: z.object({ code: z.number().int().optional(), message: z.string().optional() }).optional(),
});

const requestSchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: keyValues.optional() }).optional(),
        scopeSpans: z.array(z.object({ spans: z.array(z.unknown()).optional() })).optional(),
      }),
    )
    .optional(),
});

export interface OtlpReadStats {
  files: number;
  lines: number;
  spans: number;
  /** Lines that were not an OTLP/JSON trace request. */
  rejectedLines: number;
  /** Spans inside a valid request that failed validation. */
  rejectedSpans: number;
}

function hrFromNanos(v: string | number): [number, number] {
  const s = typeof v === 'number' ? Math.trunc(v).toString() : v;
  if (s.length <= 9) return [0, Number(s)];
  return [Number(s.slice(0, -9)), Number(s.slice(-9))];
}

/** An OTLP/JSON AnyValue as an attribute value; anything malformed (wrong types, too deep) is dropped. */
function decodeValue(v: unknown, depth = 0): AttributeValue | undefined {
  if (!v || typeof v !== 'object' || depth > 4) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.stringValue === 'string') return o.stringValue;
  if (typeof o.boolValue === 'boolean') return o.boolValue;
  if (o.intValue !== undefined || o.doubleValue !== undefined) {
    const raw = o.intValue ?? o.doubleValue;
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    return Number.isNaN(n) && raw !== 'NaN' ? undefined : n;
  }
  if (typeof o.bytesValue === 'string') return o.bytesValue;
  const arr = (o.arrayValue as { values?: unknown } | undefined)?.values;
  if (Array.isArray(arr)) {
    const out: (string | number | boolean)[] = [];
    for (const item of arr) {
      const x = decodeValue(item, depth + 1);
      if (x !== undefined && !Array.isArray(x)) out.push(x as string | number | boolean);
    }
    return out as AttributeValue;
  }
  const kv = (o.kvlistValue as { values?: unknown } | undefined)?.values;
  // OTel attributes hold scalars or arrays of scalars; a map travels as its JSON text.
  if (Array.isArray(kv)) {
    const entries: [string, unknown][] = [];
    for (const x of kv as { key?: unknown; value?: unknown }[]) {
      if (x && typeof x.key === 'string') entries.push([x.key, decodeValue(x.value, depth + 1) ?? null]);
    }
    return JSON.stringify(Object.fromEntries(entries));
  }
  return undefined;
}

function decodeAttributes(list: { key: string; value?: unknown }[] | undefined): Attributes {
  const out: Attributes = {};
  if (!list) return out;
  for (const kv of list) {
    const v = decodeValue(kv.value);
    if (v !== undefined) out[kv.key] = v;
  }
  return out;
}

type OtlpJsonSpan = z.infer<typeof OtlpJsonSpanSchema>;

/** An OTLP/JSON span as a PostureSpan (and so an analyzer SpanLike). OTLP kinds start at UNSPECIFIED=0, the API's at INTERNAL=0. */
export function spanFromOtlpJson(s: OtlpJsonSpan, resourceAttributes: Attributes): PostureSpan {
  const traceId = s.traceId.toLowerCase();
  const spanId = s.spanId.toLowerCase();
  const parent = s.parentSpanId ? s.parentSpanId.toLowerCase() : undefined;
  const startTime = hrFromNanos(s.startTimeUnixNano);
  const endTime = hrFromNanos(s.endTimeUnixNano);
  // Exact, as the SDK computes it (end − start in HrTime), not via float milliseconds.
  let durS = endTime[0] - startTime[0];
  let durNs = endTime[1] - startTime[1];
  if (durNs < 0) {
    durS -= 1;
    durNs += 1e9;
  }
  return {
    name: s.name,
    kind: Math.max(0, (s.kind ?? 0) - 1),
    attributes: decodeAttributes(s.attributes),
    startTime,
    endTime,
    duration: durS >= 0 ? [durS, durNs] : [0, 0],
    status: { code: s.status?.code ?? 0, message: s.status?.message },
    spanContext: () => ({ traceId, spanId }),
    parentSpanContext: parent ? { spanId: parent } : undefined,
    resource: { attributes: resourceAttributes },
    events: (s.events ?? []).map((e) => ({
      name: e.name,
      attributes: decodeAttributes(e.attributes),
      time: e.timeUnixNano !== undefined ? hrFromNanos(e.timeUnixNano) : endTime,
    })),
  };
}

/** Trace files in a directory, oldest first: `x.jsonl.3`, `x.jsonl.2`, `x.jsonl.1`, `x.jsonl`. */
export async function listTraceFiles(pathOrDir: string): Promise<string[]> {
  const st = await stat(pathOrDir);
  if (!st.isDirectory()) return [pathOrDir];
  const names = (await readdir(pathOrDir)).filter((n) => /\.(jsonl|json|ndjson)(\.\d+)?$/.test(n));
  const key = (n: string): [string, number] => {
    const m = /^(.*)\.(\d+)$/.exec(n);
    return m && /\.(jsonl|json|ndjson)$/.test(m[1]) ? [m[1], Number(m[2])] : [n, 0];
  };
  names.sort((a, b) => {
    const [ba, ia] = key(a);
    const [bb, ib] = key(b);
    return ba < bb ? -1 : ba > bb ? 1 : ib - ia;
  });
  return names.map((n) => join(pathOrDir, n));
}

/** Stream every span in the file(s), oldest file first. Bad lines and spans are counted in `stats` and skipped. */
export async function* readOtlpJsonTraces(pathOrDir: string, stats?: OtlpReadStats): AsyncGenerator<PostureSpan> {
  const st = stats ?? { files: 0, lines: 0, spans: 0, rejectedLines: 0, rejectedSpans: 0 };
  for (const file of await listTraceFiles(pathOrDir)) {
    st.files++;
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      st.lines++;
      let request: z.infer<typeof requestSchema>;
      try {
        request = requestSchema.parse(JSON.parse(line));
      } catch {
        st.rejectedLines++;
        continue;
      }
      for (const rs of request.resourceSpans ?? []) {
        const resource = decodeAttributes(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          for (const raw of ss.spans ?? []) {
            const parsed = OtlpJsonSpanSchema.safeParse(raw);
            if (!parsed.success) {
              st.rejectedSpans++;
              continue;
            }
            st.spans++;
            yield spanFromOtlpJson(parsed.data, resource);
          }
        }
      }
    }
  }
}

/** A ledger (source 'traces') fed with every span of the recorded trace file(s). */
export async function ledgerFromTraces(
  pathOrDir: string,
  options: Omit<PostureLedgerOptions, 'source'> = {},
  stats?: OtlpReadStats,
): Promise<PostureLedger> {
  const ledger = new PostureLedger({ ...options, source: 'traces' });
  for await (const span of readOtlpJsonTraces(pathOrDir, stats)) ledger.observeSpan(span);
  return ledger;
}

