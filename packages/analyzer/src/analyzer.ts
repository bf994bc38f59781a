/**
 * The Analyzer: routes each CallRecord to its group (service·agent·operation·model·tool) and
 * agent, runs the detectors, turns verdicts into typed alerts (one per change, with a
 * cool-down and a `resolved` event), and emits them synchronously. What is watched lives in
 * features.ts, thresholds in detector-params.ts, alarm bookkeeping in alarms.ts, prose in
 * messages.ts / describe.ts / tool-alerts.ts, and snapshots in snapshot.ts.
 */
import { EventEmitter } from 'eventemitter3';
import { metrics, type Counter, type MeterProvider } from '@opentelemetry/api';
import { mean, quantileSorted } from 'simple-statistics';
import { controlsForKind, GEN_AI_OPERATION, GENERATION_OPERATIONS, METRIC_WARDEN_ALERTS, type Alert, type CallRecord } from '@warden/core';
import { activeDrill, reportInternalError } from '@warden/core/internal';
import { parseAnalyzerOptions, type AnalyzerOptions, type ResolvedAnalyzerOptions } from './options';
import { calibrateDetectors, type Calibrated } from './detector-params';
import { CATEGORICAL_FEATURES, DETECTOR_IDS, NUMERIC_FEATURES, RATE_FEATURES, WALL_CLOCK_SPIKE_FLOOR } from './features';
import { alarmKey, alarmedToolRates, countNewToolAlarms, extendOpenAlarm, hasAlarms, type AlarmSource, type AlarmTable } from './alarms';
import { describeSubject, fmt, isoTime, pct, quantiles, subjectOf } from './messages';
import { describeDetectors, type DetectorDescription } from './describe';
import { loadSnapshot, takeSnapshot, type AnalyzerSnapshot } from './snapshot';
import { MAX_ACTIVE_NEW_TOOL_ALERTS, toolAlertFields, type AlertFields } from './tool-alerts';
import { KEY_SEPARATOR, LruIndex } from './lru';
import { newGroupState, type AgentState, type GroupState, type GroupSummary } from './state';
import type { AlertResolved, AnalyzerEvents, ConfigChange } from './events';
import { closeMember, joinIncident, joinableIncident, openIncident, type IncidentState } from './incidents';
import { baselineValues, newNumericDriftState, numericIsQuiet, observeNumeric, recentValues, shiftCanReach, valueSpread } from './detectors/numeric-drift';
import { newRateCusumState, observeRate, rateIsQuiet } from './detectors/rate-cusum';
import { newCategoricalState, observeCategory } from './detectors/categorical-drift';
import { newToolUsageState, observeTools, sequenceIsQuiet, toolRateIsQuiet, type ToolVerdict } from './detectors/tool-usage';

export { calibrateDetectors, type Calibrated } from './detector-params';
export { NUMERIC_FEATURES, RATE_FEATURES, CATEGORICAL_FEATURES } from './features';
export type { AnalyzerSnapshot } from './snapshot';
export type { DetectorDescription } from './describe';
export type { GroupKey, GroupSummary, QuantileSummary } from './state';
export type { AnalyzerEvents, AlertResolved, AlertUpdate, ConfigChange, IncidentUpdate } from './events';
export type { IncidentState } from './incidents';

const MAX_KEY_PART = 200;
const MAX_MODELS_PER_AGENT = 64;
const MAX_GROUP_TOOLS = 16;
const OTHER = '(other)';
const NONE = '(none)';
const NO_TOOLS: string[] = [];

/** Alarm sources of the group detectors, built once (no allocation per record). */
const NUMERIC_SOURCES = NUMERIC_FEATURES.map((f) => ({
  cusum: { family: 'numeric', feature: f.id, statistic: 'cusum' } as AlarmSource,
  ks: { family: 'numeric', feature: f.id, statistic: 'ks' } as AlarmSource,
  spike: { family: 'numeric', feature: f.id, statistic: 'spike' } as AlarmSource,
}));
/** Detectors that re-arm on a new baseline when their change persists (acceptAfter). */
const REARMED: ReadonlySet<AlarmSource['family']> = new Set(['numeric', 'rate', 'categorical', 'tool_rate', 'sequence']);
/** Wall-clock values held per group to be judged in start order (latency, time to first chunk). */
const REORDER_CAPACITY = 16;
const RATE_SOURCES: AlarmSource[] = RATE_FEATURES.map((r) => ({ family: 'rate', feature: r.id }));
const CATEGORICAL_SOURCES: AlarmSource[] = CATEGORICAL_FEATURES.map((c) => ({ family: 'categorical', feature: c.id }));

