/**
 * What content capture costs the app as prompts grow (#13 item 7): a real `openai` client with
 * an in-memory `fetch`, a 1 KB, 1 MB and 10 MB prompt, bare vs wrapped with content off vs on.
 * Reports per call the wall-clock time Warden adds, the CPU it adds, that CPU per MB of prompt,
 * and the longest event-loop stall (perf_hooks.monitorEventLoopDelay) beside the bare client's.
 * Calls alternate between variants (rotating who goes first); medians over the calls.
 *
 * Run alone: `node --import tsx packages/openai/bench/capture.ts`
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DroppingExporter, fetchFromMemory } from '@warden/testing';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import OpenAI from 'openai';
import { wrapOpenAI } from '../src/index';

const reply = JSON.stringify({
  id: 'chatcmpl-capture',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Noted.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
});
const inMemoryFetch = fetchFromMemory({ json: reply, sse: '', headers: {} });
const newClient = () => new OpenAI({ apiKey: 'sk-bench', baseURL: 'http://in-memory.invalid/v1', maxRetries: 0, fetch: inMemoryFetch });

/** Prose with a secret now and then, so redaction has work to do. */
function prompt(bytes: number): string {
  const line = 'Customer wrote about order 7, card 4111 1111 1111 1111, mail jane@example.com; please check. ';
  return line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
}

export interface CaptureRow {
  size: string;
  variant: string;
  wallMs: number;
  addedWallMs: number;
  addedCpuMs: number;
  addedCpuMsPerMb: number;
  maxLoopDelayMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runCaptureBench(options: { calls?: number; print?: boolean } = {}): Promise<CaptureRow[]> {
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new DroppingExporter(), { maxQueueSize: 2048 })] });
  const variants: { name: string; client: OpenAI }[] = [
    { name: 'bare', client: newClient() },
    { name: 'warden, content off', client: wrapOpenAI(newClient(), { tracerProvider: provider }) },
    { name: 'warden, content on', client: wrapOpenAI(newClient(), { tracerProvider: provider, captureContent: true }) },
  ];
  const sizes: [string, number, number][] = [
    ['1 KB', 1024, options.calls ?? 200],
    ['1 MB', 1024 * 1024, Math.max(5, Math.round((options.calls ?? 200) / 10))],
    ['10 MB', 10 * 1024 * 1024, Math.max(5, Math.round((options.calls ?? 200) / 25))],
  ];
  const rows: CaptureRow[] = [];
  for (const [size, bytes, calls] of sizes) {
    const text = prompt(bytes);
    const messages = [{ role: 'user' as const, content: text }];
    const wall = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    const cpu = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    const stall = new Map<string, number>(variants.map((v) => [v.name, 0]));
    for (const v of variants) await v.client.chat.completions.create({ model: 'gpt-4o-mini', messages }); // warm-up
    for (let i = 0; i < calls; i++) {
      for (let k = 0; k < variants.length; k++) {
        const v = variants[(i + k) % variants.length]!;
        const loop = monitorEventLoopDelay({ resolution: 1 });
        loop.enable();
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await v.client.chat.completions.create({ model: 'gpt-4o-mini', messages });
        const t1 = performance.now();
        const c1 = process.cpuUsage(c0);
        // The histogram records a stall when its timer finally runs: let it run before reading.
        await new Promise((resolve) => setTimeout(resolve, 5));
        loop.disable();
        wall.get(v.name)!.push(t1 - t0);
        cpu.get(v.name)!.push((c1.user + c1.system) / 1000);
        stall.set(v.name, Math.max(stall.get(v.name)!, loop.max / 1e6));
      }
    }
    const bareWall = median(wall.get('bare')!);
    const bareCpu = median(cpu.get('bare')!);
    for (const v of variants) {
      const addedCpu = median(cpu.get(v.name)!) - bareCpu;
      rows.push({
        size,
        variant: v.name,
        wallMs: median(wall.get(v.name)!),
        addedWallMs: median(wall.get(v.name)!) - bareWall,
        addedCpuMs: addedCpu,
        addedCpuMsPerMb: addedCpu / (bytes / (1024 * 1024)),
        maxLoopDelayMs: stall.get(v.name)!,
      });
    }
  }
  await provider.shutdown();
  if (options.print ?? true) {
    console.log('\nContent capture cost by prompt size (real openai client, in-memory transport; medians)');
    console.log(
      `  ${'prompt'.padEnd(7)}${'variant'.padEnd(22)}${'wall ms'.padStart(10)}${'+wall ms'.padStart(10)}${'+CPU ms'.padStart(10)}${'+CPU ms/MB'.padStart(12)}${'max loop stall ms'.padStart(19)}`,
    );
    for (const r of rows)
      console.log(
        `  ${r.size.padEnd(7)}${r.variant.padEnd(22)}${r.wallMs.toFixed(2).padStart(10)}${r.addedWallMs.toFixed(2).padStart(10)}${r.addedCpuMs.toFixed(2).padStart(10)}${r.addedCpuMsPerMb.toFixed(3).padStart(12)}${r.maxLoopDelayMs.toFixed(1).padStart(19)}`,
      );
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runCaptureBench();
}
