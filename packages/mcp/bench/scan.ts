/**
 * The onboarding scanner's precision and recall on the poisoned/benign corpus, the scan time
 * per server, and the added cost per tools/call of a wrapped client against the bare SDK
 * client over an in-memory transport, both measured in the same run.
 * Run: node --import tsx packages/mcp/bench/scan.ts
 */
import { pathToFileURL } from 'node:url';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createFixtureServer } from '../src/__fixtures__/server.mjs';
import { evaluateCorpus, loadCorpus } from '../src/corpus';
import { MemoryPinStore } from '../src/pin-store';
import { scanServerDefinition, type ToolDefinition } from '../src/scanner';
import { wrapMcpClient } from '../src/wrap-mcp-client';

const ROUNDS = 7;
const CALL_ROUNDS = 15;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export interface McpBenchResult {
  poisoned: number;
  benign: number;
  precision: number;
  recall: number;
  precisionAtHigh: number;
  recallAtHigh: number;
  toolsPerServer: number;
  scanMsPerServer: number;
  onboardMsPerServer: number;
  spanUs: number;
  bareCallUs: number;
  wrappedCallUs: number;
  callCostRatio: number;
  bareCallCpuUs: number;
  wrappedCallCpuUs: number;
  callCpuRatio: number;
}

async function connectPair(wrap: boolean, provider: BasicTracerProvider): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createFixtureServer({ name: 'bench' }).connect(serverSide);
  const client = new Client({ name: 'bench', version: '1.0.0' });
  if (wrap) wrapMcpClient(client, { tracerProvider: provider, pins: new MemoryPinStore(), serverIdentity: `bench-${Math.random()}` });
  await client.connect(clientSide);
  return client;
}

export async function runMcpBench(options: { calls?: number; scans?: number } = {}): Promise<McpBenchResult> {
  const calls = options.calls ?? 500;
  const scans = options.scans ?? 50;
  const corpus = loadCorpus();
  const medium = evaluateCorpus(corpus, 'medium');
  const high = evaluateCorpus(corpus, 'high');

  // A 20-tool server made of benign and poisoned corpus tools: what one onboarding scan reads.
  const tools: ToolDefinition[] = [...corpus.benign.slice(0, 15), ...corpus.poisoned.slice(0, 5)].map((e) => e.tool);
  const otherServerTools = { mail: ['send_email', 'list_emails'], bank: ['transfer_funds'] };
  for (let i = 0; i < 20; i++) scanServerDefinition({ server: 'bench', tools, otherServerTools });
  const scanRounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    for (let i = 0; i < scans; i++) scanServerDefinition({ server: 'bench', tools, otherServerTools });
    scanRounds.push((performance.now() - t) / scans);
  }

  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

  // Full onboarding (initialize, list tools/prompts/resources, scan, pin) over the in-memory transport.
  const onboardRounds: number[] = [];
  for (let r = 0; r < ROUNDS * 3; r++) {
    const t = performance.now();
    const c = await connectPair(true, provider);
    onboardRounds.push(performance.now() - t);
    await c.close();
  }

  const bare = await connectPair(false, provider);
  const wrapped = await connectPair(true, provider);
  // CPU time per call next to wall time: on a shared machine the wall clock also counts waiting for a core.
  const cpuRounds = { bare: [] as number[], wrapped: [] as number[] };
  const callRound = async (client: Client, into?: number[]): Promise<number> => {
    const t = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < calls; i++) await client.callTool({ name: 'add', arguments: { a: i, b: 1 } });
    const used = process.cpuUsage(cpu);
    into?.push((used.user + used.system) / calls);
    return ((performance.now() - t) * 1000) / calls;
  };
  await callRound(bare);
  await callRound(wrapped);
  const bareRounds: number[] = [];
  const wrappedRounds: number[] = [];
  const ratios: number[] = [];
  // Paired, alternating rounds so drift of a shared machine hits both alike; the ratio is the median of per-pair ratios.
  for (let r = 0; r < CALL_ROUNDS; r++) {
    let b: number;
    let w: number;
    if (r % 2 === 0) {
      b = await callRound(bare, cpuRounds.bare);
      w = await callRound(wrapped, cpuRounds.wrapped);
    } else {
      w = await callRound(wrapped, cpuRounds.wrapped);
      b = await callRound(bare, cpuRounds.bare);
    }
    bareRounds.push(b);
    wrappedRounds.push(w);
    ratios.push(w / b);
    exporter.reset();
  }
  // Baseline: one span with the same processor, created and ended around one await.
  const tracer = provider.getTracer('bench');
  const spanRounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    for (let i = 0; i < calls; i++) {
      const span = tracer.startSpan('execute_tool add', { attributes: { 'gen_ai.tool.name': 'add' } });
      await Promise.resolve();
      span.end();
    }
    spanRounds.push(((performance.now() - t) * 1000) / calls);
    exporter.reset();
  }
  await bare.close();
  await wrapped.close();
  await provider.shutdown();

  const result: McpBenchResult = {
    poisoned: corpus.poisoned.length,
    benign: corpus.benign.length,
    precision: medium.precision,
    recall: medium.recall,
    precisionAtHigh: high.precision,
    recallAtHigh: high.recall,
    toolsPerServer: tools.length,
    scanMsPerServer: median(scanRounds),
    onboardMsPerServer: median(onboardRounds),
    spanUs: median(spanRounds),
    bareCallUs: median(bareRounds),
    wrappedCallUs: median(wrappedRounds),
    callCostRatio: median(ratios),
    bareCallCpuUs: median(cpuRounds.bare),
    wrappedCallCpuUs: median(cpuRounds.wrapped),
    callCpuRatio: median(cpuRounds.wrapped.map((w, i) => w / (cpuRounds.bare[i] as number))),
  };
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log('@warden/mcp');
  console.log(`  corpus: ${result.poisoned} poisoned, ${result.benign} benign tool definitions`);
  console.log(
    `  flag at >= medium: precision ${pct(result.precision)}, recall ${pct(result.recall)} (missed: ${medium.falseNegatives.join(', ') || 'none'}; false alarms: ${medium.falsePositives.join(', ') || 'none'})`,
  );
  console.log(`  flag at >= high:   precision ${pct(result.precisionAtHigh)}, recall ${pct(result.recallAtHigh)}`);
  console.log(`  scan of one ${result.toolsPerServer}-tool server (pure, median of ${ROUNDS} rounds): ${result.scanMsPerServer.toFixed(3)} ms`);
  console.log(
    `  onboarding of the 4-tool fixture server over in-memory transport (connect + list + scan + pin, median): ${result.onboardMsPerServer.toFixed(2)} ms`,
  );
  console.log(
    `  tools/call over in-memory transport (median of ${CALL_ROUNDS} paired rounds of ${calls}): bare ${result.bareCallUs.toFixed(1)} µs, wrapped ${result.wrappedCallUs.toFixed(1)} µs, ratio ${result.callCostRatio.toFixed(2)}x (+${(result.wrappedCallUs - result.bareCallUs).toFixed(1)} µs/call = ${((result.wrappedCallUs - result.bareCallUs) / result.spanUs).toFixed(1)} x one span of ${result.spanUs.toFixed(1)} µs)`,
  );
  console.log(
    `  tools/call CPU time per call: bare ${result.bareCallCpuUs.toFixed(1)} µs, wrapped ${result.wrappedCallCpuUs.toFixed(1)} µs, ratio ${result.callCpuRatio.toFixed(2)}x (+${(result.wrappedCallCpuUs - result.bareCallCpuUs).toFixed(1)} µs CPU/call)`,
  );
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runMcpBench();
}
