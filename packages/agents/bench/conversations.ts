/**
 * The conversation detector on conversations we did not write (bench/data/conversations/
 * prepare.ts fetches and normalises them; run it first), and its cost per turn.
 *
 * - detection: share of attack conversations alerted by their last turn, overall and for the
 *   attacks the source itself judged successful; turn of first alert;
 * - false alarms: share of benign conversations that alert at all;
 * - a curve over thresholds (each conversation's peak score against the threshold);
 * - cost per turn with content (typical and 2 KB inputs), without content, and with a 1 MB
 *   input and output (truncated, so it should cost what a 2 KB input and output do: both texts
 *   are read, the reply by the dialogue model too); heap per tracked conversation.
 *
 * Every figure is printed per source and split: `dev` sources were looked at while tuning,
 * `report` sources were not. Run: node --import tsx packages/agents/bench/conversations.ts
 *
 * Fourth round's held-out run (declared before it ran, once, at main aabf1a6; sources in prepare.ts's header):
 * fresh benign report sets EmpatheticDialogues test, DailyDialog test and Topical-Chat test_rare; the report sets
 * of earlier rounds run again; no fresh human-labelled attack set (the odd BAD dialogues run a fifth time).
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { MEASURED_MULTI_TURN_OUTSIDE_RATES } from '../src/conversation/escalation-drill';
import { MultiTurnRiskScorer, DEFAULT_MULTI_TURN_THRESHOLD } from '../src/multi-turn-risk';
import type { Conversation } from '../../../bench/data/conversations/prepare';

const cacheDir = resolve(import.meta.dirname, '../../../bench/data/conversations/.cache');
const THRESHOLDS = [0.8, 1.0, 1.2, 1.5, 1.8, 2.0, 2.5, 3.0];

interface Replay {
  peak: number;
  firstAlertTurn: number | undefined;
  turns: number;
}

/** Replays one conversation turn by turn through a fresh scorer; outputs count as the model's reply. */
export function replayConversation(c: Conversation, threshold = DEFAULT_MULTI_TURN_THRESHOLD): Replay {
  const scorer = new MultiTurnRiskScorer({ threshold });
  let peak = 0;
  let firstAlertTurn: number | undefined;
  c.turns.forEach((t, i) => {
    const r = scorer.observeTurn({ conversationId: c.id, time: 1_700_000_000_000 + i * 30_000, input: t.user, output: t.assistant });
    peak = Math.max(peak, r.score);
    if (r.alert && firstAlertTurn === undefined) firstAlertTurn = i + 1;
  });
  return { peak, firstAlertTurn, turns: c.turns.length };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor(s.length / 2)] as number) : NaN;
}

export interface EvaluationRow {
  source: string;
  role: string;
  kind: 'attack' | 'attack (judged successful)' | 'attack (human-labelled successful)' | 'benign';
  n: number;
  alerted: number;
  medianFirstAlertTurn: number;
  medianTurns: number;
  curve: Record<string, number>;
}

