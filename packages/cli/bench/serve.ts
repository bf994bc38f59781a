/**
 * Sustained throughput of `warden serve` on this machine: a separate load process posts
 * OTLP/protobuf over loopback while `warden serve` decodes, maps and analyses every span.
 * Reports spans/s through serve, as a ratio to the in-process analyzer on the same spans
 * (measured in the same run), the heap over the run, and spans received vs analysed.
 * Run: node --expose-gc --import tsx packages/cli/bench/serve.ts   (WARDEN_BENCH_SERVE_SECONDS=600 for 10 minutes,
 * WARDEN_BENCH_SERVE_PROTOCOL=grpc for OTLP/gRPC, =both for HTTP then gRPC in the same run)
 */
import { fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Analyzer } from '@warden/analyzer';
import { callRecordFromSpan } from '@warden/core';
import { decodeTraceRequest } from '../src/serve/otlp-decode';
import { startServe } from '../src/serve/serve';
import { fleetBodies } from './serve-fleet-bodies';
import type { LoadReport, LoadRequest } from './serve-load';

export interface ServeBenchOptions {
  seconds?: number;
  concurrency?: number;
  /** How the load process sends (default http). */
  protocol?: 'http' | 'grpc';
}

export interface ServeBenchResult {
  protocol: 'http' | 'grpc';
  seconds: number;
  /** GenAI spans analysed per second through serve (HTTP + decode + map + analyse). */
  analyzedPerSecond: number;
  /** All spans (GenAI and not) received per second. */
  receivedPerSecond: number;
  /** The in-process analyzer (map + analyse, no HTTP, no decode) on the same spans. */
  inProcessPerSecond: number;
  ratioToInProcess: number;
  spansReceived: number;
  spansAnalyzed: number;
  spansIgnored: number;
  spansThrottled: number;
  responses429: number;
  heapStartMb: number;
  heapMaxMb: number;
  heapEndMb: number;
  rssMaxMb: number;
  load: LoadReport;
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Records per second of callRecordFromSpan + Analyzer.observe on the bench's spans. */
function inProcessBaseline(seconds: number): number {
  const { bodies } = fleetBodies();
  const spans = bodies.flatMap((b) => decodeTraceRequest(b, 'protobuf').spans);
  const analyzer = new Analyzer();
  let records = 0;
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    for (const { span, service } of spans) {
      const record = callRecordFromSpan(span, service);
      if (record) {
        analyzer.observe(record);
        records++;
      }
    }
  }
  return records / seconds;
}

export async function runServeBench(options: ServeBenchOptions = {}): Promise<ServeBenchResult> {
  const seconds = options.seconds ?? 20;
  const inProcessPerSecond = inProcessBaseline(Math.min(5, Math.max(2, seconds / 10)));
  collectGarbage();

  // Default options, as `warden serve` runs out of the box.
  const protocol = options.protocol ?? 'http';
  const serve = await startServe({ port: 0, ...(protocol === 'grpc' ? { grpcPort: 0 } : {}) });
  const heapStart = process.memoryUsage().heapUsed;
  let heapMax = heapStart;
  let rssMax = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    heapMax = Math.max(heapMax, m.heapUsed);
    rssMax = Math.max(rssMax, m.rss);
  }, 250);

  const child = fork(fileURLToPath(new URL('./serve-load.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const started = Date.now();
  const load = await new Promise<LoadReport>((resolve, reject) => {
    child.once('message', (m) => resolve(m as LoadReport));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load process exited with ${code}`)));
    const request: LoadRequest = { url: serve.url, seconds, concurrency: options.concurrency ?? 8, grpcPort: serve.grpcPort };
    child.send(request);
  });
  await serve.whenIdle();
  const elapsed = (Date.now() - started) / 1000;
  clearInterval(sampler);
  const m = serve.metrics;
  const result = {
    spansReceived: m.spansReceived,
    spansAnalyzed: m.spansAnalyzed,
    spansIgnored: m.spansIgnored,
    spansThrottled: m.spansThrottled,
    responses429: m.requestsByStatus.get(429) ?? 0,
  };
  await serve.close();
  collectGarbage();
  const heapEnd = process.memoryUsage().heapUsed;
  const analyzedPerSecond = result.spansAnalyzed / elapsed;
  return {
    protocol,
    seconds: elapsed,
    analyzedPerSecond,
    receivedPerSecond: (result.spansReceived - result.spansThrottled) / elapsed,
    inProcessPerSecond,
    ratioToInProcess: analyzedPerSecond / inProcessPerSecond,
    ...result,
    heapStartMb: mb(heapStart),
    heapMaxMb: mb(heapMax),
    heapEndMb: mb(heapEnd),
    rssMaxMb: mb(rssMax),
    load,
  };
}

function print(r: ServeBenchResult): void {
  const n = (x: number): string => Math.round(x).toLocaleString('en-US');
  console.log(
    `warden serve — ${r.seconds.toFixed(1)} s of OTLP/protobuf over ${r.protocol === 'grpc' ? 'gRPC' : 'HTTP'} on loopback from a separate load process`,
  );
  console.log(`  GenAI spans analysed/s through serve   ${n(r.analyzedPerSecond)}   (all spans received/s ${n(r.receivedPerSecond)})`);
  console.log(`  in-process analyzer, same spans       ${n(r.inProcessPerSecond)} /s   ratio serve/in-process ${r.ratioToInProcess.toFixed(2)}`);
  console.log(
    `  received ${n(r.spansReceived)} = analysed ${n(r.spansAnalyzed)} + ignored (non-GenAI) ${n(r.spansIgnored)} + throttled ${n(r.spansThrottled)} (429 answers: ${r.responses429})`,
  );
  console.log(
    `  load process: ${n(r.load.requests)} requests, ${n(r.load.acceptedSpans)} spans accepted, ${r.load.throttled} throttled, ${r.load.failures} failed`,
  );
  console.log(`  heap: start ${r.heapStartMb} MB, max ${r.heapMaxMb} MB, end (after GC) ${r.heapEndMb} MB; max RSS ${r.rssMaxMb} MB`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const seconds = Number(process.env.WARDEN_BENCH_SERVE_SECONDS ?? 20);
  const chosen = process.env.WARDEN_BENCH_SERVE_PROTOCOL ?? 'http';
  const protocols: Array<'http' | 'grpc'> = chosen === 'both' ? ['http', 'grpc'] : [chosen === 'grpc' ? 'grpc' : 'http'];
  (async () => {
    for (const protocol of protocols) print(await runServeBench({ seconds, protocol }));
  })().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