/** A snapshot's key string (the parts joined by KEY_SEPARATOR) back into its parts. */
function keyParts(key: string, depth: number): string[] {
  const parts = key.split(KEY_SEPARATOR);
  // A name containing the separator: the first parts keep their place, the rest stays joined.
  if (parts.length > depth) return [...parts.slice(0, depth - 1), parts.slice(depth - 1).join(KEY_SEPARATOR)];
  while (parts.length < depth) parts.push('');
  return parts;
}

function keyPart(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length === 0) return undefined;
  // Most names are short: returned as they are, no call into slice() per key part per record.
  return v.length > MAX_KEY_PART ? v.slice(0, MAX_KEY_PART) : v;
}

/**
 * Learns each group's normal behaviour and raises calibrated alerts when it changes.
 * `observe()` is synchronous and never throws: Warden's own failures go to reportInternalError.
 */
export class Analyzer extends EventEmitter<AnalyzerEvents> {
  readonly options: ResolvedAnalyzerOptions;
  private readonly params: Calibrated;
  /** Least recently seen first: what the `maxGroups` cap evicts, what groups() and snapshots list first. */
  private readonly groupsByKey = new LruIndex<GroupState>(5);
  private readonly agentsByKey = new LruIndex<AgentState>(2);
  private alertCounter = 0;
  private evicted = 0;
  /** The agent and record time of the record being observed (incidents are per agent). */
  private currentAgent: AgentState | undefined;
  private currentTime = 0;
  private counter: Counter | undefined;
  private isoRecord: CallRecord | undefined;
  private isoValue: string | undefined;
  /** The ISO time of the record being observed, formatted at most once (no closure per record). */
  private readonly timeOf = (): string => (this.isoValue ??= isoTime(this.isoRecord?.time ?? 0));
  private counterProvider: MeterProvider | undefined;
  /**
   * The group the previous record went to, with the key parts it was found by. Most records go
   * to the same group as the one before; for them the two key strings, their hashing and the
   * LRU moves (half of observe's own time) are skipped: that group is already the most recent.
   */
  private lastGroup: GroupState | undefined;
  private lastAgent: AgentState | undefined;
  private lastService: string | undefined;
  private lastAgentName: string | undefined;
  private lastOperation = '';
  private lastModel: string | undefined;
  private lastTool: string | undefined;

  constructor(options?: AnalyzerOptions, snapshot?: AnalyzerSnapshot) {
    super();
    this.options = parseAnalyzerOptions(options);
    this.params = calibrateDetectors(this.options);
    if (snapshot) {
      const loaded = loadSnapshot(snapshot);
      this.alertCounter = loaded.alertCounter;
      for (const [k, g] of loaded.groups) this.groupsByKey.set(keyParts(k, 5), g);
      for (const [k, a] of loaded.agents) this.agentsByKey.set(keyParts(k, 2), a);
      this.evict();
    }
  }

  /** Continue from a snapshot: baselines and active alerts are kept, so nothing is relearnt or re-alerted. */
  static restore(snapshot: AnalyzerSnapshot, options?: AnalyzerOptions): Analyzer {
    return new Analyzer(options ?? snapshot.options, snapshot);
  }

  /** Feed one record; returns the alerts it raised (also emitted as events). */
  observe(record: CallRecord): Alert[] {
    try {
      return this.observeUnsafe(record);
    } catch (e) {
      reportInternalError('analyzer.observe', e);
      return [];
    }
  }

  /** Alerts are emitted synchronously from observe(); nothing is ever pending. */
  flush(): void {}

  describe(): DetectorDescription[] {
    return describeDetectors(this.params, this.options);
  }

  /** Groups whose baseline is learned and fixed: what posture counts, without building summaries. */
  warmGroupCount(): number {
    let n = 0;
    for (const g of this.groupsByKey.values()) if (g.count >= this.options.warmup) n++;
    return n;
  }

  /** Groups tracked now (O(1)). */
  groupCount(): number {
    return this.groupsByKey.size;
  }

  /** Groups dropped by the least-recently-seen cap (`maxGroups`) since this analyzer was created. */
  get evictedGroups(): number {
    return this.evicted;
  }

