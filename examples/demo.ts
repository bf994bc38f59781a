/**
 * The Warden demo: a support agent talks to an embedded fake model (no key, no network).
 * 1. A plain, a streamed and a tool-calling call, shown as spans; every tenth turn the support
 *    agent hands off to a billing agent (a traced, audited agent-to-agent call).
 * 2. A stationary phase while the analyzer learns the agent's baseline: no alerts.
 * 3. The model changes: longer answers, a tool it never used, a tool-call spike. Alerts fire.
 * 4. Drills: safe synthetic attacks through the demo's own controls (a canary tool outside each
 *    policy, a poisoned MCP server and a rug pull, a drifting canary agent, a multi-turn escalation,
 *    an edited copy of the audit log, forged hand-offs). Each must be caught.
 * 5. The posture (Level 4 when every drill passed) and an HTML evidence report.
 * Run: npm run demo   (or: node --import tsx examples/demo.ts); run it twice: the audit log,
 * agent keys and pins carry over.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startFakeLlmServer, type FakeReply, type FakeRequest } from '@warden/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import OpenAI from 'openai';
import {
  formatDrillReport,
  generateAgentKeySet,
  monitor,
  PolicyDeniedError,
  traceAgent,
  traceTool,
  wrap,
  wrapMcpClient,
  writeAgentKeySet,
  type Alert,
} from 'warden';
import { formatSpanTree } from './lib/print-spans';

const outDir = resolve(process.env.WARDEN_DEMO_DIR ?? '.warden');
mkdirSync(outDir, { recursive: true });

// A seeded PRNG so every run of the demo tells the same story. Conversations run side by side, so
// each request reseeds it from its own content: the replies do not depend on arrival order.
let seed = 42;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const reseed = (key: string) => {
  let h = 2_166_136_261; // FNV-1a, then a murmur finaliser so near keys give unrelated seeds
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16_777_619);
  h = Math.imul(h ^ (h >>> 16), 0x85eb_ca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2_ae35);
  seed = ((h ^ (h >>> 16)) >>> 0) % 2 ** 31;
};
const logNormal = (median: number, sigma: number) => {
  const u = Math.max(random(), 1e-9);
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  return Math.round(median * Math.exp(sigma * z));
};

// Model latency as a hosted model has it (tens of ms), so this machine's own jitter stays small.
const modelLatency = () => logNormal(12, 0.1);
// The tools do I/O; a few ms of it.
const toolWork = () => new Promise((resolve) => setTimeout(resolve, 5));

// The fake model's behaviour; `phase` switches it from normal to changed.
let phase: 'normal' | 'changed' = 'normal';
function behaviour(req: FakeRequest): FakeReply {
  const messages = (req.body.messages ?? []) as { role: string; content?: unknown }[];
  reseed(`${String(messages[0]?.content)}|${messages.length}`);
  const answeringToolResult = messages.at(-1)?.role === 'tool';
  // The billing agent is offered no tools: it only ever answers in text.
  if (String(messages.at(-1)?.content ?? '').startsWith('billing:')) return { outputTokens: logNormal(120, 0.2), delayMs: modelLatency() };
  if (phase === 'normal') {
    if (!answeringToolResult && random() < 0.3)
      return { toolCalls: [{ name: 'lookup_order', arguments: { id: 'A-1001' } }], outputTokens: 18, delayMs: modelLatency() };
    return { outputTokens: logNormal(200, 0.25), inputTokens: logNormal(400, 0.2), delayMs: modelLatency() };
  }
  if (!answeringToolResult) {
    const r = random();
    if (r < 0.25) return { toolCalls: [{ name: 'issue_refund', arguments: { id: 'A-1001', amount: 950 } }], outputTokens: 22, delayMs: modelLatency() };
    if (r < 0.8) return { toolCalls: [{ name: 'lookup_order', arguments: { id: 'A-1001' } }], outputTokens: 18, delayMs: modelLatency() };
  }
  return { outputTokens: logNormal(420, 0.25), inputTokens: logNormal(400, 0.2), delayMs: modelLatency() };
}

// Each agent signs its hand-offs with its own Ed25519 key (made once, kept for the next run).
const keysFile = resolve(outDir, 'agent-keys.json');
if (!existsSync(keysFile)) writeAgentKeySet(keysFile, generateAgentKeySet(['support-bot', 'billing-agent']));

const server = await startFakeLlmServer({ behaviour });
const warden = monitor({
  serviceName: 'support-bot',
  exporter: 'memory', // point OTEL_EXPORTER_OTLP_ENDPOINT at a Collector and use 'otlp' in production
  traceFile: resolve(outDir, 'traces.jsonl'),
  auditLog: resolve(outDir, 'audit.jsonl'),
  // Least privilege: this agent may only look orders up; anything else is stopped before it runs.
  policies: [
    { agent: 'support-bot', mode: 'enforce', allowedTools: ['lookup_order', 'search_docs'], allowedMcpServers: ['docs'] },
    { agent: 'billing-agent', mode: 'enforce', allowedTools: [] },
  ],
  // A hand-off whose caller cannot prove its identity is refused before the callee runs.
  identity: { keys: keysFile, mode: 'enforce' },
  // Drills on demand (warden.drill() below); in production: drills: { every: '24h' }.
  drills: { archiveDir: resolve(outDir, 'drills') },
  // The demo compresses an hour of traffic into seconds, so baselines are fixed on records alone;
  // in production keep the default (a baseline spans 5 minutes of traffic).
  analyzer: { warmupMs: 0 },
});

const seen = new Map<string, number>();
let alertCount = 0;
warden.on('alert', (alert: Alert) => {
  alertCount++;
  const n = (seen.get(alert.detector) ?? 0) + 1;
  seen.set(alert.detector, n);
  if (n === 1) console.log(`  ⚠ [${alert.kind} · ${alert.severity}] ${alert.message}`);
});
// One change, one incident: the analyzer's other detector alerts of that change join it.
warden.on('incident_update', (u) => {
  const n = (seen.get(u.alert.detector) ?? 0) + 1;
  seen.set(u.alert.detector, n);
  if (n === 1) console.log(`    ↳ same incident: [${u.alert.kind} · ${u.alert.severity}] ${u.alert.message}`);
});
warden.on('config_change', (c) => console.log(`  ℹ baseline restarted: ${c.message}`));

const openai = wrap(new OpenAI({ apiKey: 'demo', baseURL: server.openaiBaseURL, maxRetries: 0 }), { agent: 'support-bot' });

// A documentation MCP server (in process here), scanned and pinned when it connects; a finding blocks it.
const docsServer = new McpServer({ name: 'docs', version: '1.0.0' });
docsServer.registerTool('search_docs', { description: 'Searches the product documentation for a phrase.' }, async () => ({
  content: [{ type: 'text' as const, text: 'Refunds are issued within 5 days.' }],
}));
const [docsClientSide, docsServerSide] = InMemoryTransport.createLinkedPair();
await docsServer.connect(docsServerSide);
const docs = wrapMcpClient(new Client({ name: 'support-bot', version: '1.0.0' }), {
  serverName: 'docs',
  onboarding: 'block',
  pins: resolve(outDir, 'mcp-pins.json'),
});
await docs.connect(docsClientSide);

const tools = {
  lookup_order: traceTool('lookup_order', async (args: { id: string }) => (await toolWork(), { id: args.id, status: 'shipped' })),
  issue_refund: traceTool('issue_refund', async (args: { id: string; amount: number }) => (await toolWork(), { refunded: args.amount })),
};

/** A second agent the support agent hands billing questions to (a traced, audited hand-off). */
const billingAgent = traceAgent(
  'billing-agent',
  async (question: string) => {
    const reply = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }] });
    return reply.choices[0]!.message.content;
  },
  { version: '1.0.0' },
);

