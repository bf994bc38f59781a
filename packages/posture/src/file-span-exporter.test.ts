import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  callRecordFromSpan,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_SERVICE_NAME,
  ATTR_WARDEN_TOOL_CALLS_NAMES,
  WardenConfigError,
} from '@warden/core';
import { describe, expect, it } from 'vitest';
import { runScript, WELL_RUN_CONFIG, wellCoveredScript } from './__fixtures__/scripted-runs';
import { FileSpanExporter } from './file-span-exporter';
import { ledgerFromTraces, listTraceFiles, readOtlpJsonTraces, type OtlpReadStats } from './otlp-json-reader';

function exportAll(exporter: FileSpanExporter, batches: ReadableSpan[][]): Promise<number[]> {
  return Promise.all(batches.map((b) => new Promise<number>((resolve) => exporter.export(b, (r) => resolve(r.code)))));
}

function makeSpans(n: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'support-bot' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('t');
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan(`chat gpt-4o-mini`, {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
        [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
        [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini',
        [ATTR_GEN_AI_AGENT_NAME]: `agent-\u00e9\u{1F916}-${i % 3}`,
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: 40 + i,
        [ATTR_WARDEN_TOOL_CALLS_NAMES]: ['search', 'read_file'],
      },
    });
    span.addEvent('note', { k: 'v' });
    if (i % 5 === 0) span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    span.end();
  }
  return memory.getFinishedSpans();
}