  /**
   * Summaries of the groups, least recently seen first. `range` summarises only that slice (a
   * page of warden serve's /api/groups), so a page costs the same however many groups there are.
   */
  groups(range?: { offset?: number; limit?: number }): GroupSummary[] {
    const out: GroupSummary[] = [];
    let skip = range?.offset ?? 0;
    const limit = range?.limit ?? Infinity;
    for (const g of this.groupsByKey.values()) {
      if (skip > 0) {
        skip--;
        continue;
      }
      if (out.length >= limit) break;
      const features: GroupSummary['features'] = {};
      for (let i = 0; i < NUMERIC_FEATURES.length; i++) {
        const s = g.numeric[i];
        if (!s) continue;
        const id = NUMERIC_FEATURES[i].id;
        const baseline = quantiles(baselineValues(s));
        if (!baseline) continue;
        features[id] = { baseline, recent: s.fixed ? quantiles(recentValues(s)) : undefined };
      }
      out.push({
        key: { ...g.key },
        count: g.count,
        state: g.count >= this.options.warmup ? 'warm' : 'learning',
        warmupRemaining: Math.max(0, this.options.warmup - g.count),
        features,
        tools: Object.fromEntries(g.toolCounts),
        activeAlerts: Object.values(g.alarms).flatMap((a) => (a ? [a.alertId] : [])),
        lastAlert: g.lastAlert ? { ...g.lastAlert } : undefined,
      });
    }
    return out;
  }

  snapshot(): AnalyzerSnapshot {
    return takeSnapshot(this.options, this.alertCounter, this.groupsByKey, this.agentsByKey);
  }

  private evict(): void {
    while (this.groupsByKey.size > this.options.maxGroups && this.groupsByKey.deleteOldest()) this.evicted++;
    while (this.agentsByKey.size > this.options.maxGroups && this.agentsByKey.deleteOldest());
  }

