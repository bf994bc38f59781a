import { describe, expect, it } from 'vitest';
import type { CallRecord } from '@warden/core';
import { ParentAgents, type SpanLink } from './parent-agent';

const rec = (spanId: string, operation: string, agent?: string, traceId = 't1'): CallRecord => ({
  time: 1,
  traceId,
  spanId,
  operation,
  agent,
  latencyMs: 1,
  toolCalls: [],
  finishReasons: [],
});
const link = (record: CallRecord, parentSpanId?: string): SpanLink => ({ traceId: record.traceId, spanId: record.spanId, parentSpanId, record });
/** A span that is no GenAI operation (a framework step, an HTTP span). */
const plain = (spanId: string, parentSpanId?: string, traceId = 't1'): SpanLink => ({ traceId, spanId, parentSpanId });

/** One request: plan, then commit as the ingest does when the queue took it. */
function admit(p: ParentAgents, links: SpanLink[], now = 0): CallRecord[] {
  const plan = p.plan(links);
  p.commit(plan, now);
  return plan.ready;
}

describe('ParentAgents', () => {
  it('an execute_tool record without an agent takes its parent span agent, in the batch or from an earlier one', () => {
    const p = new ParentAgents({ capacity: 10 });
    const agentSpan = rec('a1', 'invoke_agent', 'support-bot');
    const tool = rec('s1', 'execute_tool');
    const nested = rec('s2', 'execute_tool');
    expect(admit(p, [link(tool, 'a1'), link(agentSpan), link(nested, 's1')])).toEqual([tool, agentSpan, nested]);
    expect([tool.agent, nested.agent]).toEqual(['support-bot', 'support-bot']);
    const later = rec('s3', 'execute_tool');
    admit(p, [link(later, 'a1')]);
    expect(later.agent).toBe('support-bot');
    // Another trace, or a span that names its own agent: untouched.
    const other = rec('s4', 'execute_tool', undefined, 't2');
    const own = rec('s5', 'execute_tool', 'billing');
    expect(admit(p, [link(other, 'a1'), link(own, 'a1')])).toEqual([other, own]);
    expect([other.agent, own.agent]).toEqual([undefined, 'billing']);
  });

  it('walks up through spans that are no GenAI operation (a framework step between the agent and its tool)', () => {
    const p = new ParentAgents();
    const agentSpan = rec('a1', 'invoke_agent', 'planner');
    const tool = rec('s1', 'execute_tool');
    admit(p, [link(agentSpan), plain('step1', 'a1'), plain('step2', 'step1'), link(tool, 'step2')]);
    expect(tool.agent).toBe('planner');
    // A root reached without an agent: the record goes on without one, at once.
    const rootless = rec('s2', 'execute_tool', undefined, 't9');
    const p2 = new ParentAgents({ waitMs: 1000 });
    expect(admit(p2, [plain('root', undefined, 't9'), link(rootless, 'root')])).toEqual([rootless]);
    expect(p2.held).toBe(0);
  });

  it('a tool span exported before its agent span waits for it, and goes on with the agent when it comes', () => {
    const p = new ParentAgents({ waitMs: 30_000 });
    const tool = rec('s1', 'execute_tool');
    const second = rec('s2', 'execute_tool');
    expect(admit(p, [link(tool, 'step'), plain('step', 'a1')], 0)).toEqual([]);
    expect(admit(p, [link(second, 'a1')], 10)).toEqual([]);
    expect(p.held).toBe(2);
    expect(p.nextDeadline).toBe(30_000);
    const agentSpan = rec('a1', 'invoke_agent', 'support-bot');
    // Released first (they are older), then the request's own record.
    expect(admit(p, [link(agentSpan)], 20)).toEqual([tool, second, agentSpan]);
    expect([tool.agent, second.agent]).toEqual(['support-bot', 'support-bot']);
    expect([p.held, p.heldTotal, p.heldUnresolved]).toEqual([0, 2, 0]);
    expect(p.nextDeadline).toBeUndefined();
  });

  it('waits up the chain: the step span arrives first, the agent span later', () => {
    const p = new ParentAgents({ waitMs: 30_000 });
    const tool = rec('s1', 'execute_tool');
    admit(p, [link(tool, 'step')]);
    expect(admit(p, [plain('step', 'a1')])).toEqual([]);
    expect(p.held).toBe(1);
    expect(admit(p, [link(rec('a1', 'invoke_agent', 'router'))]).map((r) => r.spanId)).toEqual(['s1', 'a1']);
    expect(tool.agent).toBe('router');
  });

  it('when the wait runs out the record goes on without an agent; nothing is held twice', () => {
    const p = new ParentAgents({ waitMs: 100 });
    const tool = rec('s1', 'execute_tool');
    admit(p, [link(tool, 'a1')], 0);
    expect(p.due(99)).toEqual([]);
    const due = p.due(100);
    expect(due.map((h) => h.record)).toEqual([tool]);
    p.release(due);
    expect([p.held, p.heldUnresolved, tool.agent]).toEqual([0, 1, undefined]);
    // The agent span coming later changes nothing for it.
    expect(admit(p, [link(rec('a1', 'invoke_agent', 'late'))], 200).map((r) => r.spanId)).toEqual(['a1']);
    expect(tool.agent).toBeUndefined();
    expect(p.due(1_000)).toEqual([]);
  });

  it('a request the queue refused holds nothing, and comes again the same', () => {
    const p = new ParentAgents({ waitMs: 100 });
    const links = [link(rec('s1', 'execute_tool'), 'a1')];
    const refused = p.plan(links);
    expect(refused.hold).toHaveLength(1);
    expect(p.held).toBe(0);
    const again = p.plan(links);
    p.commit(again, 0);
    expect(p.held).toBe(1);
    // Past maxHeld, the record that could not wait is counted once, when its request is committed.
    const full = new ParentAgents({ waitMs: 100, maxHeld: 0 });
    const overflowing = [link(rec('s2', 'execute_tool'), 'a2')];
    expect(full.plan(overflowing).ready).toHaveLength(1);
    expect(full.heldUnresolved).toBe(0);
    full.commit(full.plan(overflowing), 0);
    expect(full.heldUnresolved).toBe(1);
  });

  it('holds at most maxHeld records; past that a record goes on at once; waitMs 0 never waits', () => {
    const p = new ParentAgents({ waitMs: 100, maxHeld: 2 });
    const ready = admit(p, [link(rec('s1', 'execute_tool'), 'a1'), link(rec('s2', 'execute_tool'), 'a1'), link(rec('s3', 'execute_tool'), 'a1')]);
    expect(ready.map((r) => r.spanId)).toEqual(['s3']);
    expect([p.held, p.heldUnresolved]).toEqual([2, 1]);
    const noWait = new ParentAgents({ waitMs: 0 });
    expect(admit(noWait, [link(rec('s1', 'execute_tool'), 'a1')])).toHaveLength(1);
    expect(noWait.held).toBe(0);
  });

  it('remembers a bounded number of spans', () => {
    const p = new ParentAgents({ capacity: 2 });
    admit(p, [link(rec('a1', 'chat', 'x')), link(rec('a2', 'chat', 'y')), link(rec('a3', 'chat', 'z'))]);
    const orphan = rec('s1', 'execute_tool');
    admit(p, [link(orphan, 'a1')]);
    expect(orphan.agent).toBeUndefined();
  });
});
