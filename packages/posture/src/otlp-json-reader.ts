/**
 * Read OTLP/JSON trace files (one ExportTraceServiceRequest per line, as FileSpanExporter
 * writes them) back into spans, with the same decoder `warden serve` uses (core's
 * decodeOtlpTraces). Streams line by line, so memory is bounded by the longest line.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { decodeOtlpTraces, type DecodedTraceRequest, type OtlpSpan } from '@warden/core/internal';
import { PostureLedger, type PostureLedgerOptions } from './ledger';

export interface OtlpReadStats {
  files: number;
  lines: number;
  spans: number;
  /** Lines that were not an OTLP/JSON trace request. */
  rejectedLines: number;
  /** Spans inside a valid request that failed validation. */
  rejectedSpans: number;
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
export async function* readOtlpJsonTraces(pathOrDir: string, stats?: OtlpReadStats): AsyncGenerator<OtlpSpan> {
  const st = stats ?? { files: 0, lines: 0, spans: 0, rejectedLines: 0, rejectedSpans: 0 };
  for (const file of await listTraceFiles(pathOrDir)) {
    st.files++;
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      st.lines++;
      let decoded: DecodedTraceRequest;
      try {
        decoded = decodeOtlpTraces(JSON.parse(line), 'json');
      } catch {
        st.rejectedLines++;
        continue;
      }
      st.rejectedSpans += decoded.rejectedSpans;
      for (const { span } of decoded.spans) {
        st.spans++;
        yield span;
      }
    }
  }
}

/** A ledger (source 'traces') fed with every span of the recorded trace file(s). */
export async function ledgerFromTraces(pathOrDir: string, options: Omit<PostureLedgerOptions, 'source'> = {}, stats?: OtlpReadStats): Promise<PostureLedger> {
  const ledger = new PostureLedger({ ...options, source: 'traces' });
  for await (const span of readOtlpJsonTraces(pathOrDir, stats)) ledger.observeSpan(span);
  return ledger;
}