/** One turn of the agent: ask the model, run the tools it asks for, ask again with the results. */
const supportTurn = traceAgent(
  'support-bot',
  async (question: string, _conversation: string) => {
    if (question.endsWith('0')) return billingAgent(`billing: ${question}`);
    if (question.endsWith('5')) await docs.callTool({ name: 'search_docs', arguments: { q: question } });
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: question }];
    const first = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: TOOL_DEFS });
    const calls = first.choices[0]!.message.tool_calls ?? [];
    if (!calls.length) return first.choices[0]!.message.content;
    messages.push(first.choices[0]!.message);
    for (const call of calls) {
      if (call.type !== 'function') continue;
      const run = tools[call.function.name as keyof typeof tools] as (a: unknown) => Promise<unknown>;
      let result: unknown;
      try {
        result = await run(JSON.parse(call.function.arguments));
      } catch (error) {
        // The policy stopped the tool before it ran; tell the model instead of failing the turn.
        if (!PolicyDeniedError.isInstance(error)) throw error;
        refusalsByPolicy++;
        result = { error: `not allowed: ${error.reason}` };
      }
      messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
    }
    const second = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: TOOL_DEFS });
    return second.choices[0]!.message.content;
  },
  { version: '1.0.0', conversationId: (_question: string, conversation: string) => conversation },
);
let refusalsByPolicy = 0;

