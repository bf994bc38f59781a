/**
 * A SpanExporter that writes OTLP/JSON lines to a file: one ExportTraceServiceRequest per
 * line, the same JSON the OTLP/HTTP exporter sends. Files rotate at a size bound and only
 * `maxFiles` are kept, so disk use is bounded; writes are queued (bounded) and never block
 * the caller. `warden report --traces <dir>` reads them back.
 */
import { mkdirSync, statSync } from 'node:fs';
import { appendFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { reportInternalError, parseConfig } from '@warden/core/internal';
import { z } from 'zod';

type ExportResultCallback = Parameters<SpanExporter['export']>[1];
// ExportResultCode from @opentelemetry/core, which this package does not otherwise need.
const SUCCESS = 0;
const FAILED = 1;

export const FileSpanExporterOptionsSchema = z.object({
  /** The current file; rotated files are `<path>.1` (newest) to `<path>.<maxFiles-1>` (oldest). */
  path: z.string().min(1),
  /** Rotate when the current file would exceed this many bytes. Default 16 MiB. */
  maxFileBytes: z
    .number()
    .int()
    .min(1024)
    .default(16 * 1024 * 1024),
  /** Files kept, the current one included. Default 5 (at most 80 MiB with the default size). */
  maxFiles: z.number().int().min(1).max(1000).default(5),
  /** Serialised bytes waiting to be written before new batches are refused (memory bound). Default 8 MiB. */
  maxQueuedBytes: z
    .number()
    .int()
    .min(1024)
    .default(8 * 1024 * 1024),
});
export type FileSpanExporterOptions = z.input<typeof FileSpanExporterOptionsSchema>;

export class FileSpanExporter implements SpanExporter {
  private readonly options: z.infer<typeof FileSpanExporterOptionsSchema>;
  private size = 0;
  private tail: Promise<void> = Promise.resolve();
  private queuedBytes = 0;
  private stopped = false;
  /** Lines and bytes written, and batches refused (queue full or write failure). */
  readonly stats = { batches: 0, spans: 0, bytes: 0, rotations: 0, dropped: 0 };

  constructor(options: FileSpanExporterOptions) {
    this.options = parseConfig(FileSpanExporterOptionsSchema, options, 'FileSpanExporter options');
    mkdirSync(dirname(this.options.path), { recursive: true });
    try {
      this.size = statSync(this.options.path).size;
    } catch {
      this.size = 0;
    }
  }

  get path(): string {
    return this.options.path;
  }

  export(spans: ReadableSpan[], resultCallback: ExportResultCallback): void {
    if (this.stopped) {
      resultCallback({ code: FAILED, error: new Error('FileSpanExporter is shut down') });
      return;
    }
    if (spans.length === 0) {
      resultCallback({ code: SUCCESS });
      return;
    }
    let line: Buffer;
    try {
      const body = JsonTraceSerializer.serializeRequest(spans);
      if (!body) throw new Error('OTLP JSON serialisation returned nothing');
      line = Buffer.concat([Buffer.from(body.buffer, body.byteOffset, body.byteLength), Buffer.from('\n')]);
    } catch (e) {
      reportInternalError('posture.fileSpanExporter.serialize', e);
      resultCallback({ code: FAILED, error: e as Error });
      return;
    }
    // A batch is always accepted when nothing is queued, so one oversized batch cannot wedge the exporter.
    if (this.queuedBytes > 0 && this.queuedBytes + line.length > this.options.maxQueuedBytes) {
      this.stats.dropped += spans.length;
      resultCallback({ code: FAILED, error: new Error('FileSpanExporter queue is full') });
      return;
    }
    this.queuedBytes += line.length;
    this.tail = this.tail.then(async () => {
      try {
        if (this.size > 0 && this.size + line.length > this.options.maxFileBytes) await this.rotate();
        // Owner-only: with content capture on, spans carry prompts and completions.
        await appendFile(this.options.path, line, { mode: 0o600 });
        this.size += line.length;
        this.stats.batches++;
        this.stats.spans += spans.length;
        this.stats.bytes += line.length;
        resultCallback({ code: SUCCESS });
      } catch (e) {
        this.stats.dropped += spans.length;
        reportInternalError('posture.fileSpanExporter.write', e);
        resultCallback({ code: FAILED, error: e as Error });
      } finally {
        this.queuedBytes -= line.length;
      }
    });
  }

  /** path.(n-1) is deleted, path.i → path.(i+1), path → path.1. */
  private async rotate(): Promise<void> {
    const { path, maxFiles } = this.options;
    if (maxFiles === 1) {
      await rm(path, { force: true });
    } else {
      await rm(`${path}.${maxFiles - 1}`, { force: true });
      for (let i = maxFiles - 2; i >= 1; i--) {
        await rename(`${path}.${i}`, `${path}.${i + 1}`).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'ENOENT') throw e;
        });
      }
      await rename(path, `${path}.1`);
    }
    this.size = 0;
    this.stats.rotations++;
  }

  forceFlush(): Promise<void> {
    return this.tail;
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.tail;
  }
}
