import type { CallRecord } from '@warden/core';
import { seededRandom } from '@warden/testing';
import { describe, expect, it } from 'vitest';
import { createFleetAnalyzer } from './fleet-analyzer';

const random = seededRandom(11);
let n = 0;
function chat(service: string, agent: string, outputTokens = 100 + random() * 20): CallRecord {
  n++;
  return {
    time: Date.UTC(2026, 0, 1) + n * 1000,
    traceId: n.toString(16).padStart(32, '0'),
    spanId: n.toString(16).padStart(16, '0'),
    service,
    operation: 'chat',
    model: 'gpt-4o',
    agent,
    toolCalls: [],
    latencyMs: 200 + random() * 50,
    inputTokens: 300 + random() * 30,
    outputTokens,
    finishReasons: ['stop'],
  } as CallRecord;
}

// Records seconds apart: baselines fixed on records alone (the default also asks for 5 minutes of traffic).
const ANALYZER = { warmup: 40, window: 20, warmupMs: 0 };

describe('the fleet analyzer', () => {
  it("keeps a service's baseline when another service floods it with junk groups, and counts what that sender lost", () => {
    const fleet = createFleetAnalyzer({ ...ANALYZER, maxGroups: 50 });
    for (let i = 0; i < 60; i++) fleet.observe(chat('real', 'support'));
    for (let i = 0; i < 80; i++) fleet.observe(chat('junk', `junk-${i}`));
    const alerts = [];
    for (let i = 0; i < 60; i++) alerts.push(...fleet.observe(chat('real', 'support', 1_000 + random() * 200)));
    expect(alerts.filter((a) => a.subject.service === 'real').length).toBeGreaterThan(0);
    expect(fleet.capacity()).toMatchObject({ groupsPerService: 50, services: 2, groups: 51, evictions: { groupsOverServiceBudget: 30 } });
  });

  it('caps all groups together: services that learned nothing go first, and a newcomer never erases a learned one', () => {
    const fleet = createFleetAnalyzer(ANALYZER, undefined, { groupsPerService: 10, maxGroups: 12 });
    for (let i = 0; i < 40; i++) for (const agent of ['a', 'b']) fleet.observe(chat('warm', agent)); // 2 warm groups
    for (let s = 0; s < 5; s++) for (let i = 0; i < 3; i++) fleet.observe(chat(`cold-${s}`, `x${i}`)); // 15 cold groups
    const cap = fleet.capacity();
    expect(cap.groups).toBeLessThanOrEqual(12);
    expect(cap.evictions.servicesEvicted).toBeGreaterThan(0);
    expect(fleet.groups().filter((g) => g.key.service === 'warm')).toHaveLength(2);
    // Warm services fill the cap: a newcomer is refused (and counted), the warm ones stay.
    const full = createFleetAnalyzer(ANALYZER, undefined, { groupsPerService: 2, maxGroups: 4 });
    for (let i = 0; i < 40; i++) for (const agent of ['a', 'b']) for (const svc of ['s1', 's2']) full.observe(chat(svc, agent));
    full.observe(chat('newcomer', 'z'));
    expect(full.capacity()).toMatchObject({ services: 2, groups: 4, evictions: { recordsRefused: 1, servicesEvicted: 1 } });
  });

  it('gives alert ids a service tag so two services never share one, and restores per service and from the old single-analyzer snapshot', () => {
    const fleet = createFleetAnalyzer({ ...ANALYZER, allowedTools: { bot: ['search'] } });
    const misuse = (service: string): CallRecord => ({ ...chat(service, 'bot'), operation: 'execute_tool', tool: 'shell', time: Date.UTC(2026, 1, 1) });
    const [a] = fleet.observe(misuse('one'));
    const [b] = fleet.observe(misuse('two'));
    expect(a?.id).toBeDefined();
    expect(a?.id).not.toBe(b?.id);

    const snap = fleet.snapshot();
    expect(Object.keys(snap.services).sort()).toEqual(['one', 'two']);
    const restored = createFleetAnalyzer(ANALYZER, JSON.parse(JSON.stringify({ ...snap, extra: { kept: true } })));
    expect(restored.capacity().groups).toBe(fleet.capacity().groups);
    expect(restored.snapshot()).toMatchObject({ extra: { kept: true } });
    // A version 1 file (one analyzer for all services) is split by service on restore.
    const v1 = {
      ...snap.services.one!,
      groups: [...snap.services.one!.groups, ...snap.services.two!.groups],
      agents: [...snap.services.one!.agents, ...snap.services.two!.agents],
    };
    const fromV1 = createFleetAnalyzer(ANALYZER, JSON.parse(JSON.stringify(v1)));
    expect(fromV1.capacity()).toMatchObject({ services: 2, groups: fleet.capacity().groups });
    expect(fromV1.serviceSnapshot('two')?.groups).toHaveLength(snap.services.two!.groups.length);
  });
});
