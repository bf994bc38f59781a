/**
 * `warden report` on recorded traces: writes N spans (default 100,000) with FileSpanExporter
 * into a temp dir, then times building the ledger and rendering HTML/Markdown/JSON from them,
 * and samples the heap while it reads. Baseline measured in the same run: reading the same
 * files line by line with JSON.parse only (no validation, no ledger).
 * Run: node --expose-gc --import tsx packages/posture/bench/report.ts [spans]
 */
import { createReadStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { SpanKind } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  EVENT_WARDEN_ALERT,
  ATTR_WARDEN_ALERT_ID,
  ATTR_WARDEN_ALERT_KIND,
  ATTR_WARDEN_ALERT_SEVERITY,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_SERVICE_NAME,
  ATTR_WARDEN_CALLER_AGENT_NAME,
  ATTR_WARDEN_CONTENT_CAPTURED,
  ATTR_WARDEN_MCP_SERVER,
  ATTR_WARDEN_TOOL_CALLS_NAMES,
} from '@warden/core';
import { FileSpanExporter } from '../src/file-span-exporter';
import { PostureLedger } from '../src/ledger';
import { readOtlpJsonTraces, listTraceFiles, type OtlpReadStats } from '../src/otlp-json-reader';
import { renderReport } from '../src/report';

const BATCH = 512;

export interface ReportBenchResult {
  spans: number;
  files: number;
  bytesOnDisk: number;
  writeMs: number;
  baselineParseMs: number;
  ledgerMs: number;
  renderMs: { html: number; markdown: number; json: number };
  reportMs: number;
  ratioToBaseline: number;
  heapBeforeMb: number;
  peakHeapMb: number;
  peakHeapDeltaMb: number;
  /** Heap still held after a full GC with the ledger alive: what the ledger really keeps. */
  retainedHeapDeltaMb: number;
  gcAvailable: boolean;
  level: number;
}