describe('FileSpanExporter and readOtlpJsonTraces', () => {
  it('round-trips spans: every record the analyzer builds from a read span equals the one from the original', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-traces-'));
    const spans = makeSpans(30);
    const exporter = new FileSpanExporter({ path: join(dir, 'traces.jsonl') });
    expect(await exportAll(exporter, [spans.slice(0, 10), spans.slice(10)])).toEqual([0, 0]);
    await exporter.shutdown();
    const lines = readFileSync(join(dir, 'traces.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]).resourceSpans[0].scopeSpans[0].spans).toHaveLength(10);

    const read = [];
    for await (const s of readOtlpJsonTraces(dir)) read.push(s);
    expect(read).toHaveLength(30);
    for (let i = 0; i < spans.length; i++) {
      const original = spans[i];
      const back = read[i];
      expect(back.spanContext()).toMatchObject({ traceId: original.spanContext().traceId, spanId: original.spanContext().spanId });
      expect(back.kind).toBe(SpanKind.CLIENT);
      expect(back.attributes).toEqual(original.attributes);
      expect(back.startTime).toEqual(original.startTime);
      expect(back.endTime).toEqual(original.endTime);
      expect(back.status.code).toBe(original.status.code);
      expect(back.events?.[0]).toMatchObject({ name: 'note', attributes: { k: 'v' }, time: original.events[0].time });
      expect(callRecordFromSpan(back)).toEqual(callRecordFromSpan(original));
    }
  });

  it('rotates at the size bound, keeps at most maxFiles files, and reads them back oldest first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-rotate-'));
    const path = join(dir, 'traces.jsonl');
    const exporter = new FileSpanExporter({ path, maxFileBytes: 8 * 1024, maxFiles: 3 });
    const spans = makeSpans(200);
    const batches: ReadableSpan[][] = [];
    for (let i = 0; i < spans.length; i += 5) batches.push(spans.slice(i, i + 5));
    expect((await exportAll(exporter, batches)).every((c) => c === 0)).toBe(true);
    await exporter.shutdown();
    expect(exporter.stats.rotations).toBeGreaterThan(3);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['traces.jsonl', 'traces.jsonl.1', 'traces.jsonl.2']);
    for (const f of files) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(8 * 1024);
    expect(await listTraceFiles(dir)).toEqual([join(dir, 'traces.jsonl.2'), join(dir, 'traces.jsonl.1'), path]);

    // What is kept is the newest spans, in order, ending with the last one exported.
    const ids: string[] = [];
    for await (const s of readOtlpJsonTraces(dir)) ids.push(s.spanContext().spanId);
    const all = spans.map((s) => s.spanContext().spanId);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThan(200);
    expect(ids).toEqual(all.slice(all.length - ids.length));
    // A shut-down exporter refuses further batches instead of writing.
    expect(await exportAll(exporter, [spans.slice(0, 1)])).toEqual([1]);
  });

  it('refuses batches beyond its queued-bytes bound instead of growing memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-queue-'));
    const exporter = new FileSpanExporter({ path: join(dir, 't.jsonl'), maxQueuedBytes: 4096 });
    const spans = makeSpans(40);
    const codes = await exportAll(
      exporter,
      spans.map((s) => [s]),
    );
    await exporter.shutdown();
    const written = codes.filter((c) => c === 0).length;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(40);
    expect(exporter.stats).toMatchObject({ spans: written, dropped: 40 - written });
    expect(readFileSync(join(dir, 't.jsonl'), 'utf8').trimEnd().split('\n')).toHaveLength(written);
  });

  it('skips malformed lines and spans, counting them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-bad-'));
    const good = {
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      name: 'x',
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000500000000',
    };
    writeFileSync(
      join(dir, 'bad.jsonl'),
      ['not json', '{"resourceSpans":"nope"}', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [good, { ...good, traceId: 'zz' }] }] }] }), ''].join(
        '\n',
      ),
    );
    const stats: OtlpReadStats = { files: 0, lines: 0, spans: 0, rejectedLines: 0, rejectedSpans: 0 };
    const read = [];
    for await (const s of readOtlpJsonTraces(dir, stats)) read.push(s);
    expect(read).toHaveLength(1);
    expect(read[0].endTime).toEqual([1700000000, 500000000]);
    expect(stats).toEqual({ files: 1, lines: 3, spans: 1, rejectedLines: 2, rejectedSpans: 1 });
  });

  it('rejects bad options naming the field', () => {
    expect(() => new FileSpanExporter({ path: join(tmpdir(), 'x.jsonl'), maxFiles: 0 })).toThrow(/maxFiles/);
    expect(() => new FileSpanExporter({ path: '' })).toThrow(WardenConfigError);
  });

  it('a ledger from recorded traces gives the same figures as the live ledger (minus events that are not spans)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-replay-'));
    const file = new FileSpanExporter({ path: join(dir, 'traces.jsonl') });
    const { ledger: live } = await runScript(wellCoveredScript, {
      config: WELL_RUN_CONFIG,
      policies: { triage: ['search', 'read_file'], research: ['search'] },
      extraProcessors: [new SimpleSpanProcessor(file)],
    });
    await file.shutdown();
    const replay = await ledgerFromTraces(dir);
    replay.setConfig(WELL_RUN_CONFIG);
    const a = live.snapshot();
    const b = replay.snapshot();
    expect(b.source).toBe('traces');
    expect(b.spans).toEqual(a.spans);
    expect(b.coverage).toEqual(a.coverage);
    for (const k of ['models', 'providers', 'agents', 'tools'] as const) expect(b.inventory[k]).toEqual(a.inventory[k]);
    // Live, the scan event also names the MCP server; the replay knows it from its tool span only.
    expect(b.inventory.mcpServers.map((m) => m.name)).toEqual(['docs']);
    expect(b.handoffs).toEqual(a.handoffs);
    // Scans and policy decisions are events, not spans: a replay without them cannot show them.
    expect(replay.posture().controls['L3.mcp-onboarding'].status).toBe('not_met');
  });
});

describe('OTLP/JSON attribute decoding', () => {
  it('keeps well-typed values and drops malformed ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-attrs-'));
    const span = {
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      name: 'x',
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000500000000',
      attributes: [
        { key: 's', value: { stringValue: 'é😀' } },
        { key: 'i', value: { intValue: '42' } },
        { key: 'd', value: { doubleValue: 1.5 } },
        { key: 'b', value: { boolValue: true } },
        { key: 'a', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 2 }, { boolValue: 'no' }] } } },
        { key: 'm', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
        { key: 'bad-string', value: { stringValue: 7 } },
        { key: 'bad-int', value: { intValue: 'many' } },
        { key: 'empty', value: {} },
        { key: 'null', value: null },
      ],
    };
    writeFileSync(join(dir, 't.jsonl'), `${JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] })}\n`);
    const read = [];
    for await (const s of readOtlpJsonTraces(dir)) read.push(s);
    expect(read[0].attributes).toEqual({ s: 'é😀', i: 42, d: 1.5, b: true, a: ['x', 2], m: '{"k":"v"}' });
  });
});
