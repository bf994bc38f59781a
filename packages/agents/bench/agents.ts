/**
 * Cost of a policy check per tool call and of the multi-turn scorer per turn, as ns/op and
 * as a ratio to creating+ending one OTel span (BasicTracerProvider) measured in the same
 * run; and the multi-turn scorer's false-alarm rate on generated benign conversations.
 * Run: node --import tsx packages/agents/bench/agents.ts
 */
import { pathToFileURL } from 'node:url';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ToolCallCheck } from '@warden/core';
import { attackConversations, benignConversations, type ConversationEvent } from '../src/__fixtures__/conversations';
import { createPolicyGuard } from '../src/policy-guard';
import { MultiTurnRiskScorer } from '../src/multi-turn-risk';

const ROUNDS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function timeSync(ops: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(ops, 10_000); i++) fn(i);
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < ops; i++) fn(i);
    rounds.push(Number(process.hrtime.bigint() - t) / ops);
  }
  return median(rounds);
}

async function timeAsync(ops: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(ops, 10_000); i++) await fn(i);
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < ops; i++) await fn(i);
    rounds.push(Number(process.hrtime.bigint() - t) / ops);
  }
  return median(rounds);
}

/** Share of conversations that alert, and the median turn (1-based) at which they do. */
function alarmRate(conversations: ConversationEvent[][]): { rate: number; medianTurn: number } {
  const turnsToAlert: number[] = [];
  for (const c of conversations) {
    const scorer = new MultiTurnRiskScorer();
    for (const e of c) {
      const r = e.kind === 'turn' ? scorer.observeTurn(e.turn) : scorer.observeTool(e.tool);
      if (r.alert) {
        turnsToAlert.push(r.turns);
        break;
      }
    }
  }
  return { rate: turnsToAlert.length / conversations.length, medianTurn: turnsToAlert.length ? median(turnsToAlert) : 0 };
}

export interface AgentsBenchResult {
  spanNsPerOp: number;
  policyAllowNsPerOp: number;
  policyDenyNsPerOp: number;
  observeRequestedNsPerOp: number;
  scorerTurnNsPerOp: number;
  scorerTurnNoContentNsPerOp: number;
  benignConversations: number;
  falseAlarmRate: number;
  attackConversations: number;
  detectionRate: number;
  /** Median turn (1-based) of an attack conversation at which the alert fired. */
  medianTurnsToDetection: number;
}

export async function runAgentsBench(options: { ops?: number; benign?: number; attacks?: number } = {}): Promise<AgentsBenchResult> {
  const ops = options.ops ?? 100_000;
  const provider = new BasicTracerProvider();
  const tracer = provider.getTracer('bench');
  const spanNs = timeSync(ops, () => tracer.startSpan('execute_tool search').end());

  const guard = createPolicyGuard([
    {
      agent: 'research',
      mode: 'audit',
      allowedTools: ['search', 'read_file', 'fetch'],
      args: { read_file: { path: { under: '/srv/data' } }, fetch: { url: { pattern: '^https://', maxLength: 2048 } } },
    },
  ]);
  const agent = { name: 'research' };
  const allowed: ToolCallCheck = { tool: 'read_file', agent, arguments: { path: '/srv/data/reports/q3.csv' }, source: 'traceTool', traceId: 't' };
  const denied: ToolCallCheck = { tool: 'read_file', agent, arguments: { path: '/srv/data/../../etc/passwd' }, source: 'traceTool', traceId: 't' };
  const allowNs = await timeAsync(ops, () => guard.check(allowed));
  const denyNs = await timeAsync(Math.floor(ops / 4), () => guard.check(denied));
  const requestedNs = timeSync(ops, () => guard.observeRequested({ ...allowed, source: 'model' }));

  const turns = benignConversations(2000, 7)
    .flat()
    .filter((e): e is Extract<ConversationEvent, { kind: 'turn' }> => e.kind === 'turn')
    .map((e) => e.turn);
  const bare = turns.map((t) => ({ conversationId: t.conversationId, time: t.time, finishReasons: t.finishReasons }));
  const scorer = new MultiTurnRiskScorer();
  const turnNs = timeSync(ops, (i) => scorer.observeTurn(turns[i % turns.length] as (typeof turns)[number]));
  const scorerNoContent = new MultiTurnRiskScorer();
  const turnBareNs = timeSync(ops, (i) => scorerNoContent.observeTurn(bare[i % bare.length] as (typeof bare)[number]));

  const nBenign = options.benign ?? 5000;
  const nAttacks = options.attacks ?? 1000;
  const benign = alarmRate(benignConversations(nBenign, 99));
  const attacks = alarmRate(attackConversations(nAttacks, 98));
  const falseAlarmRate = benign.rate;
  const detectionRate = attacks.rate;
  await provider.shutdown();

  const r: AgentsBenchResult = {
    spanNsPerOp: spanNs,
    policyAllowNsPerOp: allowNs,
    policyDenyNsPerOp: denyNs,
    observeRequestedNsPerOp: requestedNs,
    scorerTurnNsPerOp: turnNs,
    scorerTurnNoContentNsPerOp: turnBareNs,
    benignConversations: nBenign,
    falseAlarmRate,
    attackConversations: nAttacks,
    detectionRate,
    medianTurnsToDetection: attacks.medianTurn,
  };
  const row = (what: string, ns: number) => `  ${what.padEnd(58)} ${ns.toFixed(0).padStart(7)} ns/op  ${(ns / spanNs).toFixed(2).padStart(6)} x span`;
  console.log('@warden/agents');
  console.log(row('baseline: create + end one span (BasicTracerProvider)', spanNs));
  console.log(row('policy check, allowed call with path rule (await)', allowNs));
  console.log(row('policy check, denied call (decision + alert published)', denyNs));
  console.log(row('observeRequested (model-requested tool call)', requestedNs));
  console.log(row('multi-turn scorer, one turn with captured content', turnNs));
  console.log(row('multi-turn scorer, one turn without content', turnBareNs));
  console.log(
    `  multi-turn false alarms: ${(falseAlarmRate * 100).toFixed(2)}% of ${nBenign} generated benign conversations (threshold ${new MultiTurnRiskScorer().threshold})`,
  );
  console.log(
    `  multi-turn detection:    ${(detectionRate * 100).toFixed(1)}% of ${nAttacks} generated escalating conversations, median at turn ${attacks.medianTurn}`,
  );
  return r;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runAgentsBench();
}