const mb = (b: number): number => Math.round((b / 1024 / 1024) * 10) / 10;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** One app's worth of spans: 12 agents, 3 models, 20 tools, 2 MCP servers, hand-offs, a few alerts. */
function makeBatch(tracer: ReturnType<BasicTracerProvider['getTracer']>, memory: InMemorySpanExporter, start: number, n: number): ReadableSpan[] {
  memory.reset();
  for (let i = start; i < start + n; i++) {
    const agent = `agent-${i % 12}`;
    const k = i % 10;
    if (k < 6) {
      const span = tracer.startSpan(`chat gpt-${i % 3}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
          [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
          [ATTR_GEN_AI_REQUEST_MODEL]: `gpt-${i % 3}`,
          [ATTR_GEN_AI_AGENT_NAME]: agent,
          [ATTR_GEN_AI_CONVERSATION_ID]: `conv-${i % 5000}`,
          [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: 200 + (i % 97),
          [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 40 + (i % 31),
          [ATTR_WARDEN_CONTENT_CAPTURED]: false,
          [ATTR_WARDEN_TOOL_CALLS_NAMES]: k < 3 ? [`tool-${i % 20}`] : [],
        },
      });
      if (i % 5000 === 0)
        span.addEvent(EVENT_WARDEN_ALERT, { [ATTR_WARDEN_ALERT_ID]: `alrt_${i}`, [ATTR_WARDEN_ALERT_KIND]: 'drift', [ATTR_WARDEN_ALERT_SEVERITY]: 'medium' });
      span.end();
    } else if (k < 9) {
      tracer
        .startSpan(`execute_tool tool-${i % 20}`, {
          attributes: {
            [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool',
            [ATTR_GEN_AI_TOOL_NAME]: `tool-${i % 20}`,
            [ATTR_GEN_AI_AGENT_NAME]: agent,
            ...(i % 20 < 4 ? { [ATTR_WARDEN_MCP_SERVER]: `mcp-${i % 2}` } : {}),
          },
        })
        .end();
    } else {
      tracer
        .startSpan(`invoke_agent ${agent}`, {
          attributes: {
            [ATTR_GEN_AI_OPERATION_NAME]: 'invoke_agent',
            [ATTR_GEN_AI_AGENT_NAME]: agent,
            [ATTR_WARDEN_CALLER_AGENT_NAME]: `agent-${(i + 1) % 12}`,
          },
        })
        .end();
    }
  }
  return memory.getFinishedSpans();
}

async function baselineParse(dir: string): Promise<number> {
  let n = 0;
  for (const file of await listTraceFiles(dir)) {
    const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of rl) if (line) n += (JSON.parse(line) as { resourceSpans: unknown[] }).resourceSpans.length;
  }
  return n;
}

export async function runReportBench(options: { spans?: number } = {}): Promise<ReportBenchResult> {
  const total = options.spans ?? 100_000;
  const dir = mkdtempSync(join(tmpdir(), 'warden-report-bench-'));
  try {
    // 1. Record: the exporter as monitor() would use it, 16 MiB files, at most 20 kept.
    const exporter = new FileSpanExporter({ path: join(dir, 'traces.jsonl'), maxFileBytes: 16 * 1024 * 1024, maxFiles: 20 });
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'bench-app' }),
      spanProcessors: [new SimpleSpanProcessor(memory)],
    });
    const tracer = provider.getTracer('bench');
    let writeMs = 0;
    for (let i = 0; i < total; i += BATCH) {
      const batch = makeBatch(tracer, memory, i, Math.min(BATCH, total - i));
      const t = performance.now();
      await new Promise<void>((resolve, reject) => exporter.export(batch, (r) => (r.code === 0 ? resolve() : reject(r.error))));
      writeMs += performance.now() - t;
    }
    await exporter.shutdown();
    memory.reset();
    const files = readdirSync(dir);
    const bytesOnDisk = files.reduce((n, f) => n + statSync(join(dir, f)).size, 0);

    // 2. Baseline: JSON.parse of every line, nothing else.
    gc();
    let t = performance.now();
    await baselineParse(dir);
    const baselineParseMs = performance.now() - t;

    // 3. The report: ledger from the traces (heap sampled every 1,000 spans), then render.
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    let peak = heapBefore;
    t = performance.now();
    const ledger = new PostureLedger({ source: 'traces' });
    const stats: OtlpReadStats = { files: 0, lines: 0, spans: 0, rejectedLines: 0, rejectedSpans: 0 };
    let seen = 0;
    for await (const span of readOtlpJsonTraces(dir, stats)) {
      ledger.observeSpan(span);
      if (++seen % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    const ledgerMs = performance.now() - t;
    if (stats.spans !== total) throw new Error(`read ${stats.spans} spans, wrote ${total}`);
    const renderMs = { html: 0, markdown: 0, json: 0 };
    for (const format of ['html', 'markdown', 'json'] as const) {
      const r = performance.now();
      renderReport(ledger, { format });
      renderMs[format] = performance.now() - r;
    }
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    gc();
    const retained = process.memoryUsage().heapUsed - heapBefore;
    const reportMs = ledgerMs + renderMs.html;
    return {
      spans: total,
      files: files.length,
      bytesOnDisk,
      writeMs,
      baselineParseMs,
      ledgerMs,
      renderMs,
      reportMs,
      ratioToBaseline: reportMs / baselineParseMs,
      heapBeforeMb: mb(heapBefore),
      peakHeapMb: mb(peak),
      peakHeapDeltaMb: mb(peak - heapBefore),
      retainedHeapDeltaMb: mb(retained),
      gcAvailable: typeof (globalThis as { gc?: unknown }).gc === 'function',
      level: ledger.posture().level,
    };
    // Keep the ledger reachable until the retained-heap reading above.
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface LedgerProcessorBenchResult {
  spans: number;
  /** ns to create and end one GenAI span with no processor (the baseline). */
  spanNs: number;
  /** ns for the same with LedgerSpanProcessor added. */
  withLedgerNs: number;
  ratio: number;
  /** ns per LedgerSpanProcessor.onEnd call alone, on already finished spans. */
  onEndNs: number;
}

/** Cost of LedgerSpanProcessor.onEnd on the app's hot path, as a ratio to making the span itself. */
export function runLedgerProcessorBench(spans = 50_000): LedgerProcessorBenchResult {
  const attrs = {
    [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
    [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
    [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini',
    [ATTR_GEN_AI_AGENT_NAME]: 'triage',
    [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 40,
    [ATTR_WARDEN_TOOL_CALLS_NAMES]: ['search'],
  };
  const time = (provider: BasicTracerProvider): number => {
    const tracer = provider.getTracer('bench');
    for (let i = 0; i < 5_000; i++) tracer.startSpan('chat gpt-4o-mini', { attributes: attrs }).end();
    const rounds: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t = process.hrtime.bigint();
      for (let i = 0; i < spans; i++) tracer.startSpan('chat gpt-4o-mini', { attributes: attrs }).end();
      rounds.push(Number(process.hrtime.bigint() - t) / spans);
    }
    return rounds.sort((a, b) => a - b)[2] as number;
  };
  const spanNs = time(new BasicTracerProvider());
  const withLedgerNs = time(new BasicTracerProvider({ spanProcessors: [new PostureLedger().spanProcessor()] }));
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('bench');
  for (let i = 0; i < 10_000; i++) tracer.startSpan('chat gpt-4o-mini', { attributes: attrs }).end();
  const finished = memory.getFinishedSpans();
  const processor = new PostureLedger().spanProcessor();
  for (const f of finished) processor.onEnd(f);
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    for (let k = 0; k < spans / finished.length; k++) for (const f of finished) processor.onEnd(f);
    rounds.push(Number(process.hrtime.bigint() - t) / spans);
  }
  const onEndNs = rounds.sort((a, b) => a - b)[2] as number;
  return { spans, spanNs, withLedgerNs, ratio: onEndNs / spanNs, onEndNs };
}

function print(r: ReportBenchResult): void {
  const f = (n: number): string => n.toFixed(0);
  console.log(`posture report bench: ${r.spans.toLocaleString('en-US')} spans, ${r.files} file(s), ${mb(r.bytesOnDisk)} MiB on disk`);
  console.log(`  write (FileSpanExporter, ${BATCH}/batch): ${f(r.writeMs)} ms (${f((r.spans / r.writeMs) * 1000)} spans/s)`);
  console.log(`  baseline, JSON.parse of every line:     ${f(r.baselineParseMs)} ms`);
  console.log(`  ledger from traces (validate+decode):   ${f(r.ledgerMs)} ms (${f((r.spans / r.ledgerMs) * 1000)} spans/s)`);
  console.log(`  render html / md / json:                ${f(r.renderMs.html)} / ${f(r.renderMs.markdown)} / ${f(r.renderMs.json)} ms`);
  console.log(`  report total (ledger + html):           ${f(r.reportMs)} ms = ${r.ratioToBaseline.toFixed(2)}x the baseline parse`);
  console.log(
    `  heap: ${r.heapBeforeMb} MiB before, peak ${r.peakHeapMb} MiB (+${r.peakHeapDeltaMb} MiB, uncollected garbage included), retained after GC +${r.retainedHeapDeltaMb} MiB${r.gcAvailable ? '' : ' (run with --expose-gc for a clean baseline)'}`,
  );
  console.log(`  level supported by these traces alone: ${r.level}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const spans = Number(process.argv[2] ?? 100_000);
  const p = runLedgerProcessorBench();
  console.log(
    `ledger span processor: onEnd ${p.onEndNs.toFixed(0)} ns/span = ${(p.ratio * 100).toFixed(0)}% of creating+ending the span (${p.spanNs.toFixed(0)} ns, no processor); end to end with the processor ${p.withLedgerNs.toFixed(0)} ns/span`,
  );
  runReportBench({ spans }).then(print, (e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