  private observeUnsafe(record: CallRecord): Alert[] {
    if (!record || typeof record !== 'object') return [];
    // Formatted only when an event needs it: most records raise nothing.
    this.isoRecord = record;
    this.isoValue = undefined;
    const timeOf = this.timeOf;
    const traceId = keyPart(record.traceId) ?? '';
    const service = keyPart(record.service) ?? this.options.service;
    const agentName = keyPart(record.agent);
    const operation = keyPart(record.operation) ?? GEN_AI_OPERATION.CHAT;
    const model = keyPart(record.model);
    const tool = keyPart(record.tool);
    const tools: string[] = Array.isArray(record.toolCalls) && record.toolCalls.length > 0 ? [] : tool ? [] : NO_TOOLS;
    if (tools !== NO_TOOLS) {
      for (const t of Array.isArray(record.toolCalls) ? record.toolCalls : []) {
        const name = keyPart(t);
        if (name && tools.length < 64) tools.push(name);
      }
      if (tool) tools.push(tool);
    }
    const alerts: Alert[] = [];

    const agentVersion = keyPart(record.agentVersion) ?? '';
    const promptVersion = keyPart(record.promptVersion) ?? '';
    const last = this.lastGroup;
    const lastAgent = this.lastAgent;
    const sameGroup =
      last !== undefined &&
      lastAgent !== undefined &&
      this.lastService === service &&
      this.lastAgentName === agentName &&
      this.lastOperation === operation &&
      this.lastModel === model &&
      this.lastTool === tool &&
      last.agentVersion === agentVersion &&
      last.promptVersion === promptVersion;

    // Agent level: models (config changes) and tool usage.
    let agent: AgentState;
    if (sameGroup) {
      agent = lastAgent;
    } else {
      const known = this.agentsByKey.use(service ?? '', agentName ?? '');
      if (known) {
        agent = known;
      } else {
        agent = {
          service,
          agent: agentName,
          models: [],
          tools: newToolUsageState(this.params.tools, this.allowedToolsOf(agentName)),
          alarms: {},
          incidents: [],
        };
        this.agentsByKey.set([service ?? '', agentName ?? ''], agent);
      }
    }
    this.currentAgent = agent;
    this.currentTime = typeof record.time === 'number' && Number.isFinite(record.time) ? record.time : 0;
    if (model && GENERATION_OPERATIONS.has(operation) && !agent.models.includes(model)) {
      const previous = agent.models[agent.models.length - 1];
      if (agent.models.length < MAX_MODELS_PER_AGENT) agent.models.push(model);
      if (previous !== undefined) {
        this.emitConfigChange({
          reason: 'model',
          subject: { service, agent: agentName, model },
          from: previous,
          to: model,
          message: `${describeSubject({ service, agent: agentName })} now calls model ${model} (was ${previous}); a new baseline starts`,
          traceId,
          time: timeOf(),
        });
      }
    }

    // Group level.
    let group: GroupState;
    if (sameGroup) {
      group = last;
    } else {
      // Remembered field by field: no object per record when groups alternate.
      group = this.observeGroupKey(service, agentName, operation, model, tool, agentVersion, promptVersion, traceId);
      this.lastGroup = group;
      this.lastAgent = agent;
      this.lastService = service;
      this.lastAgentName = agentName;
      this.lastOperation = operation;
      this.lastModel = model;
      this.lastTool = tool;
    }

    group.count++;
    group.traceIds.push(traceId);
    if (group.traceIds.length > 5) group.traceIds.shift();
    for (const t of tools) {
      const entry = group.toolCounts.find((e) => e[0] === t) ?? group.toolCounts.find((e) => e[0] === OTHER);
      if (entry) entry[1]++;
      else group.toolCounts.push([group.toolCounts.length < MAX_GROUP_TOOLS ? t : OTHER, 1]);
    }

    // Wall-clock features are judged in start order: a burst's slowest calls end last, which in
    // end order reads as a rise. A small buffer per group releases values by start time.
    const time = this.currentTime;
    const latency = NUMERIC_FEATURES[0].get(record);
    const ttft = NUMERIC_FEATURES[1].get(record);
    if (latency !== undefined || ttft !== undefined) {
      const r = group.reorder;
      r.push(time - (latency ?? 0), latency ?? NaN, ttft ?? NaN);
      if (r.length > REORDER_CAPACITY * 3) {
        let min = 0;
        for (let j = 3; j < r.length; j += 3) if (r[j] < r[min]) min = j;
        const start = r[min];
        const l = r[min + 1];
        const t = r[min + 2];
        // Unordered buffer: the last triple fills the gap (no allocation per record).
        const last = r.length - 3;
        r[min] = r[last];
        r[min + 1] = r[last + 1];
        r[min + 2] = r[last + 2];
        r.length = last;
        if (!Number.isNaN(l)) this.observeNumericFeature(group, 0, l, start + l, alerts);
        if (!Number.isNaN(t)) this.observeNumericFeature(group, 1, t, start + l, alerts);
      }
    }
    for (let i = 2; i < NUMERIC_FEATURES.length; i++) {
      const x = NUMERIC_FEATURES[i].get(record);
      if (x !== undefined) this.observeNumericFeature(group, i, x, time, alerts);
    }

    for (let i = 0; i < RATE_FEATURES.length; i++) {
      const r = RATE_FEATURES[i];
      const detector = DETECTOR_IDS.rate[i];
      const s = (group.rates[i] ??= newRateCusumState());
      const v = observeRate(s, this.params.rate, r.hit(record), traceId, group.alarms[detector] !== undefined);
      if (!v || extendOpenAlarm(group.alarms, detector, group.count)) continue;
      const alert = this.raise(group.alarms, group.count, alerts, RATE_SOURCES[i], {
        kind: 'drift',
        severity: r.severity,
        detector,
        subject: subjectOf(group.key, r.id),
        message: `${r.label} of ${describeSubject(group.key)} rose from ${pct(v.baselineRate)} to ${pct(v.currentRate)} over the last ${v.span} calls`,
        score: v.score,
        threshold: v.threshold,
        baseline: { rate: v.baselineRate },
        current: { rate: v.currentRate, n: v.span },
        traceIds: v.traceIds,
        controls: controlsForKind('drift'),
        time: timeOf(),
      });
      if (alert) group.lastAlert = { id: alert.id, detector, time: alert.time, message: alert.message };
    }

    for (let i = 0; i < CATEGORICAL_FEATURES.length; i++) {
      const c = CATEGORICAL_FEATURES[i];
      const category = c.get(record);
      if (category === undefined) continue;
      const detector = DETECTOR_IDS.categorical[i];
      const s = (group.categorical[i] ??= newCategoricalState());
      const v = observeCategory(s, this.params.categorical, keyPart(category) ?? NONE);
      if (!v || extendOpenAlarm(group.alarms, detector, group.count)) continue;
      const alert = this.raise(group.alarms, group.count, alerts, CATEGORICAL_SOURCES[i], {
        kind: 'drift',
        severity: 'medium',
        detector,
        subject: subjectOf(group.key, c.id),
        message: `${c.label} of ${describeSubject(group.key)} changed: "${v.category}" went from ${pct(v.baselineShare)} to ${pct(v.currentShare)} of the last ${v.span} calls`,
        score: v.score,
        threshold: v.threshold,
        baseline: { share: v.baselineShare },
        current: { share: v.currentShare, n: v.span },
        traceIds: group.traceIds.slice(),
        controls: controlsForKind('drift'),
        time: timeOf(),
      });
      if (alert) group.lastAlert = { id: alert.id, detector, time: alert.time, message: alert.message };
    }

    // Tools: per agent, from model calls that request tools and from tool executions.
    if (tools.length > 0 || GENERATION_OPERATIONS.has(operation)) {
      const session = keyPart(record.conversationId) ?? traceId;
      const alarmed = alarmedToolRates(agent.alarms);
      const verdicts = observeTools(agent.tools, this.params.tools, tools, session, traceId, alarmed, tool ? tools.length - 1 : tools.length);
      if (verdicts) for (const v of verdicts) this.raiseToolAlert(agent, v, alerts, timeOf(), traceId, group);
    }

    if (hasAlarms(group.alarms)) this.resolveQuiet(group, agent, group.alarms, group.count);
    if (hasAlarms(agent.alarms)) this.resolveQuiet(group, agent, agent.alarms, agent.tools.records);
    return alerts;
  }