const TOOL_DEFS: OpenAI.Chat.ChatCompletionTool[] = Object.keys(tools).map((name) => ({
  type: 'function',
  function: { name, parameters: { type: 'object', properties: { id: { type: 'string' } } } },
}));

console.log(`Warden demo — fake model at ${server.openaiBaseURL}\n`);
console.log('1. Three calls, as spans:');
server.setBehaviour(() => ({ text: 'Your order A-1001 shipped today.' }));
await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my order?' }] });
const stream = await openai.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Stream it please' }],
  stream: true,
  stream_options: { include_usage: true },
});
for await (const _chunk of stream) void _chunk;
server.setBehaviour((req) =>
  ((req.body.messages ?? []) as { role: string }[]).at(-1)?.role === 'tool'
    ? { text: 'It shipped.' }
    : { toolCalls: [{ name: 'lookup_order', arguments: { id: 'A-1001' } }] },
);
await supportTurn('What is the status of A-1001?', 'conv-0');
console.log(formatSpanTree(warden.finishedSpans()).replace(/^/gm, '   '));

/**
 * Turns `from`..`from + count - 1`, five to a conversation; four conversations at a time, as a
 * service has them side by side, each conversation's turns in order.
 */
async function converse(from: number, count: number): Promise<void> {
  let next = from;
  const end = from + count;
  const oneAtATime = async () => {
    while (next < end) {
      // Claim the next conversation before awaiting: the other three read `next` meanwhile.
      const start = next;
      const stop = Math.min(start + 5, end);
      next = stop;
      for (let i = start; i < stop; i++) await supportTurn(`question ${i}`, `conv-${Math.floor(i / 5)}`);
    }
  };
  await Promise.all([oneAtATime(), oneAtATime(), oneAtATime(), oneAtATime()]);
}

const NORMAL_TURNS = 500;
const CHANGED_TURNS = 300;
console.log(`\n2. Normal traffic while the analyzer learns the baseline (${NORMAL_TURNS} turns)...`);
server.setBehaviour(behaviour);
await converse(0, NORMAL_TURNS);
console.log(`   alerts during normal traffic: ${alertCount}`);

console.log(`\n3. The model changes: longer answers, a new tool (issue_refund), more tool calls (${CHANGED_TURNS} turns):`);
phase = 'changed';
await converse(NORMAL_TURNS, CHANGED_TURNS);
console.log('   alerts by detector:', Object.fromEntries(seen));
const incidents = warden.analyzer?.incidents().filter((i) => i.subject.agent === 'support-bot') ?? [];
console.log(`   analyzer incidents for support-bot: ${incidents.length}${incidents.map((i) => ` (${i.features.join(', ')})`).join('')}`);
console.log(`   issue_refund calls stopped by the enforce policy before they ran: ${refusalsByPolicy}`);

console.log('\n4. Drills: synthetic attacks through these controls (none reaches a real tool, user, baseline or exporter):');
const drills = await warden.drill();
console.log(formatDrillReport(drills).replace(/^ {2}/gm, '   '));

await warden.flush();
await warden.verifyAuditLog();
const posture = warden.posture();
console.log(`\n5. Posture: Level ${posture.level} supported by the evidence`);
for (const [id, c] of Object.entries(posture.controls)) console.log(`   ${c.status.padEnd(8)} ${id}${c.next ? ` — next: ${c.next}` : ''}`);
console.log(`   ${posture.basis}`);
const reportPath = resolve(outDir, 'report.html');
writeFileSync(reportPath, warden.report('html'));
console.log(`\nEvidence report: ${reportPath}`);
console.log(`Traces (OTLP/JSON lines): ${resolve(outDir, 'traces.jsonl')}`);
console.log(`Audit log (hash-chained JSONL): ${resolve(outDir, 'audit.jsonl')}`);

await docs.close();
await warden.shutdown();
await server.close();
