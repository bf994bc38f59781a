import { fnv1a } from '@warden/core/internal';
import type { Alert } from '@warden/core';
import { multiTurnAlert } from '../multi-turn-alert';

/** One turn of the window sent to a judge: the user's input and the model's reply, bounded. */
export interface JudgedTurn {
  user?: string;
  assistant?: string;
}

export interface JudgeVerdict {
  flagged: boolean;
  /** What the judge named (moderation categories, a guard model's category codes). */
  categories?: string[];
  /** The judge's own score in [0, 1] when it gives one. */
  score?: number;
}

/** Sends a window of a conversation to a judge model; rejects on failure (counted, never thrown into the app). */
export type ConversationJudgeFn = (window: JudgedTurn[], conversationId: string) => Promise<JudgeVerdict>;

export interface ConversationJudgeOptions {
  judge: ConversationJudgeFn;
  /** Share of conversations ever judged, chosen by a hash of the conversation id. Default 1. */
  sampleRate?: number;
  /** Judge only once the embedded score reached this (0: every turn of sampled conversations). Default 0.3. */
  minScore?: number;
  /** Turns in the window (the most recent). Default 6. */
  windowTurns?: number;
  /** Characters kept of each text in the window. Default 1000. */
  maxCharsPerText?: number;
  /** Judge calls started per minute, across conversations. Default 30. */
  maxCallsPerMinute?: number;
  /** Judge calls in flight at once. Default 2. */
  maxConcurrent?: number;
  /** Conversations whose window is kept. Default 1000 (least recently seen forgotten). */
  maxConversations?: number;
  /** A call slower than this counts as failed. Default 10 s. */
  timeoutMs?: number;
  /** Where a flagged verdict goes. */
  onAlert: (alert: Alert) => void;
  /** Where a failed call is reported. */
  onError?: (error: unknown) => void;
}

export interface ConversationJudgeStats {
  calls: number;
  flagged: number;
  failed: number;
  /** Turns not judged because the per-minute budget or concurrency was used up. */
  skippedBudget: number;
  /** Turns that carried no text (content capture off): a judge needs captured content to see anything. */
  turnsWithoutText: number;
}

interface JudgedConversation {
  window: JudgedTurn[];
  inFlight: boolean;
  /** Turns arrived while a call was in flight: judge the newer window when it settles. */
  stale: boolean;
  lastScore: number;
  alerted: boolean;
  agent?: string;
  traceIds: string[];
}

function sampled(id: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  return fnv1a(id) / 2 ** 32 < rate;
}

/**
 * An optional second opinion on a conversation: a sampled, budgeted window of recent turns
 * goes to a model the user names (OpenAI moderation through the app's own client, or any
 * OpenAI-compatible guard model). Off the call path: observe() only records and starts a
 * promise it never awaits, so the app's model call never waits for the judge; a flagged
 * verdict raises one `multi_turn` alert per conversation (detector `multi_turn.judge`).
 * Memory is bounded by maxConversations × windowTurns × maxCharsPerText.
 */
export class ConversationJudge {
  readonly stats: ConversationJudgeStats = { calls: 0, flagged: 0, failed: 0, skippedBudget: 0, turnsWithoutText: 0 };
  private readonly conversations = new Map<string, JudgedConversation>();
  private readonly o: Required<Omit<ConversationJudgeOptions, 'onError'>> & Pick<ConversationJudgeOptions, 'onError'>;
  private readonly callStarts: number[] = [];
  private inFlight = 0;
  private readonly pending = new Set<Promise<void>>();