  /** Finds (or starts) the record's group by its key and makes it the most recently used; a new agent or prompt version starts a new baseline. */
  private observeGroupKey(
    service: string | undefined,
    agentName: string | undefined,
    operation: string,
    model: string | undefined,
    tool: string | undefined,
    agentVersion: string,
    promptVersion: string,
    traceId: string,
  ): GroupState {
    let group = this.groupsByKey.use(service ?? '', agentName ?? '', operation, model ?? '', tool ?? '');
    if (group) {
      const changed: ConfigChange['reason'] | undefined =
        group.agentVersion !== agentVersion ? 'agent_version' : group.promptVersion !== promptVersion ? 'prompt_version' : undefined;
      if (changed) {
        const from = changed === 'agent_version' ? group.agentVersion : group.promptVersion;
        const to = changed === 'agent_version' ? agentVersion : promptVersion;
        const key = group.key;
        group = newGroupState(key, agentVersion, promptVersion);
        this.groupsByKey.set([service ?? '', agentName ?? '', operation, model ?? '', tool ?? ''], group);
        this.emitConfigChange({
          reason: changed,
          subject: { service: key.service, agent: key.agent, model: key.model, tool: key.tool },
          from: from || undefined,
          to: to || '(none)',
          message: `${describeSubject(key)}: ${changed === 'agent_version' ? 'agent version' : 'prompt version'} changed from ${from || '(none)'} to ${to || '(none)'}; a new baseline starts`,
          traceId,
          time: this.timeOf(),
        });
      }
      return group;
    }
    group = newGroupState({ service, agent: agentName, operation, model, tool }, agentVersion, promptVersion);
    this.groupsByKey.set([service ?? '', agentName ?? '', operation, model ?? '', tool ?? ''], group);
    this.evict();
    return group;
  }

  private observeNumericFeature(group: GroupState, i: number, x: number, time: number, alerts: Alert[]): void {
    const f = NUMERIC_FEATURES[i];
    const s = (group.numeric[i] ??= newNumericDriftState(this.params.numeric));
    // On the host's clock a stall of a few hundred ms is the machine, not the model.
    const verdicts = observeNumeric(s, this.params.numeric, x, time, f.wallClock ? WALL_CLOCK_SPIKE_FLOOR * this.options.minLatencyShiftMs : 0);
    if (!verdicts) return;
    for (const v of verdicts) {
      const sources = NUMERIC_SOURCES[i];
      const [detector, source] =
        v.statistic === 'cusum'
          ? [DETECTOR_IDS.numericCusum[i], sources.cusum]
          : v.statistic === 'ks'
            ? [DETECTOR_IDS.numericKs[i], sources.ks]
            : [DETECTOR_IDS.numericSpike[i], sources.spike];
      if (extendOpenAlarm(group.alarms, detector, group.count)) continue;
      // A fast model's latency crosses now and then by host noise; when no two values are
      // minLatencyShiftMs apart the shift below cannot pass that floor: skip building it.
      if (f.wallClock && v.statistic !== 'spike' && valueSpread(s) < this.options.minLatencyShiftMs) continue;
      // Nor when every recent value is within the floor of the baseline's median and mean (a fast
      // model's CUSUM on host noise): the shift below cannot pass it either, so nothing is built.
      if (f.wallClock && v.statistic !== 'spike' && !shiftCanReach(s, v.span, this.options.minLatencyShiftMs)) continue;
      const base = Array.from(baselineValues(s));
      const b = quantileSorted(base, 0.5);
      const bMean = mean(base);
      const p99 = quantileSorted(base, 0.99);
      if (v.statistic === 'spike') {
        const alert = this.raise(group.alarms, group.count, alerts, source, {
          kind: 'drift',
          severity: x > 2 * v.threshold ? 'high' : 'medium',
          detector,
          subject: subjectOf(group.key, f.id),
          message: `${f.label} of ${describeSubject(group.key)}: one call had ${fmt(x)}${f.unit}, beyond the spike threshold ${fmt(v.threshold)}${f.unit} (baseline median ${fmt(b)}${f.unit}, p99 ${fmt(p99)}${f.unit})`,
          score: x,
          threshold: v.threshold,
          baseline: { median: b, mean: bMean, p99, n: base.length },
          current: { value: x, n: 1 },
          traceIds: group.traceIds.slice(-1),
          controls: controlsForKind('drift'),
          time: this.timeOf(),
        });
        if (alert) group.lastAlert = { id: alert.id, detector, time: alert.time, message: alert.message };
        continue;
      }
      const recent = Array.from(recentValues(s, v.span));
      const c = recent.length > 0 ? quantileSorted(recent, 0.5) : b;
      const cMean = recent.length > 0 ? mean(recent) : bMean;
      // Discrete features (tool calls per response) often keep their median: say it with means then.
      const [stat, from, to] = b !== c ? ['median', b, c] : ['mean', bMean, cMean];
      // Significant but small (a few % of latency from host load): evidence, not a page.
      if (from > 0 && Math.abs(to / from - 1) < this.options.minRelativeShift) continue;
      if (f.wallClock && Math.abs(to - from) < this.options.minLatencyShiftMs) continue;
      const moved = to > from ? 'rose' : to < from ? 'fell' : v.statistic === 'cusum' ? 'shifted' : 'changed distribution';
      const alert = this.raise(group.alarms, group.count, alerts, source, {
        kind: 'drift',
        severity: v.score > 2 * v.threshold ? 'high' : 'medium',
        detector,
        subject: subjectOf(group.key, f.id),
        message: `${f.label} of ${describeSubject(group.key)} ${moved} from ${stat} ${fmt(from)}${f.unit} to ${fmt(to)}${f.unit} over the last ${recent.length} calls`,
        score: v.score,
        threshold: v.threshold,
        baseline: { median: b, mean: bMean, p90: quantileSorted(base, 0.9), n: base.length },
        current: { median: c, mean: cMean, p90: recent.length > 0 ? quantileSorted(recent, 0.9) : c, n: recent.length },
        traceIds: group.traceIds.slice(),
        controls: controlsForKind('drift'),
        time: this.timeOf(),
      });
      if (alert) group.lastAlert = { id: alert.id, detector, time: alert.time, message: alert.message };
    }
  }

