import { afterEach, describe, expect, it } from 'vitest';
import { metrics } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader, type CollectionResult } from '@opentelemetry/sdk-metrics';
import { METRIC_WARDEN_ALERTS, WardenConfigError, onInternalError, type Alert, type CallRecord } from '@warden/core';
import { Analyzer, type AlertResolved, type ConfigChange } from './analyzer';
import { DEFAULT_STREAM, RecordStream, type StreamSpec } from './synthetic-streams';

/** Detector-level alerts raised while feeding n records (observe() returns one per incident). */
function feed(a: Analyzer, s: RecordStream, n: number): Alert[] {
  const out: Alert[] = [];
  const collect = (x: Alert): void => {
    out.push(x);
  };
  a.on('detector_alert', collect);
  for (let i = 0; i < n; i++) a.observe(s.next());
  a.off('detector_alert', collect);
  return out;
}

function stream(over: Partial<StreamSpec> = {}): RecordStream {
  return new RecordStream({ ...DEFAULT_STREAM, ...over });
}

class TestReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

afterEach(() => metrics.disable());

describe('Analyzer', () => {
  it('stays silent on stationary streams: log-normal, normal, Poisson, bursty tool mixes', () => {
    const specs: Partial<StreamSpec>[] = [
      { distribution: 'lognormal', seed: 1 },
      { distribution: 'normal', seed: 2 },
      { distribution: 'poisson', seed: 3, meanOutputTokens: 12 },
      { distribution: 'lognormal', seed: 4, burstiness: 0.8 },
    ];
    for (const spec of specs) expect(feed(new Analyzer(), stream(spec), 25_000)).toEqual([]);
  });

  it('raises one drift alert per change, with evidence, events and the metric; resolves when behaviour returns', async () => {
    const reader = new TestReader({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    // acceptAfter off: this test is about a change that ends before it would become the new normal.
    const a = new Analyzer({ cooldown: 400, acceptAfter: 0 });
    const events: string[] = [];
    const resolved: AlertResolved[] = [];
    const published: Alert[] = [];
    a.on('alert', (al) => published.push(al));
    a.on('detector_alert', (al) => events.push(`alert ${al.detector}`));
    a.on('alert:drift', (al) => events.push(`drift ${al.detector}`));
    a.on('detector_resolved', (r) => resolved.push(r));
    const s = stream({ seed: 9 });
    expect(feed(a, s, 2000)).toEqual([]);
    s.spec = { ...s.spec, meanOutputTokens: 420 };
    const alerts = feed(a, s, 3000);
    const tokens = alerts.filter((x) => x.detector === 'numeric_drift.output_tokens');
    expect(tokens).toHaveLength(1);
    const alert = tokens[0];
    expect(alert).toMatchObject({
      kind: 'drift',
      subject: { service: 'shop', agent: 'support-bot', model: 'gpt-4o-mini', feature: 'output_tokens' },
      controls: ['L3.runtime-monitoring', 'L3.drift-alerts'],
    });
    expect(alert.message).toMatch(/^output tokens of agent support-bot on gpt-4o-mini rose from median \d+ to \d+ over the last \d+ calls$/);
    expect(alert.score).toBeGreaterThan(alert.threshold);
    expect(alert.current!.median).toBeGreaterThan(1.5 * alert.baseline!.median);
    expect(alert.traceIds.length).toBeGreaterThan(0);
    expect(alert.traceIds.length).toBeLessThanOrEqual(5);
    // Time comes from the record, not the clock.
    expect(Date.parse(alert.time)).toBeGreaterThan(Date.parse('2026-01-01T00:00:00Z'));
    expect(Date.parse(alert.time)).toBeLessThan(Date.parse('2026-01-02T00:00:00Z'));
    expect(events).toContain('alert numeric_drift.output_tokens');
    // One change, one incident: a single published alert, the rest fold into it.
    expect(published).toHaveLength(1);
    expect(events.filter((e) => e.startsWith('drift '))).toHaveLength(1);
    // Latency and output length move with tokens; nothing else should.
    for (const x of alerts) expect(x.detector).toMatch(/^numeric_drift\.(output_tokens|output_length|latency)(\.ks)?$/);

    const { resourceMetrics } = (await reader.collect()) as CollectionResult;
    const metric = resourceMetrics.scopeMetrics.flatMap((m) => m.metrics).find((m) => m.descriptor.name === METRIC_WARDEN_ALERTS);
    const points = metric!.dataPoints as { attributes: Record<string, unknown>; value: number }[];
    expect(points.reduce((n, p) => n + p.value, 0)).toBe(published.length);
    expect(points.find((p) => p.attributes.detector === published[0].detector)?.attributes).toMatchObject({ kind: 'drift', severity: expect.any(String) });

    s.spec = { ...s.spec, meanOutputTokens: 210 };
    expect(feed(a, s, 3000)).toEqual([]);
    expect(resolved.map((r) => r.detector)).toContain('numeric_drift.output_tokens');
    expect(resolved.find((r) => r.detector === 'numeric_drift.output_tokens')).toMatchObject({ alertId: alert.id, reason: 'baseline' });
  });

  it('alerts on error-rate and truncation spikes, a new tool, and a tool-rate spike', () => {
    const a = new Analyzer();
    const kinds: string[] = [];
    a.on('alert:tool_anomaly', (al) => kinds.push(al.detector));
    const s = stream({ seed: 12 });
    feed(a, s, 3000);
    s.spec = { ...s.spec, errorRate: 0.06 };
    expect(feed(a, s, 1500).map((x) => x.detector)).toContain('rate_cusum.error');
    s.spec = { ...s.spec, errorRate: 0.01, lengthRate: 0.1 };
    expect(feed(a, s, 1500).map((x) => x.detector)).toContain('rate_cusum.finish_length');
    s.spec = { ...s.spec, lengthRate: 0.02, tools: [...s.spec.tools, 'send_email'], toolWeights: [6, 3, 1, 1] };
    const afterNewTool = feed(a, s, 300);
    const newTool = afterNewTool.find((x) => x.detector === 'tool.new_tool')!;
    expect(newTool).toMatchObject({ kind: 'tool_anomaly', severity: 'high', subject: { agent: 'support-bot', tool: 'send_email' } });
    expect(newTool.message).toContain('send_email');
    expect(kinds).toContain('tool.new_tool');
    s.spec = { ...s.spec, tools: ['search', 'lookup_order', 'refund'], toolWeights: [6, 3, 6] };
    const spike = feed(a, s, 3000).find((x) => x.detector === 'tool.rate_spike');
    expect(spike?.subject.tool).toBe('refund');
  });

  it('learns per group, evicts the least recently seen past maxGroups, and summarises groups', () => {
    const a = new Analyzer({ maxGroups: 3, warmup: 50, warmupMs: 0 });
    for (const agent of ['a1', 'a2', 'a3', 'a4']) feed(a, stream({ agent, seed: agent.length }), agent === 'a4' ? 10 : 60);
    const groups = a.groups();
    expect(groups.map((g) => g.key.agent).sort()).toEqual(['a2', 'a3', 'a4']);
    const a2 = groups.find((g) => g.key.agent === 'a2')!;
    expect(a2).toMatchObject({ state: 'warm', count: 60, warmupRemaining: 0, key: { operation: 'chat', model: 'gpt-4o-mini', service: 'shop' } });
    expect(a2.features.output_tokens.baseline.n).toBe(50);
    expect(a2.features.output_tokens.baseline.p50).toBeLessThan(a2.features.output_tokens.baseline.p90);
    expect(a2.features.output_tokens.recent?.n).toBe(10);
    expect(Object.keys(a2.tools).length).toBeGreaterThan(0);
    expect(groups.find((g) => g.key.agent === 'a4')).toMatchObject({ state: 'learning', warmupRemaining: 40 });
    expect(a.warmGroupCount()).toBe(groups.filter((g) => g.state === 'warm').length);
    expect(a.warmGroupCount()).toBe(2);
    expect(a.groups({ offset: 1, limit: 1 }).map((g) => g.key.agent)).toEqual([groups[1]!.key.agent]);
    expect(a.groups({ offset: 3 })).toEqual([]);
  });

  it('records of the group seen last keep the least-recently-seen order and counts exact (the same-group shortcut)', () => {
    const a = new Analyzer({ maxGroups: 2, warmupMs: 0 });
    const s = stream({ seed: 5 });
    const order = ['a', 'a', 'b', 'a', 'a', 'c', 'c', 'a'];
    for (const agent of order) a.observe({ ...s.next(), agent });
    // 'b' was least recently seen when 'c' came: evicted; 'a' was touched again after 'c'.
    expect(a.groups().map((g) => [g.key.agent, g.count])).toEqual([
      ['c', 2],
      ['a', 5],
    ]);
    expect(a.evictedGroups).toBe(1);
    // A new prompt version on the group seen last still starts a new baseline.
    const changes: ConfigChange[] = [];
    a.on('config_change', (c) => changes.push(c));
    a.observe({ ...s.next(), agent: 'a', promptVersion: 'v2' });
    expect(changes.map((c) => c.reason)).toEqual(['prompt_version']);
    expect(a.groups().find((g) => g.key.agent === 'a')?.count).toBe(1);
  });

  it('a new model or prompt version starts a new baseline with a config_change event, not a drift alert', () => {
    const a = new Analyzer();
    const changes: ConfigChange[] = [];
    a.on('config_change', (c) => changes.push(c));
    const s = stream({ seed: 21 });
    feed(a, s, 1000);
    const next = (r: CallRecord): CallRecord => ({ ...r, promptVersion: 'v2', outputTokens: (r.outputTokens ?? 0) * 2 });
    const alerts: Alert[] = [];
    for (let i = 0; i < 1000; i++) alerts.push(...a.observe(next(s.next())));
    expect(alerts).toEqual([]);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ reason: 'prompt_version', to: 'v2', subject: { agent: 'support-bot' } });
    s.spec = { ...s.spec, model: 'gpt-4.1' };
    feed(a, s, 10);
    expect(changes[1]).toMatchObject({ reason: 'model', from: 'gpt-4o-mini', to: 'gpt-4.1' });
  });

  it('allowedTools: a tool outside the list alerts at once, even in warm-up; an agent version change starts a new baseline', () => {
    const a = new Analyzer({ allowedTools: { 'support-bot': ['search', 'lookup_order'] } });
    const changes: ConfigChange[] = [];
    a.on('config_change', (c) => changes.push(c));
    const s = stream({ seed: 23 });
    const early = feed(a, s, 50);
    const refund = early.filter((x) => x.detector === 'tool.new_tool');
    expect(refund).toHaveLength(1);
    expect(refund[0].message).toBe('agent support-bot called tool refund, which is not in its allowed tools');
    const r = s.next();
    a.observe({ ...r, agentVersion: '2' });
    expect(changes[0]).toMatchObject({ reason: 'agent_version', to: '2' });
    expect(a.groups()[0]).toMatchObject({ count: 1, state: 'learning' });
  });

  it('a significant but small numeric shift (under minRelativeShift of the baseline) is not alerted', () => {
    const run = (options: ConstructorParameters<typeof Analyzer>[0]) => {
      const a = new Analyzer({ warmupMs: 0, ...options });
      const s = stream({ distribution: 'normal', seed: 21 });
      expect(feed(a, s, 2000)).toEqual([]);
      s.spec = { ...s.spec, meanOutputTokens: 210 * 1.1 };
      return feed(a, s, 3000).filter((x) => x.detector.startsWith('numeric_drift.output_tokens'));
    };
    // The +10 % shift is statistically clear: with no floor it alerts...
    expect(run({ minRelativeShift: 0 }).length).toBeGreaterThan(0);
    // ...but it is below the default 20 % floor, so it is not a page.
    expect(run({})).toEqual([]);
    expect(new Analyzer().describe().find((d) => d.detector === 'numeric_drift.latency')!.statistic).toMatch(/median moved >= 20%/);
  });

  it('a discrete feature whose median does not move is described by its mean', () => {
    const a = new Analyzer();
    const s = stream({ seed: 61, toolProbability: 0.05 });
    feed(a, s, 1000);
    s.spec = { ...s.spec, toolProbability: 0.4 };
    const alert = feed(a, s, 1000).find((x) => x.detector === 'numeric_drift.tool_calls');
    expect(alert?.message).toMatch(/^tool calls per response of agent support-bot on gpt-4o-mini rose from mean 0\.0\d+ to 0\.\d+ over the last \d+ calls$/);
    expect(alert?.baseline?.median).toBe(0);
    expect(alert?.current?.median).toBe(0);
  });

  it('restored tool knowledge: known tools stay known, a new one still alerts', () => {
    const a = new Analyzer();
    const s = stream({ seed: 33 });
    feed(a, s, 600);
    const b = Analyzer.restore(JSON.parse(JSON.stringify(a.snapshot())));
    expect(feed(b, s, 300).filter((x) => x.detector === 'tool.new_tool')).toEqual([]);
    const alerts = b.observe({ ...s.next(), toolCalls: ['wire_money'] });
    expect(alerts.map((x) => `${x.detector}:${x.subject.tool}`)).toContain('tool.new_tool:wire_money');
  });

  it('snapshot -> JSON -> restore continues without relearning or re-alerting', () => {
    const a = new Analyzer();
    const s = stream({ seed: 31 });
    feed(a, s, 1500);
    s.spec = { ...s.spec, meanOutputTokens: 500 };
    expect(feed(a, s, 500).some((x) => x.detector === 'numeric_drift.output_tokens')).toBe(true);
    const json = JSON.stringify(a.snapshot());
    const b = Analyzer.restore(JSON.parse(json));
    expect(b.groups()[0]).toMatchObject({ state: 'warm', count: 2000 });
    expect(b.groups()[0].activeAlerts.length).toBeGreaterThan(0);
    // Still shifted: the active alarm carries over, so no second alert.
    expect(feed(b, s, 1000).filter((x) => x.detector.startsWith('numeric_drift.output_tokens'))).toEqual([]);
    // A fresh analyzer would have to learn again: it is silent only because it is still learning.
    expect(new Analyzer().groups()).toEqual([]);
    expect(() => Analyzer.restore({ version: 2 } as never)).toThrow(WardenConfigError);
    // A damaged entry is skipped (and reported); the rest is restored.
    const damaged = JSON.parse(json);
    damaged.groups.push(['broken', { count: 'x' }], 7);
    damaged.agents.push(null);
    const where: string[] = [];
    const off = onInternalError((e) => where.push(e.where));
    expect(Analyzer.restore(damaged).groups()).toHaveLength(1);
    off();
    expect(where).toContain('analyzer.restore');
  });

  it('validates options with errors that name the field', () => {
    expect(() => new Analyzer({ warmup: 5 })).toThrow(/warmup/);
    expect(() => new Analyzer({ maxGroups: -1 })).toThrow(/maxGroups/);
    expect(() => new Analyzer({ allowedTools: { bot: [3 as unknown as string] } })).toThrow(/allowedTools\.bot\[0\]/);
    expect(() => new Analyzer({ bogus: 1 } as never)).toThrow(/bogus/);
    expect(() => new Analyzer({ recordsBetweenFalseAlarms: 'many' as unknown as number })).toThrow(WardenConfigError);
  });

  it('describe() lists every detector with its calibrated threshold and false-alarm figure', () => {
    const d = new Analyzer().describe();
    const ids = d.map((x) => x.detector);
    for (const id of [
      'numeric_drift.output_tokens',
      'numeric_drift.latency.ks',
      'rate_cusum.error',
      'categorical.finish_reason',
      'tool.new_tool',
      'tool.rate_spike',
      'tool.sequence',
      'spike.output_tokens',
      'spike.tool_calls',
    ]) {
      expect(ids).toContain(id);
    }
    for (const x of d.filter((y) => y.scope === 'group')) {
      expect(x.threshold).toBeGreaterThan(0);
      expect(x.expectedRecordsBetweenFalseAlarms).toBe(25_000_000);
    }
    // A longer target gives higher thresholds.
    const strict = new Analyzer({ recordsBetweenFalseAlarms: 1e9 }).describe();
    expect(strict[0].threshold).toBeGreaterThan(d[0].threshold);
  });

  it('never throws on bad input, and a throwing listener is reported, not propagated', () => {
    const a = new Analyzer({ warmup: 20 });
    const errors: string[] = [];
    const off = onInternalError((e) => errors.push(e.where));
    const odd = [
      null,
      {},
      { operation: 'chat', toolCalls: null, finishReasons: 'stop', latencyMs: NaN, time: NaN },
      { operation: 'chat', toolCalls: ['🔧'.repeat(1000)], latencyMs: -1, outputTokens: Infinity, inputTokens: 1e300, agent: '\u0000\uffff', time: 1e20 },
      { operation: 7, agent: { name: 'x' }, toolCalls: [null, 3, 'ok'], finishReasons: [null], traceId: 5, time: 'yesterday' },
      { operation: 'chat', agent: 'a', toolCalls: 'search', finishReasons: 'length', errorType: 42, refusal: 'yes', model: ['m'] },
    ] as unknown as CallRecord[];
    for (let i = 0; i < 100; i++) for (const r of odd) expect(a.observe(r)).toEqual(expect.any(Array));
    a.on('alert', () => {
      throw new Error('subscriber bug');
    });
    const s = stream({ seed: 41 });
    feed(a, s, 500);
    s.spec = { ...s.spec, tools: ['brand_new_tool'], toolWeights: [1] };
    const alerts = feed(a, s, 50);
    off();
    expect(alerts.some((x) => x.detector === 'tool.new_tool')).toBe(true);
    expect(errors).toContain('analyzer.listener.alert');
  });

  it('memory stays bounded with 10^5 distinct tool names and groups', () => {
    const a = new Analyzer({ maxGroups: 500, warmup: 20 });
    let alerts = 0;
    for (let i = 0; i < 100_000; i++) {
      alerts += a.observe({
        time: 1_767_225_600_000 + i,
        traceId: `t${i}`,
        spanId: `s${i}`,
        operation: 'execute_tool',
        agent: 'agent',
        tool: `tool-${i}-ü`,
        toolCalls: [],
        latencyMs: 10,
        finishReasons: [],
      }).length;
    }
    expect(a.groups().length).toBe(500);
    // At most 5 new-tool alerts open at once, then one report that the agent has too many tools.
    expect(alerts).toBeLessThanOrEqual(6);
    expect(JSON.stringify(a.snapshot()).length).toBeLessThan(20_000_000);
  });

  it('counts groups and the groups the LRU evicted', () => {
    const a = new Analyzer({ maxGroups: 3 });
    const s = stream({ seed: 11 });
    for (let i = 0; i < 5; i++) a.observe({ ...s.next(), agent: `agent-${i}` });
    expect(a.groupCount()).toBe(3);
    expect(a.evictedGroups).toBe(2);
  });
});