export function evaluate(conversations: Conversation[]): EvaluationRow[] {
  const rows: EvaluationRow[] = [];
  const groups = new Map<string, Conversation[]>();
  for (const c of conversations) {
    const successKind = c.successBy === 'human' ? 'attack (human-labelled successful)' : 'attack (judged successful)';
    const kinds = c.attack ? ['attack', ...(c.successful ? [successKind] : [])] : ['benign'];
    for (const k of kinds) {
      const key = `${c.role}|${c.source}|${k}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
  }
  for (const [key, cs] of groups) {
    const [role, source, kind] = key.split('|') as [string, string, EvaluationRow['kind']];
    const replays = cs.map((c) => replayConversation(c));
    const curve: Record<string, number> = {};
    for (const th of THRESHOLDS) curve[th.toFixed(1)] = replays.filter((r) => r.peak >= th).length / cs.length;
    const alertedTurns = replays.flatMap((r) => (r.firstAlertTurn ? [r.firstAlertTurn] : []));
    rows.push({
      source,
      role,
      kind,
      n: cs.length,
      alerted: alertedTurns.length / cs.length,
      medianFirstAlertTurn: median(alertedTurns),
      medianTurns: median(replays.map((r) => r.turns)),
      curve,
    });
  }
  return rows.sort((a, b) => (a.role + a.kind).localeCompare(b.role + b.kind));
}

function timePerOp(ops: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(ops, 2000); i++) fn(i);
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < ops; i++) fn(i);
    rounds.push(Number(process.hrtime.bigint() - t) / ops);
  }
  return median(rounds);
}

function cost(): void {
  const typical = 'Thanks! Could you now explain, step by step, how the extraction works and which solvent you would pick for it?';
  const twoKb = (typical + ' ').repeat(20).slice(0, 2048);
  // The same text as the 2 KB input, to a megabyte: what truncation saves is then the only difference (the cost of a
  // text depends on its words as much as on its length; an earlier lorem-ipsum megabyte was cheaper per character).
  const megabyte = (typical + ' ').repeat(Math.ceil(1_048_576 / (typical.length + 1)));
  const s = new MultiTurnRiskScorer({ maxConversations: 1000 });
  // Conversation ids built once: the figure is the scorer's, not the cost of building id strings.
  const ids = Array.from({ length: 1000 }, (_, i) => `conversation-${i}`);
  const stop = ['stop'];
  const baseline = timePerOp(200_000, (i) => {
    JSON.stringify({ conversationId: ids[i % 1000], time: i });
  });
  const bare = timePerOp(200_000, (i) => s.observeTurn({ conversationId: ids[i % 1000]!, time: i, finishReasons: stop }));
  const withTypical = timePerOp(50_000, (i) =>
    s.observeTurn({ conversationId: ids[i % 1000]!, time: i, input: typical, output: 'Sure, here is an overview.' }),
  );
  const with2k = timePerOp(20_000, (i) => s.observeTurn({ conversationId: ids[i % 1000]!, time: i, input: twoKb, output: 'Sure.' }));
  const with2kBoth = timePerOp(20_000, (i) => s.observeTurn({ conversationId: ids[i % 1000]!, time: i, input: twoKb, output: twoKb }));
  const withMb = timePerOp(500, (i) => s.observeTurn({ conversationId: ids[i % 1000]!, time: i, input: megabyte, output: megabyte }));
  console.log(
    `cost per turn (median of 5 rounds; baseline = JSON.stringify of a tiny object, same run; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
  );
  console.log(
    `  without content          ${(bare / 1000).toFixed(3)} µs   (${(bare / baseline).toFixed(1)}× baseline ${baseline.toFixed(0)} ns)   budget ≤ 1 µs`,
  );
  console.log(`  typical input (${typical.length} chars)  ${(withTypical / 1000).toFixed(2)} µs   budget ≤ 50 µs`);
  console.log(`  2 KB input               ${(with2k / 1000).toFixed(2)} µs`);
  console.log(`  2 KB input and output    ${(with2kBoth / 1000).toFixed(2)} µs   budget ≤ 50 µs`);
  console.log(
    `  1 MB input and output    ${(withMb / 1000).toFixed(2)} µs   (truncated to head+tail; ${(withMb / with2kBoth).toFixed(2)}× a 2 KB input and output)   budget ≤ 50 µs`,
  );

  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const many = new MultiTurnRiskScorer({ maxConversations: 10_000 });
  for (let i = 0; i < 30_000; i++) many.observeTurn({ conversationId: `conv-${i}`, time: i, input: typical, output: 'ok' });
  globalThis.gc?.();
  const after = process.memoryUsage().heapUsed;
  console.log(
    `  memory: ${many.trackedConversations} conversations tracked after 30,000 (bound 10,000); ${((after - before) / many.trackedConversations).toFixed(0)} B heap each`,
  );
}

/** Says whether MEASURED_MULTI_TURN_OUTSIDE_RATES (what the package states) is still what this run measured. */
function checkStatedRates(rows: EvaluationRow[]): void {
  const attack = (role: string, kind: EvaluationRow['kind']) =>
    rows.find((r) => r.role === role && r.kind === kind && r.source === 'martinjingyu/Multi-Turn-Jailbreaker')?.alerted ?? NaN;
  const worstBenign = (role: string) => Math.max(...rows.filter((r) => r.role === role && r.kind === 'benign').map((r) => r.alerted));
  const measured = {
    threshold: DEFAULT_MULTI_TURN_THRESHOLD,
    heldOutAttackDetection: attack('report', 'attack'),
    heldOutJudgedSuccessfulDetection: attack('report', 'attack (judged successful)'),
    devAttackDetection: attack('dev', 'attack'),
    heldOutBenignFalseAlarms: worstBenign('report'),
    devBenignFalseAlarms: worstBenign('dev'),
    // The fifth round's held-out set, its primary label (the experts' gold); the BAD odd half is no longer held out.
    humanLabelledSuccessfulDetection:
      rows.find((r) => r.role === 'report' && r.kind === 'attack (human-labelled successful)' && r.source === 'DICES-350 (expert gold)')?.alerted ?? NaN,
  };
  const stale = Object.entries(measured).filter(([k, v]) => Number(v.toFixed(3)) !== MEASURED_MULTI_TURN_OUTSIDE_RATES[k as keyof typeof measured]);
  console.log(
    stale.length
      ? `MEASURED_MULTI_TURN_OUTSIDE_RATES is stale: ${stale.map(([k, v]) => `${k} measured ${v.toFixed(3)}, stated ${MEASURED_MULTI_TURN_OUTSIDE_RATES[k as keyof typeof measured]}`).join('; ')}\n`
      : 'MEASURED_MULTI_TURN_OUTSIDE_RATES equals what this run measured.\n',
  );
}

function main(): void {
  const file = resolve(cacheDir, 'conversations.jsonl');
  if (!existsSync(file)) {
    console.log(`no outside conversations at ${file}: run node --import tsx bench/data/conversations/prepare.ts (it documents the mirrors it reads)`);
  } else {
    // CONVERSATION_SPLIT=dev shows only the development sources (what tuning may look at).
    const split = process.env.CONVERSATION_SPLIT;
    const conversations = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Conversation)
      .filter((c) => !split || c.role === split);
    const manifest = JSON.parse(readFileSync(resolve(cacheDir, 'manifest.json'), 'utf8')) as {
      sources: { url: string; commit: string; licence: string; role: string }[];
    };
    console.log('sources:');
    for (const s of manifest.sources) console.log(`  [${s.role}] ${s.url} @ ${s.commit.slice(0, 12)} — ${s.licence}`);
    console.log(
      `\nalerted by the last turn at the default threshold ${DEFAULT_MULTI_TURN_THRESHOLD}, and the curve over thresholds (share whose peak score reaches it):`,
    );
    console.log(
      `  ${'split'.padEnd(7)}${'source'.padEnd(38)}${'kind'.padEnd(36)}${'n'.padStart(5)}${'alerted'.padStart(9)}${'1st alert'.padStart(10)}${'turns'.padStart(6)}   ${THRESHOLDS.map((t) => t.toFixed(1).padStart(6)).join('')}`,
    );
    const rows = evaluate(conversations);
    for (const r of rows) {
      console.log(
        `  ${r.role.padEnd(7)}${r.source.padEnd(38)}${r.kind.padEnd(36)}${String(r.n).padStart(5)}${pct(r.alerted).padStart(9)}${(Number.isNaN(r.medianFirstAlertTurn) ? '-' : `t${r.medianFirstAlertTurn}`).padStart(10)}${String(r.medianTurns).padStart(6)}   ${Object.values(
          r.curve,
        )
          .map((v) => pct(v).padStart(6))
          .join('')}`,
      );
    }
    if (!split) {
      console.log('  ("judged successful": the source\'s own model judge scored it 5/5; "human-labelled successful": people labelled a bot reply not ok)\n');
      checkStatedRates(rows);
    }
  }
  // Cost is measured on written inputs, not on any source: it runs with a split too (CONVERSATION_SPLIT=dev measures it without touching report data).
  cost();
}

main();