  private allowedToolsOf(agent: string | undefined): string[] | undefined {
    const allowed = this.options.allowedTools;
    return allowed && agent !== undefined && Object.prototype.hasOwnProperty.call(allowed, agent) ? allowed[agent] : undefined;
  }

  private raiseToolAlert(agent: AgentState, v: ToolVerdict, alerts: Alert[], time: string, traceId: string, group: GroupState): void {
    const { fields, source } = toolAlertFields(
      { service: agent.service, agent: agent.agent },
      v,
      agent.tools.records,
      traceId,
      time,
      controlsForKind('tool_anomaly'),
    );
    const n = agent.tools.records;
    if (v.type === 'new_tool' && !v.allowed) {
      // A call outside allowedTools is always evidence: a new alert, or a counted update of the open one.
      const open = agent.alarms[alarmKey(fields.detector, source)];
      if (open) {
        open.lastCross = n;
        open.occurrences = (open.occurrences ?? 1) + 1;
        this.safeEmit('alert_update', {
          alertId: open.alertId,
          detector: open.detector,
          kind: open.kind,
          subject: open.subject,
          occurrences: open.occurrences,
          traceId,
          message: `${fields.message} (${open.occurrences} calls since the alert)`,
          time,
        });
        return;
      }
    } else if (v.type === 'new_tool' && countNewToolAlarms(agent.alarms, v.requested) >= MAX_ACTIVE_NEW_TOOL_ALERTS) {
      // A flood of unknown (but not forbidden) tools is capped at MAX_ACTIVE_NEW_TOOL_ALERTS per agent
      // within the cool-down, requested and executed tools each on their own budget.
      return;
    }
    // A call outside allowedTools is a policy finding, not a symptom of a change: it is always its own alert.
    const alert = this.raise(agent.alarms, n, alerts, source, fields, v.type === 'new_tool' && !v.allowed);
    if (alert) group.lastAlert = { id: alert.id, detector: alert.detector, time, message: alert.message };
  }

