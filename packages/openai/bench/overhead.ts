/**
 * Added cost per call of wrapping an OpenAI client, beside its peers: OpenLLMetry, OpenInference
 * and Langfuse (each at its defaults, which record content), and Warden as a user runs it
 * (`monitor()` + `wrap()`: analyzer, posture ledger, agent processors; content off, and on).
 *
 * Every variant calls the same real `openai` client through a `fetch` that answers from
 * memory (no sockets), so the time is the SDK plus the instrumentation, not the network.
 * How time is measured (CPU time, interleaved rounds, medians, ratio to bare): @warden/testing's
 * bench harness, shared with the anthropic bench.
 *
 * Run alone: `node --import tsx packages/openai/bench/overhead.ts`
 */
import { pathToFileURL } from 'node:url';
import { OpenAIInstrumentation as OpenInferenceInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { observeOpenAI } from '@langfuse/openai';
import { setLangfuseTracerProvider } from '@langfuse/tracing';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { OpenAIInstrumentation as TraceloopInstrumentation } from '@traceloop/instrumentation-openai';
import { DroppingExporter, runOverheadBench, type OverheadBenchOptions, type OverheadScenario, type OverheadVariant } from '@warden/testing';
import OpenAI from 'openai';
// 'warden' resolves through the workspace root: the bench measures the package users install.
import { monitor, wrap, type Warden } from 'warden';
import { wrapOpenAI } from '../src/index';
import { messages, newClient } from './in-memory-client';

const scenarios: { name: string; call: (c: OpenAI) => Promise<unknown> }[] = [
  { name: 'chat.completions.create', call: (c) => c.chat.completions.create({ model: 'gpt-4o-mini', messages, n: 2 }) },
  {
    name: 'chat.completions.create (stream)',
    call: async (c) => {
      const stream = await c.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
      let n = 0;
      for await (const _chunk of stream) n++;
      return n;
    },
  },
];

/** Prototype methods the peers patch; restored after each of their rounds. */
function saveSharedPrototypes(): () => void {
  const targets: [object, string][] = [
    [OpenAI.Chat.Completions.prototype, 'create'],
    [OpenAI.Completions.prototype, 'create'],
    [OpenAI.Embeddings.prototype, 'create'],
    [OpenAI.Responses.prototype, 'create'],
    [OpenAI.Images.prototype, 'generate'],
    [OpenAI.Images.prototype, 'edit'],
    [OpenAI.Images.prototype, 'createVariation'],
  ];
  const saved = targets.map(([proto, key]) => [proto, key, (proto as Record<string, unknown>)[key]] as const);
  return () => {
    for (const [proto, key, value] of saved) (proto as Record<string, unknown>)[key] = value;
  };
}

/**
 * One monitor() for the whole run, as an app has one: its own provider (Warden's processors, then
 * a BatchSpanProcessor to an exporter that drops spans, as the peers' provider has), not
 * registered globally so the peers keep theirs. Content on is the wrapper option, so the
 * process-wide default stays off for the other variants.
 */
let warden: Warden | undefined;
function wardenMonitor(): Warden {
  warden ??= monitor({ serviceName: 'overhead-bench', exporter: new DroppingExporter(), metrics: 'none', registerGlobal: false });
  return warden;
}

function variants(provider: BasicTracerProvider): OverheadVariant<OpenAI>[] {
  setLangfuseTracerProvider(provider);
  return [
    { name: 'bare', setup: () => ({ client: newClient(), teardown() {} }) },
    { name: 'warden', setup: () => ({ client: wrapOpenAI(newClient(), { tracerProvider: provider }), teardown() {} }) },
    {
      name: 'warden (content on)',
      setup: () => ({ client: wrapOpenAI(newClient(), { tracerProvider: provider, captureContent: true }), teardown() {} }),
    },
    {
      name: 'warden monitor()',
      setup: () => ({ client: wrap(newClient(), { agent: 'support-bot', tracerProvider: wardenMonitor().tracerProvider }), teardown() {} }),
    },
    {
      name: 'warden monitor() content on',
      setup: () => ({
        client: wrap(newClient(), { agent: 'support-bot', tracerProvider: wardenMonitor().tracerProvider, captureContent: true }),
        teardown() {},
      }),
    },
    { name: 'langfuse', setup: () => ({ client: observeOpenAI(newClient()), teardown() {} }) },
    {
      name: 'traceloop',
      setup() {
        const restore = saveSharedPrototypes();
        const instrumentation = new TraceloopInstrumentation();
        instrumentation.setTracerProvider(provider);
        instrumentation.manuallyInstrument(OpenAI as never);
        return { client: newClient(), teardown: restore };
      },
    },
    {
      name: 'openinference',
      setup() {
        const restore = saveSharedPrototypes();
        const instrumentation = new OpenInferenceInstrumentation({ tracerProvider: provider });
        const moduleExports = { OpenAI };
        instrumentation.manuallyInstrument(moduleExports as never);
        return {
          client: newClient(),
          teardown() {
            instrumentation.unpatch(moduleExports as never);
            restore();
          },
        };
      },
    },
  ];
}

export function runOpenAIOverheadBench(options: OverheadBenchOptions = {}): Promise<OverheadScenario[]> {
  return runOverheadBench(
    {
      title: '@warden/openai overhead per call (in-memory transport; BatchSpanProcessor, AsyncLocalStorage context for every variant)',
      scenarios,
      variants,
      // Rounds long enough that a GC pause or a timer does not decide one variant's median.
      calls: 1000,
      rounds: 15,
      registerGlobally: true,
      batchExport: true,
      printAddedMicros: true,
    },
    options,
  ).finally(() => warden?.shutdown());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runOpenAIOverheadBench();
}
