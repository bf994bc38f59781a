/**
 * Two cooperating agents under least-privilege policies, with a human-approval hook, a
 * hash-chained audit log and the alerts they raise. Self-contained: no model server.
 * Run: node --import tsx examples/agents.ts
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { AgentGraphSpanProcessor, AuditLog, AuditLogSpanProcessor, createPolicyGuard, MultiTurnRiskSpanProcessor, verifyAuditLog } from '@warden/agents';
import { onWardenEvent, PolicyDeniedError, setToolGuard, traceAgent, traceTool, type Alert } from '@warden/core';

const dir = mkdtempSync(join(tmpdir(), 'warden-agents-example-'));
const auditFile = join(dir, 'audit.jsonl');

// What monitor() will do for you: async context, a tracer provider with Warden's processors.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const auditLog = new AuditLog({ destination: auditFile });
const provider = new BasicTracerProvider({
  spanProcessors: [new AuditLogSpanProcessor(auditLog), new MultiTurnRiskSpanProcessor(), new AgentGraphSpanProcessor({ warmupHandoffs: 2 })],
});
trace.setGlobalTracerProvider(provider);

const alerts: Alert[] = [];
const stopListening = onWardenEvent((e) => {
  if (e.type === 'alert') alerts.push(e.alert);
});

// Least privilege per agent identity, enforced before each tool runs.
setToolGuard(
  createPolicyGuard([
    { agent: 'researcher', mode: 'enforce', allowedTools: ['search_docs', 'read_file'], args: { read_file: { path: { under: '/srv/kb' } } } },
    {
      agent: 'writer',
      mode: 'enforce',
      allowedTools: ['save_draft'],
      args: { save_draft: { text: { maxLength: 2000 } } },
      requireApproval: ['send_email'],
      // The human in the loop: here, a rule standing in for a person clicking approve.
      approve: async (call) => String((call.arguments as { to?: string })?.to ?? '').endsWith('@example.com'),
    },
  ]),
);

const searchDocs = traceTool('search_docs', async (args: { q: string }) => [`kb/${args.q.replace(/\W+/g, '-')}.md`]);
const readFile = traceTool('read_file', async (args: { path: string }) => `notes from ${args.path}`);
const saveDraft = traceTool('save_draft', async (args: { text: string }) => ({ id: 'draft-1', chars: args.text.length }));
const sendEmail = traceTool('send_email', async (args: { to: string; body: string }) => `sent to ${args.to}`);

const researcher = traceAgent(
  'researcher',
  async (topic: string) => {
    const hits = await searchDocs({ q: topic });
    const notes = [await readFile({ path: `/srv/kb/${hits[0]}` })];
    try {
      // A prompt-injected path: the policy stops it before the tool runs.
      notes.push(await readFile({ path: '/srv/kb/../../etc/passwd' }));
    } catch (e) {
      if (!PolicyDeniedError.isInstance(e)) throw e;
      console.log(`researcher: blocked ${e.tool} (${e.rule}): ${e.reason}`);
    }
    return notes;
  },
  { id: 'agent-researcher-1', version: '1.2.0' },
);

const writer = traceAgent(
  'writer',
  async (notes: string[], recipients: string[]) => {
    const draft = await saveDraft({ text: `Summary: ${notes.join('; ')}` });
    for (const to of recipients) {
      try {
        console.log(`writer: ${await sendEmail({ to, body: draft.id })}`);
      } catch (e) {
        if (!PolicyDeniedError.isInstance(e)) throw e;
        console.log(`writer: email to ${to} not sent (${e.rule})`);
      }
    }
    return draft;
  },
  { id: 'agent-writer-1' },
);

const lead = traceAgent('lead', async (topic: string) => writer(await researcher(topic), ['ops@example.com', 'someone@elsewhere.test']), {
  conversationId: (topic) => `conv-${topic.length}`,
});

await lead('rotate credentials');

setToolGuard(undefined);
stopListening();
await provider.shutdown();
await auditLog.close();

console.log(`\nalerts (${alerts.length}):`);
for (const a of alerts) console.log(`  [${a.severity}] ${a.kind} ${a.detector} — ${a.message} controls=${a.controls.join(',')}`);

const lines = readFileSync(auditFile, 'utf8').trimEnd().split('\n');
console.log(`\naudit log ${auditFile} (${lines.length} entries):`);
for (const line of lines) {
  const e = JSON.parse(line) as Record<string, unknown>;
  const what = [
    e.agent ?? (e.alert as Alert | undefined)?.subject.agent,
    e.tool,
    e.decision ?? e.policyDecision,
    e.rule ?? e.policyRule,
    e.callerAgent && `called by ${e.callerAgent}`,
  ]
    .filter(Boolean)
    .join(' ');
  console.log(`  #${e.seq} ${e.type} ${what} ${String(e.hash).slice(0, 12)}`);
}

const verified = await verifyAuditLog(auditFile);
console.log(`\nverify: ok=${verified.ok} entries=${verified.entries} lastHash=${verified.lastHash.slice(0, 16)}`);

// Someone edits one line to hide the blocked read: verification names the line.
const tampered = join(dir, 'tampered.jsonl');
writeFileSync(tampered, lines.map((l) => l.replace('"policyDecision":"deny"', '"policyDecision":"allow"')).join('\n') + '\n');
const broken = await verifyAuditLog(tampered);
console.log(`verify tampered copy: ok=${broken.ok} firstBadLine=${broken.firstBadLine} problem=${broken.problem}`);

process.exitCode = verified.ok && !broken.ok ? 0 : 1;