  /**
   * Raise a detector-level alert unless this detector already has an active alarm (one alert per
   * change), and file it in the agent's incident: the first of an incident is published as `alert`.
   */
  private raise(alarms: AlarmTable, at: number, alerts: Alert[], source: AlarmSource, fields: AlertFields, standalone = false): Alert | undefined {
    const key = alarmKey(fields.detector, source);
    if (extendOpenAlarm(alarms, key, at)) return undefined;
    this.alertCounter++;
    const alert: Alert = { id: `alrt_${(Date.parse(fields.time) || 0).toString(36)}_${this.alertCounter.toString(36)}`, ...fields };
    alarms[key] = {
      source,
      detector: alert.detector,
      alertId: alert.id,
      kind: alert.kind,
      subject: alert.subject,
      raisedAt: at,
      lastCross: at,
      message: alert.message,
    };
    this.safeEmit('detector_alert', alert);
    const agent = this.currentAgent;
    const incident = agent && !standalone ? joinableIncident(agent.incidents, this.currentTime, this.options.incidentWindowMs) : undefined;
    if (agent && incident) {
      joinIncident(incident, alert, this.currentTime);
      this.safeEmit('incident_update', {
        incidentId: incident.id,
        alert,
        features: incident.features.slice(),
        detectors: incident.detectors.slice(),
        alerts: incident.alerts,
      });
      return alert;
    }
    if (agent) openIncident(agent.incidents, alert, this.currentTime);
    alerts.push(alert);
    this.countAlert(alert);
    this.safeEmit('alert', alert);
    this.safeEmit(`alert:${alert.kind}`, alert);
    return alert;
  }

  private resolveQuiet(group: GroupState, agent: AgentState, alarms: AlarmTable, at: number): void {
    const acceptAfter = this.options.acceptAfter;
    for (const key in alarms) {
      const alarm = alarms[key];
      if (alarm === undefined) continue;
      // A change that persisted for acceptAfter records is the new normal: re-arm on a new baseline.
      if (acceptAfter > 0 && at - alarm.raisedAt >= acceptAfter && REARMED.has(alarm.source.family)) {
        this.close(group, agent, alarms, key, at, 'accepted');
        continue;
      }
      if (at - alarm.lastCross < this.options.cooldown) continue;
      const quiet = alarms === group.alarms ? this.groupDetectorQuiet(group, alarm.source) : this.agentDetectorQuiet(agent, alarm.source);
      if (quiet) this.close(group, agent, alarms, key, at, 'baseline');
    }
  }

  /** Close one alarm: `accepted` also resets its detector so it learns the new level as its baseline. */
  private close(
    group: GroupState | undefined,
    agent: AgentState | undefined,
    alarms: AlarmTable,
    key: string,
    at: number,
    reason: AlertResolved['reason'],
  ): void {
    const alarm = alarms[key];
    if (alarm === undefined) return;
    // Left as undefined, not deleted: the table stays a fast object (see AlarmTable).
    alarms[key] = undefined;
    if (reason === 'accepted') {
      if (group && alarms === group.alarms) this.resetGroupDetector(group, alarm.source);
      else if (agent) this.resetAgentDetector(agent, alarm.source);
    }
    const prefix = reason === 'accepted' ? 'accepted as the new normal (a new baseline is learned)' : 'back to baseline';
    const resolved: AlertResolved = {
      alertId: alarm.alertId,
      reason,
      detector: alarm.detector,
      kind: alarm.kind,
      subject: alarm.subject,
      message: `${prefix}: ${alarm.message}`,
      records: at - alarm.raisedAt,
      time: this.timeOf(),
    };
    this.safeEmit('detector_resolved', resolved);
    const closed = agent ? closeMember(agent.incidents, alarm.alertId) : { resolved: false };
    if (closed.incident) {
      if (closed.resolved) {
        const i = closed.incident;
        this.safeEmit('resolved', {
          ...resolved,
          alertId: i.id,
          detector: i.detector,
          kind: i.kind,
          subject: i.subject,
          message: `${prefix}: ${i.message}${i.features.length > 1 ? ` (and ${i.features.slice(1).join(', ')})` : ''}`,
        });
      }
    } else {
      // An alarm restored from a snapshot taken before incidents existed.
      this.safeEmit('resolved', resolved);
    }
  }

  private resetGroupDetector(g: GroupState, source: AlarmSource): void {
    if (source.family === 'numeric') {
      const i = NUMERIC_FEATURES.findIndex((f) => f.id === source.feature);
      if (i >= 0) g.numeric[i] = null;
      // The feature's other alarms (CUSUM, KS, spike) watched the same old baseline.
      for (const key in g.alarms) {
        const other = g.alarms[key]?.source;
        if (other?.family === 'numeric' && other.feature === source.feature) this.close(g, this.agentOf(g), g.alarms, key, g.count, 'accepted');
      }
    } else if (source.family === 'rate') {
      const i = RATE_FEATURES.findIndex((f) => f.id === source.feature);
      if (i >= 0) g.rates[i] = null;
    } else if (source.family === 'categorical') {
      const i = CATEGORICAL_FEATURES.findIndex((f) => f.id === source.feature);
      if (i >= 0) g.categorical[i] = null;
    }
  }

