import { describe, expect, it } from 'vitest';
import type { CallRecord } from '@warden/core';
import { ParentAgents } from './parent-agent';

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

describe('ParentAgents', () => {
  it('an execute_tool record without an agent takes its parent span agent, in the batch or from an earlier one', () => {
    const p = new ParentAgents(10);
    const agentSpan = rec('a1', 'invoke_agent', 'support-bot');
    const tool = rec('s1', 'execute_tool');
    const nested = rec('s2', 'execute_tool');
    p.fill([tool, agentSpan, nested], ['a1', undefined, 's1']);
    expect([tool.agent, nested.agent]).toEqual(['support-bot', 'support-bot']);
    const later = rec('s3', 'execute_tool');
    p.fill([later], ['a1']);
    expect(later.agent).toBe('support-bot');
    // Another trace, an unknown parent, or a span that names its own agent: untouched.
    const other = rec('s4', 'execute_tool', undefined, 't2');
    const own = rec('s5', 'execute_tool', 'billing');
    p.fill([other, own], ['a1', 'a1']);
    expect([other.agent, own.agent]).toEqual([undefined, 'billing']);
  });

  it('remembers a bounded number of spans', () => {
    const p = new ParentAgents(2);
    p.fill([rec('a1', 'chat', 'x'), rec('a2', 'chat', 'y'), rec('a3', 'chat', 'z')], [undefined, undefined, undefined]);
    const orphan = rec('s1', 'execute_tool');
    p.fill([orphan], ['a1']);
    expect(orphan.agent).toBeUndefined();
  });
});
