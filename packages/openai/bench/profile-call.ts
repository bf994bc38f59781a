/**
 * One variant of overhead.ts alone, for profilers (`--cpu-prof`, callgrind), where the bench runs
 * all of them in one process:
 *
 *   node --import tsx packages/openai/bench/profile-call.ts <variant> <plain|stream> <calls>
 *
 * variants: bare, wrap, wrap-content, monitor, monitor-content (NO_ANALYZER=1: analyzer off),
 * traceloop, openinference, langfuse. WARMUP calls (default 3000), then `calls` timed calls
 * between two process.cpuUsage() reads. Instructions per call, repeatable at any machine load:
 * `valgrind --tool=callgrind --dump-before=uv_getrusage node --single-threaded ...` dumps at
 * each read, so the second dump holds the timed calls alone (count JIT code, builtins and
 * runtime; leave out the compiler, and GC apart, which move between runs).
 *
 * Warden's variants reach steady tiers late: at 2,000 warm-up calls TurboFan still compiles the
 * analyzer and the span path inside the timed calls, and some of them run in baseline code (the
 * analyzer fixes its baselines at 1,000 records and tiers up again). Warm up 12,000 calls with
 * callgrind's instrumentation off, then turn it on: with CG_WAIT=<ms> the harness prints WARM
 * after the warm-up and spins that long, so
 *   `valgrind --tool=callgrind --instr-atstart=no --dump-before=uv_getrusage node --single-threaded ...`
 * with WARMUP=12000 CG_WAIT=8000, then `vgdb --pid=<pid> instrumentation on` once WARM is printed.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { DroppingExporter } from '@warden/testing';
import OpenAI from 'openai';
import type { monitor } from 'warden';
import { messages, newClient } from './in-memory-client';

const [variant = 'monitor', scenario = 'plain', callsArg = '5000'] = process.argv.slice(2);
const calls = Number(callsArg);
const call =
  scenario === 'plain'
    ? (c: OpenAI) => c.chat.completions.create({ model: 'gpt-4o-mini', messages, n: 2 })
    : async (c: OpenAI) => {
        const stream = await c.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
        let n = 0;
        for await (const _chunk of stream) n++;
        return n;
      };

const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new DroppingExporter(), { maxQueueSize: 2048 })] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);
// As in the bench, where every variant runs after some instrumentation entered a context: AsyncLocalStorage's promise hooks are on.
context.with(context.active(), () => undefined);
let client: OpenAI;
let warden: ReturnType<typeof monitor> | undefined;
const { monitor: monitorFn, wrap } = variant.startsWith('monitor') ? await import('warden') : ({} as typeof import('warden'));
const { wrapOpenAI } = variant.startsWith('wrap') ? await import('@warden/openai') : ({} as typeof import('@warden/openai'));
const wardenMonitor = () =>
  (warden ??= monitorFn({
    serviceName: 'overhead-bench',
    ...(process.env.NO_ANALYZER ? { analyzer: false } : {}),
    exporter: new DroppingExporter(),
    metrics: 'none',
    registerGlobal: false,
  }));
switch (variant) {
  case 'bare':
    client = newClient();
    break;
  case 'wrap':
    client = wrapOpenAI(newClient(), { tracerProvider: provider });
    break;
  case 'wrap-content':
    client = wrapOpenAI(newClient(), { tracerProvider: provider, captureContent: true });
    break;
  case 'monitor':
    client = wrap(newClient(), { agent: 'support-bot', tracerProvider: wardenMonitor().tracerProvider });
    break;
  case 'monitor-content':
    client = wrap(newClient(), { agent: 'support-bot', tracerProvider: wardenMonitor().tracerProvider, captureContent: true });
    break;
  case 'langfuse': {
    const { observeOpenAI } = await import('@langfuse/openai');
    const { setLangfuseTracerProvider } = await import('@langfuse/tracing');
    setLangfuseTracerProvider(provider);
    client = observeOpenAI(newClient());
    break;
  }
  case 'traceloop': {
    const { OpenAIInstrumentation: TraceloopInstrumentation } = await import('@traceloop/instrumentation-openai');
    const i = new TraceloopInstrumentation();
    i.setTracerProvider(provider);
    i.manuallyInstrument(OpenAI as never);
    client = newClient();
    break;
  }
  case 'openinference': {
    const { OpenAIInstrumentation: OpenInferenceInstrumentation } = await import('@arizeai/openinference-instrumentation-openai');
    const i = new OpenInferenceInstrumentation({ tracerProvider: provider });
    i.manuallyInstrument({ OpenAI } as never);
    client = newClient();
    break;
  }
  default:
    throw new Error(`unknown variant ${variant}: expected bare, wrap, wrap-content, monitor, monitor-content, traceloop, openinference or langfuse`);
}
const warmup = Number(process.env.WARMUP ?? 3000);
for (let i = 0; i < warmup; i++) await call(client);
if (process.env.CG_WAIT) {
  // Busy, not asleep: valgrind takes the vgdb command while the process runs code.
  console.log('WARM');
  const until = Date.now() + Number(process.env.CG_WAIT);
  while (Date.now() < until);
}
const start = process.cpuUsage();
for (let i = 0; i < calls; i++) await call(client);
const used = process.cpuUsage(start);
console.log(`${variant} ${scenario} ${((used.user + used.system) / calls).toFixed(1)} µs/call`);
await warden?.shutdown();
await provider.shutdown();