  private resetAgentDetector(a: AgentState, source: AlarmSource): void {
    const t = a.tools;
    if (source.family === 'tool_rate') {
      const i = t.tracked.indexOf(source.tool);
      if (i >= 0) t.rates[i] = newRateCusumState();
    } else if (source.family === 'sequence') {
      t.transitions.fill(0);
      t.nextCounts.fill(0);
      t.transitionsLearned = 0;
      t.sequence = 0;
      t.sequenceRun = 0;
    } else if (source.family === 'new_tool' && source.tool !== undefined && (t.allowed === null || t.allowed.includes(source.tool))) {
      if (!t.known.includes(source.tool) && t.known.length < this.params.tools.maxKnownTools) t.known.push(source.tool);
    }
  }

  private agentOf(g: GroupState): AgentState | undefined {
    return this.agentsByKey.peek(g.key.service ?? '', g.key.agent ?? '');
  }

  /**
   * Accept a change by hand: the alert (or every alert of the incident it opened) is resolved with
   * reason `accepted` and its detectors learn a new baseline. Returns false for an unknown or closed id.
   */
  accept(alertId: string): boolean {
    try {
      let found = false;
      const at = (alarms: AlarmTable, group: GroupState | undefined, agent: AgentState | undefined, count: number): void => {
        for (const key in alarms) {
          const alarm = alarms[key];
          if (!alarm) continue;
          const member = alarm.alertId === alertId || agent?.incidents.some((i) => i.id === alertId && i.open.includes(alarm.alertId));
          if (!member) continue;
          found = true;
          this.close(group, agent, alarms, key, count, 'accepted');
        }
      };
      for (const g of this.groupsByKey.values()) if (hasAlarms(g.alarms)) at(g.alarms, g, this.agentOf(g), g.count);
      for (const a of this.agentsByKey.values()) if (hasAlarms(a.alarms)) at(a.alarms, undefined, a, a.tools.records);
      return found;
    } catch (e) {
      reportInternalError('analyzer.accept', e);
      return false;
    }
  }

  /** Incidents remembered per agent (open ones first), with every feature that moved. */
  incidents(): (IncidentState & { state: 'open' | 'resolved' })[] {
    const out: (IncidentState & { state: 'open' | 'resolved' })[] = [];
    for (const a of this.agentsByKey.values()) {
      for (const i of a.incidents)
        out.push({
          ...i,
          subject: { ...i.subject },
          features: i.features.slice(),
          detectors: i.detectors.slice(),
          open: i.open.slice(),
          state: i.open.length > 0 ? 'open' : 'resolved',
        });
    }
    return out.sort((x, y) => (x.state === y.state ? y.openedAt - x.openedAt : x.state === 'open' ? -1 : 1));
  }

  private groupDetectorQuiet(g: GroupState, source: AlarmSource): boolean {
    if (source.family === 'numeric') {
      const s = g.numeric[NUMERIC_FEATURES.findIndex((f) => f.id === source.feature)];
      return !s || numericIsQuiet(s, this.params.numeric);
    }
    if (source.family === 'rate') {
      const s = g.rates[RATE_FEATURES.findIndex((f) => f.id === source.feature)];
      return !s || rateIsQuiet(s, this.params.rate);
    }
    return true;
  }

  private agentDetectorQuiet(a: AgentState, source: AlarmSource): boolean {
    if (source.family === 'tool_rate') return toolRateIsQuiet(a.tools, this.params.tools, source.tool);
    if (source.family === 'sequence') return sequenceIsQuiet(a.tools, this.params.tools);
    return true;
  }

  private emitConfigChange(change: ConfigChange): void {
    this.safeEmit('config_change', change);
  }

  private safeEmit<E extends keyof AnalyzerEvents>(event: E, ...args: Parameters<AnalyzerEvents[E]>): void {
    try {
      (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args);
    } catch (e) {
      // A subscriber's failure is reported, never thrown back into the span's end.
      reportInternalError(`analyzer.listener.${String(event)}`, e);
    }
  }

  private countAlert(alert: Alert): void {
    // Drill alerts are evidence of a drill, never part of the exported alert metric.
    if (activeDrill()) return;
    try {
      const provider = metrics.getMeterProvider();
      if (!this.counter || provider !== this.counterProvider) {
        this.counterProvider = provider;
        this.counter = provider.getMeter('@warden/analyzer').createCounter(METRIC_WARDEN_ALERTS, {
          description: 'Alerts raised by the Warden analyzer',
          unit: '{alert}',
        });
      }
      this.counter.add(1, { kind: alert.kind, detector: alert.detector, severity: alert.severity });
    } catch (e) {
      reportInternalError('analyzer.metric', e);
    }
  }
}
