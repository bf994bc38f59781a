import type { Alert } from '@warden/core';
import { describe, expect, it } from 'vitest';
import { ConversationJudge, type JudgedTurn } from './conversation-judge';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ConversationJudge', () => {
  it('judges off the call path, re-judges the newer window after a call in flight, and alerts once', async () => {
    const windows: JudgedTurn[][] = [];
    const gates: ReturnType<typeof deferred<{ flagged: boolean }>>[] = [];
    const alerts: Alert[] = [];
    const judge = new ConversationJudge({
      judge: (w) => {
        windows.push(w);
        const d = deferred<{ flagged: boolean }>();
        gates.push(d);
        return d.promise;
      },
      minScore: 0,
      windowTurns: 2,
      onAlert: (a) => alerts.push(a),
    });
    judge.observe({ conversationId: 'c', input: 'one', output: 'a', score: 0.1 });
    // observe() returned while the judge is still thinking: nothing waits on it.
    judge.observe({ conversationId: 'c', input: 'two', output: 'b', score: 0.2 });
    judge.observe({ conversationId: 'c', input: 'three', output: 'c', score: 0.4 });
    // The judge itself runs on a later tick, never inside observe().
    expect(windows).toHaveLength(0);
    await new Promise((r) => setImmediate(r));
    expect(windows).toHaveLength(1);
    gates[0]!.resolve({ flagged: false });
    await new Promise((r) => setImmediate(r));
    expect(windows).toHaveLength(2);
    expect(windows[1]!.map((t) => t.user)).toEqual(['two', 'three']);
    gates[1]!.resolve({ flagged: true });
    await judge.settle();
    judge.observe({ conversationId: 'c', input: 'four', score: 0.9 });
    await judge.settle();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'multi_turn', detector: 'multi_turn.judge', subject: { conversationId: 'c' } });
    expect(judge.stats).toMatchObject({ calls: 2, flagged: 1, failed: 0, turnsWithoutText: 0 });
    // Without captured content there is nothing to judge, and the stats say so.
    judge.observe({ conversationId: 'bare', score: 1 });
    await judge.settle();
    expect(judge.stats).toMatchObject({ calls: 2, turnsWithoutText: 1 });
  });

  it('samples by conversation, waits for the embedded score, keeps to its budget and bounds its memory', async () => {
    let calls = 0;
    const judge = new ConversationJudge({
      judge: async () => {
        calls++;
        return { flagged: false };
      },
      sampleRate: 0.5,
      minScore: 0.5,
      maxCallsPerMinute: 3,
      maxConcurrent: 10,
      maxConversations: 20,
      maxCharsPerText: 100,
      onAlert: () => undefined,
    });
    for (let i = 0; i < 200; i++) judge.observe({ conversationId: `low-${i}`, input: 'x'.repeat(10_000), score: 0.1 }, 1000 + i);
    await judge.settle();
    expect(calls).toBe(0);
    expect(judge.trackedConversations).toBe(20);
    for (let i = 0; i < 200; i++) judge.observe({ conversationId: `high-${i}`, input: 'hello', score: 0.9 }, 2000 + i);
    await judge.settle();
    expect(calls).toBe(3);
    expect(judge.stats.skippedBudget).toBeGreaterThan(50);
    expect(judge.stats.skippedBudget).toBeLessThan(150); // about half the conversations are sampled out
    // A minute later the budget is back.
    judge.observe({ conversationId: 'high-1', input: 'again', score: 0.9 }, 70_000);
    judge.observe({ conversationId: 'high-3', input: 'again', score: 0.9 }, 70_000);
    judge.observe({ conversationId: 'high-5', input: 'again', score: 0.9 }, 70_000);
    await judge.settle();
    expect(calls).toBeGreaterThan(3);
  });

  it('counts a failing or hanging judge and carries on', async () => {
    const errors: unknown[] = [];
    const judge = new ConversationJudge({
      judge: (w) => (w[0]?.user === 'hang' ? new Promise(() => undefined) : Promise.reject(new Error('down'))),
      minScore: 0,
      timeoutMs: 20,
      onAlert: () => undefined,
      onError: (e) => errors.push(e),
    });
    judge.observe({ conversationId: 'a', input: 'fail', score: 1 });
    judge.observe({ conversationId: 'b', input: 'hang', score: 1 });
    await judge.settle();
    expect(judge.stats.failed).toBe(2);
    expect(errors.map((e) => (e as Error).message).sort()).toEqual(['conversation judge timed out after 20 ms', 'down']);
  });
});