  constructor(options: ConversationJudgeOptions) {
    this.o = {
      sampleRate: 1,
      minScore: 0.3,
      windowTurns: 6,
      maxCharsPerText: 1000,
      maxCallsPerMinute: 30,
      maxConcurrent: 2,
      maxConversations: 1000,
      timeoutMs: 10_000,
      // an option given as undefined keeps its default
      ...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as ConversationJudgeOptions),
    };
  }

  get trackedConversations(): number {
    return this.conversations.size;
  }

  /**
   * Records one turn; judges the window when the conversation is sampled, its embedded score
   * reached minScore and the budget allows. `now` is the wall clock for the budget only.
   */
  observe(turn: { conversationId: string; input?: string; output?: string; agent?: string; traceId?: string; score: number }, now = Date.now()): void {
    if (!sampled(turn.conversationId, this.o.sampleRate)) return;
    let c = this.conversations.get(turn.conversationId);
    if (c) this.conversations.delete(turn.conversationId);
    else {
      c = { window: [], inFlight: false, stale: false, lastScore: 0, alerted: false, traceIds: [] };
      if (this.conversations.size >= this.o.maxConversations) {
        const oldest = this.conversations.keys().next().value;
        if (oldest !== undefined) this.conversations.delete(oldest);
      }
    }
    this.conversations.set(turn.conversationId, c);
    const max = this.o.maxCharsPerText;
    const clip = (t: string | undefined) => (t === undefined || t.length <= max ? t : `${t.slice(0, max)}…`);
    if (turn.input === undefined && turn.output === undefined) this.stats.turnsWithoutText++;
    else {
      c.window.push({ user: clip(turn.input), assistant: clip(turn.output) });
      if (c.window.length > this.o.windowTurns) c.window.shift();
    }
    if (turn.agent) c.agent = turn.agent;
    if (turn.traceId && !c.traceIds.includes(turn.traceId)) {
      c.traceIds.push(turn.traceId);
      if (c.traceIds.length > 5) c.traceIds.shift();
    }
    c.lastScore = turn.score;
    if (c.alerted || !c.window.length || turn.score < this.o.minScore) return;
    if (c.inFlight) {
      c.stale = true;
      return;
    }
    this.tryStart(turn.conversationId, c, now);
  }

  private tryStart(id: string, c: JudgedConversation, now: number): void {
    while (this.callStarts.length && this.callStarts[0]! <= now - 60_000) this.callStarts.shift();
    if (this.callStarts.length >= this.o.maxCallsPerMinute || this.inFlight >= this.o.maxConcurrent) {
      this.stats.skippedBudget++;
      return;
    }
    this.callStarts.push(now);
    this.start(id, c, c.lastScore);
  }

  private start(id: string, c: JudgedConversation, score: number): void {
    const window = c.window.map((t) => ({ ...t }));
    c.inFlight = true;
    c.stale = false;
    this.inFlight++;
    this.stats.calls++;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`conversation judge timed out after ${this.o.timeoutMs} ms`)), this.o.timeoutMs);
      timer.unref?.();
    });
    const run = (async () => {
      try {
        const verdict = await Promise.race([Promise.resolve().then(() => this.o.judge(window, id)), timeout]);
        if (verdict.flagged && !c.alerted) {
          c.alerted = true;
          this.stats.flagged++;
          this.o.onAlert(this.alertFor(id, c, verdict, score));
        }
      } catch (error) {
        this.stats.failed++;
        try {
          this.o.onError?.(error);
        } catch {
          // a failing error hook must not break the judge either
        }
      } finally {
        clearTimeout(timer);
        c.inFlight = false;
        this.inFlight--;
      }
      // Newer turns came in meanwhile: judge the newer window too (budget permitting).
      if (c.stale && !c.alerted && this.conversations.get(id) === c) this.tryStart(id, c, Date.now());
    })();
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  /** Resolves when the judge calls under way have settled (flush and tests). */
  async settle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private alertFor(id: string, c: JudgedConversation, verdict: JudgeVerdict, score: number): Alert {
    const cats = verdict.categories?.length ? ` (${verdict.categories.slice(0, 5).join(', ')})` : '';
    return multiTurnAlert({
      detector: 'multi_turn.judge',
      conversationId: id,
      agent: c.agent,
      message: `A judge model flagged conversation ${id}${cats} on its last ${c.window.length} turn(s).`,
      score: verdict.score ?? 1,
      threshold: 0.5,
      current: { turns: c.window.length, embeddedScore: Math.round(score * 1000) / 1000 },
      traceIds: c.traceIds,
      time: Date.now(),
    });
  }
}
