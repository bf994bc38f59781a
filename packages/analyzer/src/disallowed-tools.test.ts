/**
 * Issue 13 item 1: a call outside allowedTools must always leave evidence, and tool names the
 * model merely requests must not switch off new-tool reporting for the tools it executes.
 */
import { describe, expect, it } from 'vitest';
import type { Alert, CallRecord } from '@warden/core';
import { Analyzer } from './analyzer';

let n = 0;
function toolRun(agent: string, tool: string): CallRecord {
  n++;
  return {
    time: 1_700_000_000_000 + n,
    traceId: `t${n}`,
    spanId: `s${n}`,
    service: 'shop',
    operation: 'execute_tool',
    agent,
    tool,
    latencyMs: 5,
    toolCalls: [],
    finishReasons: [],
  };
}
function chat(agent: string, requested: string[]): CallRecord {
  n++;
  return {
    time: 1_700_000_000_000 + n,
    traceId: `t${n}`,
    spanId: `s${n}`,
    service: 'shop',
    operation: 'chat',
    agent,
    model: 'm',
    latencyMs: 300,
    outputTokens: 50,
    toolCalls: requested,
    finishReasons: ['tool_calls'],
  };
}

describe('disallowed tools', () => {
  it('a tool outside allowedTools alerts even after five other new tools are open', () => {
    const a = new Analyzer({ allowedTools: { bot: ['search'] } });
    // A policy finding is never folded into another incident: each is published as its own alert.
    const alerts: Alert[] = [];
    for (const t of ['t1', 't2', 't3', 't4', 't5', 'wire_money']) alerts.push(...a.observe(toolRun('bot', t)));
    expect(alerts.filter((x) => x.detector === 'tool.new_tool').map((x) => x.subject.tool)).toEqual(['t1', 't2', 't3', 't4', 't5', 'wire_money']);
  });

  it('every further call of a disallowed tool is evidence: counted on its open alert, alerted again after it resolves', () => {
    const a = new Analyzer({ allowedTools: { bot: ['search'] }, cooldown: 50 });
    const updates: { alertId: string; occurrences: number }[] = [];
    a.on('alert_update', (u) => updates.push(u));
    const first = a.observe(toolRun('bot', 'wire_money'));
    expect(first).toHaveLength(1);
    a.observe(toolRun('bot', 'wire_money'));
    a.observe(toolRun('bot', 'wire_money'));
    expect(updates.map((u) => [u.alertId, u.occurrences])).toEqual([
      [first[0].id, 2],
      [first[0].id, 3],
    ]);
    // Past the cool-down the alert resolves; the tool was never learned as allowed, so it alerts again.
    for (let i = 0; i < 60; i++) a.observe(toolRun('bot', 'search'));
    expect(a.observe(toolRun('bot', 'wire_money')).map((x) => x.detector)).toEqual(['tool.new_tool']);
  });

  it('requested tool names do not fill the memory that executed tools are checked against', () => {
    const a = new Analyzer({ warmup: 20, maxToolsPerAgent: 8 });
    for (let i = 0; i < 40; i++) a.observe(toolRun('bot', i % 2 ? 'search' : 'lookup'));
    // The model asks for 30 made-up tools (LLM output chooses these names).
    for (let i = 0; i < 30; i++) a.observe(chat('bot', [`made_up_${i}`]));
    const alerts: Alert[] = [];
    a.on('detector_alert', (x) => alerts.push(x));
    a.observe(toolRun('bot', 'delete_everything'));
    expect(alerts.map((x) => `${x.detector}:${x.subject.tool}`)).toContain('tool.new_tool:delete_everything');
  });
});
