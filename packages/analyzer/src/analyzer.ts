/**
 * The Analyzer: routes each CallRecord to its group (service·agent·operation·model·tool) and
 * agent, runs the detectors, turns verdicts into typed alerts (one per change, with a
 * cool-down and a `resolved` event), and emits them synchronously.
 */
import { EventEmitter } from 'eventemitter3';
import { metrics, type Counter, type MeterProvider } from '@opentelemetry/api';
import { mean, quantileSorted } from 'simple-statistics';
import {
  GEN_AI_OPERATION,
  METRIC_WARDEN_ALERTS,
  WardenConfigError,
  reportInternalError,
  safely,
  type Alert,
  type AlertKind,
  type AlertSubject,
  type CallRecord,
  type ControlId,
  type Severity,
} from '@warden/core';
import { cusumThreshold, ksThreshold, llrCusumThreshold, perDetectorArl, chiSquareUpper } from './calibration';
import { parseAnalyzerOptions, type AnalyzerOptions, type ResolvedAnalyzerOptions } from './options';
import {
  baselineValues,
  newNumericDriftState,
  numericIsQuiet,
  observeNumeric,
  recentValues,
  type NumericDriftParams,
  type NumericDriftState,
} from './detectors/numeric-drift';
import { newRateCusumState, observeRate, rateIsQuiet, type RateCusumParams, type RateCusumState } from './detectors/rate-cusum';
import { newCategoricalState, observeCategory, type CategoricalParams, type CategoricalState } from './detectors/categorical-drift';
import {
  newToolUsageState,
  observeTools,
  sequenceIsQuiet,
  toolRateIsQuiet,
  type ToolUsageParams,
  type ToolUsageState,
  type ToolVerdict,
} from './detectors/tool-usage';

const DRIFT_CONTROLS: ControlId[] = ['L3.drift-alerts', 'L3.runtime-monitoring'];
const MODEL_OPERATIONS = new Set<string>([GEN_AI_OPERATION.CHAT, GEN_AI_OPERATION.TEXT_COMPLETION, GEN_AI_OPERATION.GENERATE_CONTENT]);
const MAX_KEY_PART = 200;
const MAX_MODELS_PER_AGENT = 64;
const MAX_GROUP_TOOLS = 16;
const OTHER = '(other)';
const NEW_TOOL_PREFIX = 'tool.new_tool:';
/** New-tool alerts open at once per agent; more new tools within the cool-down are learned silently. */
const MAX_ACTIVE_NEW_TOOL_ALERTS = 5;
/** A transition model needs more data than a mean: at least this many transitions before scoring. */
const SEQUENCE_WARMUP_TRANSITIONS = 1000;
const NONE = '(none)';

interface NumericFeature {
  id: string;
  label: string;
  unit: string;
  get(r: CallRecord): number | undefined;
}

function nonNegative(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1e12 ? v : undefined;
}

/** Numeric features watched in every group. */
export const NUMERIC_FEATURES: readonly NumericFeature[] = [
  { id: 'latency', label: 'latency', unit: ' ms', get: (r) => nonNegative(r.latencyMs) },
  { id: 'time_to_first_chunk', label: 'time to first chunk', unit: ' ms', get: (r) => nonNegative(r.timeToFirstChunkMs) },
  { id: 'input_tokens', label: 'input tokens', unit: '', get: (r) => nonNegative(r.inputTokens) },
  { id: 'output_tokens', label: 'output tokens', unit: '', get: (r) => nonNegative(r.outputTokens) },
  { id: 'output_length', label: 'output length', unit: ' chars', get: (r) => nonNegative(r.outputLength) },
  {
    id: 'tool_calls',
    label: 'tool calls per response',
    unit: '',
    get: (r) => (MODEL_OPERATIONS.has(r.operation) && Array.isArray(r.toolCalls) ? r.toolCalls.length : undefined),
  },
];

function finishIncludes(r: CallRecord, reasons: readonly string[]): boolean {
  const finish = r.finishReasons;
  if (!Array.isArray(finish)) return false;
  for (let i = 0; i < finish.length; i++) if (reasons.includes(finish[i])) return true;
  return false;
}
const REFUSAL_REASONS = ['refusal'];
const LENGTH_REASONS = ['length', 'max_tokens'];
const CONTENT_FILTER_REASONS = ['content_filter', 'content-filter', 'safety'];

interface RateFeature {
  id: string;
  label: string;
  severity: Severity;
  hit(r: CallRecord): boolean;
}

/** Event rates watched in every group. */
export const RATE_FEATURES: readonly RateFeature[] = [
  { id: 'error', label: 'error rate', severity: 'high', hit: (r) => typeof r.errorType === 'string' },
  { id: 'refusal', label: 'refusal rate', severity: 'medium', hit: (r) => r.refusal === true || finishIncludes(r, REFUSAL_REASONS) },
  { id: 'finish_length', label: 'rate of truncated responses (finish_reason=length)', severity: 'medium', hit: (r) => finishIncludes(r, LENGTH_REASONS) },
  { id: 'content_filter', label: 'content-filter stop rate', severity: 'high', hit: (r) => finishIncludes(r, CONTENT_FILTER_REASONS) },
];

function firstOf(v: unknown): string | undefined {
  return Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
}

const RATE_DETECTORS = RATE_FEATURES.map((r) => `rate_cusum.${r.id}`);

interface CategoricalFeature {
  id: string;
  label: string;
  get(r: CallRecord): string | undefined;
}

/** Categorical mixes watched in every group. */
export const CATEGORICAL_FEATURES: readonly CategoricalFeature[] = [
  { id: 'finish_reason', label: 'finish-reason mix', get: (r) => (MODEL_OPERATIONS.has(r.operation) ? (firstOf(r.finishReasons) ?? NONE) : undefined) },
  { id: 'tool_requested', label: 'mix of requested tools', get: (r) => (MODEL_OPERATIONS.has(r.operation) ? (firstOf(r.toolCalls) ?? NONE) : undefined) },
  { id: 'error_type', label: 'error-type mix', get: (r) => (typeof r.errorType === 'string' ? r.errorType : undefined) },
];

/** Which group a record belongs to. */
export interface GroupKey {
  service?: string;
  agent?: string;
  operation: string;
  model?: string;
  tool?: string;
}

interface ActiveAlarm {
  alertId: string;
  kind: AlertKind;
  subject: AlertSubject;
  raisedAt: number;
  lastCross: number;
  message: string;
}

interface GroupState {
  key: GroupKey;
  count: number;
  agentVersion: string;
  promptVersion: string;
  /** Detector states by feature index (NUMERIC_FEATURES, RATE_FEATURES, CATEGORICAL_FEATURES); null until seen. */
  numeric: (NumericDriftState | null)[];
  rates: (RateCusumState | null)[];
  categorical: (CategoricalState | null)[];
  toolCounts: [string, number][];
  traceIds: string[];
  alarms: Record<string, ActiveAlarm>;
  lastAlert?: { id: string; detector: string; time: string; message: string };
}

interface AgentState {
  service?: string;
  agent?: string;
  models: string[];
  tools: ToolUsageState;
  alarms: Record<string, ActiveAlarm>;
}

/** A new baseline started: informational, not an alert. */
export interface ConfigChange {
  reason: 'model' | 'agent_version' | 'prompt_version';
  subject: AlertSubject;
  from?: string;
  to: string;
  message: string;
  traceId: string;
  time: string;
}

/** An alert's behaviour is back to baseline. */
export interface AlertResolved {
  alertId: string;
  detector: string;
  kind: AlertKind;
  subject: AlertSubject;
  message: string;
  /** Records of the group (or agent) between the alert and its resolution. */
  records: number;
  time: string;
}

export type AnalyzerEvents = {
  alert: (alert: Alert) => void;
  config_change: (change: ConfigChange) => void;
  resolved: (resolved: AlertResolved) => void;
} & { [K in AlertKind as `alert:${K}`]: (alert: Alert) => void };

export interface DetectorDescription {
  /** Stable id, as in Alert.detector (`tool.rate_spike` covers each tracked tool). */
  detector: string;
  kind: AlertKind;
  scope: 'group' | 'agent';
  feature: string;
  statistic: string;
  threshold: number;
  /** Expected records (of the group or agent) between false alarms of this detector alone. */
  expectedRecordsBetweenFalseAlarms: number;
  calibration: string;
  detectionDelay: string;
}

export interface QuantileSummary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface GroupSummary {
  key: GroupKey;
  count: number;
  state: 'learning' | 'warm';
  warmupRemaining: number;
  features: Record<string, { baseline: QuantileSummary; recent?: QuantileSummary }>;
  tools: Record<string, number>;
  activeAlerts: string[];
  lastAlert?: { id: string; detector: string; time: string; message: string };
}

/** Plain, JSON-serialisable state; `Analyzer.restore(snapshot)` continues from it. */
export interface AnalyzerSnapshot {
  version: 1;
  options: ResolvedAnalyzerOptions;
  alertCounter: number;
  groups: unknown[];
  agents: unknown[];
}

/** Detector parameters derived from the options (used by the analyzer and its benchmarks). */
export interface Calibrated {
  numeric: NumericDriftParams;
  rate: RateCusumParams;
  categorical: CategoricalParams;
  tools: ToolUsageParams;
  groupDetectorArl: number;
  agentDetectorArl: number;
}

const calibrationCache = new Map<string, Calibrated>();

export function calibrateDetectors(o: ResolvedAnalyzerOptions): Calibrated {
  const cacheKey = [o.warmup, o.recordsBetweenFalseAlarms, o.window, o.baselineSize, o.trackedTools, o.maxToolsPerAgent].join();
  const hit = calibrationCache.get(cacheKey);
  if (hit) return hit;
  const n = Math.min(o.warmup, o.baselineSize);
  const groupDetectors = NUMERIC_FEATURES.length * 2 + RATE_FEATURES.length + CATEGORICAL_FEATURES.length;
  const groupDetectorArl = perDetectorArl(o.recordsBetweenFalseAlarms, groupDetectors);
  // Large enough that the baseline's own estimation error (sd 1/sqrt(n+2)) cannot dominate.
  const reference = Math.max(0.5, 5 / Math.sqrt(n + 2));
  const windowAlpha = Math.min(0.5, o.window / groupDetectorArl);
  const agentDetectorArl = perDetectorArl(o.recordsBetweenFalseAlarms, o.trackedTools + 1);
  const rate: RateCusumParams = { warmup: o.warmup, ratio: 3, threshold: llrCusumThreshold(groupDetectorArl) };
  const c: Calibrated = {
    numeric: {
      baselineSize: n,
      warmup: o.warmup,
      window: o.window,
      reference,
      cusumThreshold: cusumThreshold(reference, groupDetectorArl, n),
      ksThreshold: ksThreshold(windowAlpha, n, o.window),
    },
    rate,
    categorical: { warmup: o.warmup, window: o.window, topK: 8, alpha: windowAlpha },
    tools: {
      warmup: o.warmup,
      trackedTools: o.trackedTools,
      maxKnownTools: o.maxToolsPerAgent,
      maxSessions: 64,
      rate: { warmup: o.warmup, ratio: 3, threshold: llrCusumThreshold(agentDetectorArl) },
      sequenceThreshold: llrCusumThreshold(agentDetectorArl),
      sequenceWarmup: Math.max(o.warmup, SEQUENCE_WARMUP_TRANSITIONS),
    },
    groupDetectorArl,
    agentDetectorArl,
  };
  calibrationCache.set(cacheKey, c);
  return c;
}

function keyPart(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v.slice(0, MAX_KEY_PART) : undefined;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return String(Math.round(v));
  if (a >= 10) return v.toFixed(1).replace(/\.0$/, '');
  return String(Number(v.toPrecision(2)));
}

function pct(v: number): string {
  return `${fmt(v * 100)}%`;
}

function quantiles(sorted: Float32Array): QuantileSummary | undefined {
  if (sorted.length === 0) return undefined;
  const arr = Array.from(sorted);
  return { n: arr.length, p50: quantileSorted(arr, 0.5), p90: quantileSorted(arr, 0.9), p99: quantileSorted(arr, 0.99) };
}

function isoTime(ms: number): string {
  const d = new Date(Number.isFinite(ms) ? ms : 0);
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
}

function subjectOf(key: GroupKey, feature: string): AlertSubject {
  return { service: key.service, agent: key.agent, model: key.model, tool: key.tool, feature };
}

function describeSubject(s: AlertSubject): string {
  const who = s.agent ? `agent ${s.agent}` : s.service ? `service ${s.service}` : 'unnamed agent';
  const tool = s.tool ? `tool ${s.tool} of ` : '';
  return `${tool}${who}${s.model ? ` on ${s.model}` : ''}`;
}

const EMPTY_SET: ReadonlySet<string> = new Set();

function hasAny(o: Record<string, unknown>): boolean {
  for (const _ in o) return true;
  return false;
}
const NO_TOOLS: string[] = [];

/**
 * Learns each group's normal behaviour and raises calibrated alerts when it changes.
 * `observe()` is synchronous and never throws: Warden's own failures go to reportInternalError.
 */
export class Analyzer extends EventEmitter<AnalyzerEvents> {
  readonly options: ResolvedAnalyzerOptions;
  private readonly params: Calibrated;
  private readonly groupsByKey = new Map<string, GroupState>();
  private readonly agentsByKey = new Map<string, AgentState>();
  private alertCounter = 0;
  private counter: Counter | undefined;
  private isoRecord: CallRecord | undefined;
  private isoValue: string | undefined;
  /** The ISO time of the record being observed, formatted at most once (no closure per record). */
  private readonly timeOf = (): string => (this.isoValue ??= isoTime(this.isoRecord?.time ?? 0));
  private counterProvider: MeterProvider | undefined;

  constructor(options?: AnalyzerOptions, snapshot?: AnalyzerSnapshot) {
    super();
    this.options = parseAnalyzerOptions(options);
    this.params = calibrateDetectors(this.options);
    if (snapshot) this.load(snapshot);
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
    const p = this.params;
    const out: DetectorDescription[] = [];
    const n = p.numeric.baselineSize;
    for (const f of NUMERIC_FEATURES) {
      out.push({
        detector: `numeric_drift.${f.id}`,
        kind: 'drift',
        scope: 'group',
        feature: f.id,
        statistic: `two-sided CUSUM on normal scores of ranks in a ${n}-value baseline, k=${fmt(p.numeric.reference)}; alerted when the median moved >= ${fmt(this.options.minRelativeShift * 100)}%`,
        threshold: p.numeric.cusumThreshold,
        expectedRecordsBetweenFalseAlarms: p.groupDetectorArl,
        calibration: "Siegmund's approximation, false-alarm rate averaged over the baseline's estimation error",
        detectionDelay: `about (h+1.166)/(shift-k) records for a shift in score units: ${fmt((p.numeric.cusumThreshold + 1.166) / (1 - p.numeric.reference))} for 1 sd`,
      });
      out.push({
        detector: `numeric_drift.${f.id}.ks`,
        kind: 'drift',
        scope: 'group',
        feature: f.id,
        statistic: `two-sample KS distance, baseline vs each non-overlapping window of ${this.options.window}; alerted when the median moved >= ${fmt(this.options.minRelativeShift * 100)}%`,
        threshold: p.numeric.ksThreshold,
        expectedRecordsBetweenFalseAlarms: p.groupDetectorArl,
        calibration: 'Kolmogorov distribution (asymptotic, Stephens correction), alpha = window / ARL',
        detectionDelay: `one to two windows (${this.options.window}-${2 * this.options.window} records) for a distribution change`,
      });
    }
    for (const r of RATE_FEATURES) {
      out.push({
        detector: `rate_cusum.${r.id}`,
        kind: 'drift',
        scope: 'group',
        feature: r.id,
        statistic: 'Bernoulli CUSUM, p1 = 3 x baseline rate; the baseline rate learns until it rests on 30 events and 5 warm-ups (or 50 warm-ups), then is fixed',
        threshold: p.rate.threshold,
        expectedRecordsBetweenFalseAlarms: p.groupDetectorArl,
        calibration: 'Lorden/Wald bound ARL >= e^h on a log-likelihood-ratio CUSUM',
        detectionDelay: 'about h / KL(p1||p0) records after a 3x rate spike',
      });
    }
    for (const c of CATEGORICAL_FEATURES) {
      out.push({
        detector: `categorical.${c.id}`,
        kind: 'drift',
        scope: 'group',
        feature: c.id,
        statistic: `G-test, top-${p.categorical.topK} + other, per window of ${this.options.window}, divided by the warm-up's design effect`,
        threshold: chiSquareUpper(p.categorical.alpha, p.categorical.topK),
        expectedRecordsBetweenFalseAlarms: p.groupDetectorArl,
        calibration: 'chi-square quantile at alpha = window / ARL (shown for the full number of categories)',
        detectionDelay: `one to two windows (${this.options.window}-${2 * this.options.window} records)`,
      });
    }
    out.push({
      detector: 'tool.new_tool',
      kind: 'tool_anomaly',
      scope: 'agent',
      feature: 'tool',
      statistic: 'tool absent from the warm-up (or from allowedTools)',
      threshold: 1,
      expectedRecordsBetweenFalseAlarms: Infinity,
      calibration: 'none: fires on the first call of a tool the agent never used in warm-up and that is not in its allowedTools (a rare tool unseen in warm-up is reported once); at most 5 new-tool alerts open per agent within the cool-down',
      detectionDelay: 'immediate (the first call)',
    });
    out.push({
      detector: 'tool.rate_spike',
      kind: 'tool_anomaly',
      scope: 'agent',
      feature: 'tool share of calls',
      statistic: `Bernoulli CUSUM per tracked tool (up to ${this.options.trackedTools}), p1 = 3 x baseline share`,
      threshold: p.tools.rate.threshold,
      expectedRecordsBetweenFalseAlarms: p.agentDetectorArl,
      calibration: 'Lorden/Wald bound ARL >= e^h, budget split over tracked tools + sequence',
      detectionDelay: 'about h / KL(p1||p0) agent records after a 3x spike',
    });
    out.push({
      detector: 'tool.sequence',
      kind: 'tool_anomaly',
      scope: 'agent',
      feature: 'tool transitions within a session',
      statistic: `CUSUM of log(0.9 + 0.1 / (V q)) over transitions, q from a first-order model learned from the first ${p.tools.sequenceWarmup} transitions`,
      threshold: p.tools.sequenceThreshold,
      expectedRecordsBetweenFalseAlarms: p.agentDetectorArl,
      calibration: 'Lorden/Wald bound ARL >= e^h (mixture alternative keeps E[llr] <= 0 under the model)',
      detectionDelay: 'a handful of transitions the baseline never made',
    });
    return out;
  }

  /** Groups whose baseline is learned and fixed: what posture counts, without building summaries. */
  warmGroupCount(): number {
    let n = 0;
    for (const g of this.groupsByKey.values()) if (g.count >= this.options.warmup) n++;
    return n;
  }

  groups(): GroupSummary[] {
    const out: GroupSummary[] = [];
    for (const g of this.groupsByKey.values()) {
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
        activeAlerts: Object.values(g.alarms).map((a) => a.alertId),
        lastAlert: g.lastAlert ? { ...g.lastAlert } : undefined,
      });
    }
    return out;
  }

  snapshot(): AnalyzerSnapshot {
    const plain = (v: unknown): unknown =>
      JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x instanceof Float32Array ? Array.from(x) : x === Infinity ? null : x)));
    return {
      version: 1,
      options: plain(this.options) as ResolvedAnalyzerOptions,
      alertCounter: this.alertCounter,
      groups: [...this.groupsByKey.entries()].map(([k, g]) => plain([k, g])) as unknown[],
      agents: [...this.agentsByKey.entries()].map(([k, a]) => plain([k, a])) as unknown[],
    };
  }

  private load(snapshot: AnalyzerSnapshot): void {
    if (!snapshot || snapshot.version !== 1 || !Array.isArray(snapshot.groups) || !Array.isArray(snapshot.agents)) {
      throw new WardenConfigError('Invalid analyzer snapshot: expected { version: 1, groups: [], agents: [] } from Analyzer.snapshot()');
    }
    this.alertCounter = Number(snapshot.alertCounter) || 0;
    let skipped = 0;
    for (const entry of snapshot.groups) {
      // One damaged entry costs that group its baseline, not the whole restore.
      const loaded = safely('analyzer.restore.group', () => {
        const [k, g] = entry as [string, GroupState];
        if (typeof k !== 'string' || !g || typeof g.count !== 'number' || !g.key || !g.alarms) return false;
        if (!Array.isArray(g.numeric) || !Array.isArray(g.rates) || !Array.isArray(g.categorical)) return false;
        for (const s of g.numeric) {
          if (!s) continue;
          s.baseline = Float32Array.from(s.baseline as unknown as number[]);
          s.scores = Float32Array.from(s.scores as unknown as number[]);
          s.window = Float32Array.from(s.window as unknown as number[]);
        }
        g.toolCounts ??= [];
        g.traceIds ??= [];
        this.groupsByKey.set(k, g);
        return true;
      });
      if (!loaded) skipped++;
    }
    for (const entry of snapshot.agents) {
      const [k, a] = (Array.isArray(entry) ? entry : []) as [string, AgentState];
      if (typeof k === 'string' && a && a.tools && Array.isArray(a.models) && a.alarms) this.agentsByKey.set(k, a);
      else skipped++;
    }
    if (skipped > 0) reportInternalError('analyzer.restore', new Error(`skipped ${skipped} damaged snapshot entries`));
    this.evict();
  }

  private evict(): void {
    while (this.groupsByKey.size > this.options.maxGroups) this.groupsByKey.delete(this.groupsByKey.keys().next().value as string);
    while (this.agentsByKey.size > this.options.maxGroups) this.agentsByKey.delete(this.agentsByKey.keys().next().value as string);
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
      for (const t of Array.isArray(record.toolCalls) ? record.toolCalls : []) if (keyPart(t) && tools.length < 64) tools.push(keyPart(t) as string);
      if (tool) tools.push(tool);
    }
    const alerts: Alert[] = [];

    // Agent level: models (config changes) and tool usage.
    const agentKey = `${service ?? ''}\u0001${agentName ?? ''}`;
    let agent = this.agentsByKey.get(agentKey);
    if (agent) {
      this.agentsByKey.delete(agentKey);
    } else {
      agent = { service, agent: agentName, models: [], tools: newToolUsageState(this.params.tools, this.allowedToolsOf(agentName)), alarms: {} };
    }
    this.agentsByKey.set(agentKey, agent);
    if (model && MODEL_OPERATIONS.has(operation) && !agent.models.includes(model)) {
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
    const groupKey = `${service ?? ''}\u0001${agentName ?? ''}\u0001${operation}\u0001${model ?? ''}\u0001${tool ?? ''}`;
    let group = this.groupsByKey.get(groupKey);
    const agentVersion = keyPart(record.agentVersion) ?? '';
    const promptVersion = keyPart(record.promptVersion) ?? '';
    if (group) {
      this.groupsByKey.delete(groupKey);
      const changed: ConfigChange['reason'] | undefined =
        group.agentVersion !== agentVersion ? 'agent_version' : group.promptVersion !== promptVersion ? 'prompt_version' : undefined;
      if (changed) {
        const from = changed === 'agent_version' ? group.agentVersion : group.promptVersion;
        const to = changed === 'agent_version' ? agentVersion : promptVersion;
        const key = group.key;
        group = this.newGroup(key, agentVersion, promptVersion);
        this.emitConfigChange({
          reason: changed,
          subject: { service: key.service, agent: key.agent, model: key.model, tool: key.tool },
          from: from || undefined,
          to: to || '(none)',
          message: `${describeSubject(key)}: ${changed === 'agent_version' ? 'agent version' : 'prompt version'} changed from ${from || '(none)'} to ${to || '(none)'}; a new baseline starts`,
          traceId,
          time: timeOf(),
        });
      }
    } else {
      group = this.newGroup({ service, agent: agentName, operation, model, tool }, agentVersion, promptVersion);
    }
    this.groupsByKey.set(groupKey, group);
    this.evict();

    group.count++;
    group.traceIds.push(traceId);
    if (group.traceIds.length > 5) group.traceIds.shift();
    for (const t of tools) {
      const entry = group.toolCounts.find((e) => e[0] === t) ?? group.toolCounts.find((e) => e[0] === OTHER);
      if (entry) entry[1]++;
      else group.toolCounts.push([group.toolCounts.length < MAX_GROUP_TOOLS ? t : OTHER, 1]);
    }
    const g = group;

    for (let i = 0; i < NUMERIC_FEATURES.length; i++) {
      const f = NUMERIC_FEATURES[i];
      const x = f.get(record);
      if (x === undefined) continue;
      const s = (group.numeric[i] ??= newNumericDriftState(this.params.numeric));
      const verdicts = observeNumeric(s, this.params.numeric, x);
      if (!verdicts) continue;
      for (const v of verdicts) {
        const detector = v.statistic === 'cusum' ? `numeric_drift.${f.id}` : `numeric_drift.${f.id}.ks`;
        const active = group.alarms[detector];
        if (active) {
          // Same change still going on: extend the alarm, skip building evidence nobody will see.
          active.lastCross = group.count;
          continue;
        }
        const base = Array.from(baselineValues(s));
        const recent = Array.from(recentValues(s, v.span));
        const b = quantileSorted(base, 0.5);
        const c = recent.length > 0 ? quantileSorted(recent, 0.5) : b;
        const bMean = mean(base);
        const cMean = recent.length > 0 ? mean(recent) : bMean;
        // Discrete features (tool calls per response) often keep their median: say it with means then.
        const [stat, from, to] = b !== c ? ['median', b, c] : ['mean', bMean, cMean];
        // Significant but small (a few % of latency from host load): evidence, not a page.
        if (from > 0 && Math.abs(to / from - 1) < this.options.minRelativeShift) continue;
        const moved = to > from ? 'rose' : to < from ? 'fell' : v.statistic === 'cusum' ? 'shifted' : 'changed distribution';
        const alert = this.raise(group.alarms, group.count, alerts, {
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
          controls: DRIFT_CONTROLS,
          time: timeOf(),
        });
        if (alert) group.lastAlert = { id: alert.id, detector, time: alert.time, message: alert.message };
      }
    }

    for (let i = 0; i < RATE_FEATURES.length; i++) {
      const r = RATE_FEATURES[i];
      const detector = RATE_DETECTORS[i];
      const s = (group.rates[i] ??= newRateCusumState());
      const v = observeRate(s, this.params.rate, r.hit(record), traceId, group.alarms[detector] !== undefined);
      if (!v) continue;
      const alert = this.raise(group.alarms, group.count, alerts, {
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
        controls: DRIFT_CONTROLS,
        time: timeOf(),
      });
      if (alert) group.lastAlert = { id: alert.id, detector, time: alert.time, message: alert.message };
    }

    for (let i = 0; i < CATEGORICAL_FEATURES.length; i++) {
      const c = CATEGORICAL_FEATURES[i];
      const category = c.get(record);
      if (category === undefined) continue;
      const detector = `categorical.${c.id}`;
      const s = (group.categorical[i] ??= newCategoricalState());
      const v = observeCategory(s, this.params.categorical, keyPart(category) ?? NONE);
      if (!v) continue;
      const alert = this.raise(group.alarms, group.count, alerts, {
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
        controls: DRIFT_CONTROLS,
        time: timeOf(),
      });
      if (alert) group.lastAlert = { id: alert.id, detector, time: alert.time, message: alert.message };
    }

    // Tools: per agent, from model calls that request tools and from tool executions.
    if (tools.length > 0 || MODEL_OPERATIONS.has(operation)) {
      const session = keyPart(record.conversationId) ?? traceId;
      const alarmed = this.alarmedTools(agent);
      const verdicts = observeTools(agent.tools, this.params.tools, tools, session, traceId, alarmed);
      if (verdicts) for (const v of verdicts) this.raiseToolAlert(agent, v, alerts, timeOf(), traceId, group);
    }

    if (hasAny(group.alarms)) this.resolveQuiet(group.alarms, group.count, timeOf, (detector) => this.groupDetectorQuiet(g, detector));
    if (hasAny(agent.alarms)) this.resolveQuiet(agent.alarms, agent.tools.records, timeOf, (detector) => this.agentDetectorQuiet(agent, detector));
    return alerts;
  }

  private newGroup(key: GroupKey, agentVersion: string, promptVersion: string): GroupState {
    return { key, count: 0, agentVersion, promptVersion, numeric: NUMERIC_FEATURES.map(() => null),
      rates: RATE_FEATURES.map(() => null),
      categorical: CATEGORICAL_FEATURES.map(() => null),
      toolCounts: [], traceIds: [], alarms: {} };
  }

  private allowedToolsOf(agent: string | undefined): string[] | undefined {
    const allowed = this.options.allowedTools;
    return allowed && agent !== undefined && Object.prototype.hasOwnProperty.call(allowed, agent) ? allowed[agent] : undefined;
  }

  private alarmedTools(agent: AgentState): ReadonlySet<string> {
    if (!hasAny(agent.alarms)) return EMPTY_SET;
    let set: Set<string> | undefined;
    for (const key of Object.keys(agent.alarms)) {
      if (key.startsWith('tool.rate_spike:')) (set ??= new Set()).add(key.slice('tool.rate_spike:'.length));
    }
    return set ?? EMPTY_SET;
  }

  private raiseToolAlert(agent: AgentState, v: ToolVerdict, alerts: Alert[], time: string, traceId: string, group: GroupState): void {
    const subject: AlertSubject = { service: agent.service, agent: agent.agent };
    const who = describeSubject(subject);
    const n = agent.tools.records;
    let alert: Alert | undefined;
    if (v.type === 'new_tool' || v.type === 'too_many_tools') {
      // Each new tool is its own finding (and is learned as it is reported); a flood of them is capped
      // at MAX_ACTIVE_NEW_TOOL_ALERTS per agent within the cool-down, then the overflow report stops it.
      let active = 0;
      for (const key in agent.alarms) if (key.startsWith(NEW_TOOL_PREFIX)) active++;
      if (v.type === 'new_tool' && active >= MAX_ACTIVE_NEW_TOOL_ALERTS) return;
      const message =
        v.type === 'too_many_tools'
          ? `${who} used tool ${v.tool} after ${v.knownCount} distinct tools; further new tools of this agent are not reported`
          : v.allowed
            ? `${who} called tool ${v.tool}, never seen for this agent in ${n - 1} earlier calls (${v.knownCount} known tools)`
            : `${who} called tool ${v.tool}, which is not in its allowed tools`;
      alert = this.raise(agent.alarms, n, alerts, {
        kind: 'tool_anomaly',
        severity: 'high',
        detector: 'tool.new_tool',
        subject: { ...subject, tool: v.tool },
        message,
        score: 1,
        threshold: 1,
        baseline: { knownTools: v.knownCount },
        current: { knownTools: v.knownCount + 1 },
        traceIds: [traceId],
        controls: DRIFT_CONTROLS,
        time,
        alarmKey: `${NEW_TOOL_PREFIX}${v.type === 'new_tool' ? v.tool : '(too many tools)'}`,
      });
    } else if (v.type === 'rate_spike') {
      alert = this.raise(agent.alarms, n, alerts, {
        kind: 'tool_anomaly',
        severity: 'medium',
        detector: 'tool.rate_spike',
        subject: { ...subject, tool: v.tool },
        message: `${who} called tool ${v.tool} in ${pct(v.currentRate)} of the last ${v.span} calls, against ${pct(v.baselineRate)} in its baseline`,
        score: v.score,
        threshold: v.threshold,
        baseline: { share: v.baselineRate },
        current: { share: v.currentRate, n: v.span },
        traceIds: v.traceIds,
        controls: DRIFT_CONTROLS,
        time,
        alarmKey: `tool.rate_spike:${v.tool}`,
      });
    } else {
      alert = this.raise(agent.alarms, n, alerts, {
        kind: 'tool_anomaly',
        severity: 'medium',
        detector: 'tool.sequence',
        subject: { ...subject, tool: v.to },
        message: `${who} called tools in unusual order: ${v.from} -> ${v.to} had probability ${pct(v.probability)} in its baseline sessions, among ${v.span} unusual transitions`,
        score: v.score,
        threshold: v.threshold,
        baseline: { transitionProbability: v.probability },
        current: { transitions: v.span },
        traceIds: v.traceIds,
        controls: DRIFT_CONTROLS,
        time,
      });
    }
    if (alert) group.lastAlert = { id: alert.id, detector: alert.detector, time, message: alert.message };
  }

  /** Raise an alert unless this detector already has an active alarm (one alert per change). */
  private raise(
    alarms: Record<string, ActiveAlarm>,
    at: number,
    alerts: Alert[],
    a: Omit<Alert, 'id'> & { alarmKey?: string },
  ): Alert | undefined {
    const { alarmKey, ...fields } = a;
    const key = alarmKey ?? a.detector;
    const active = alarms[key];
    if (active) {
      active.lastCross = at;
      return undefined;
    }
    this.alertCounter++;
    const alert: Alert = { id: `alrt_${(Date.parse(a.time) || 0).toString(36)}_${this.alertCounter.toString(36)}`, ...fields };
    alarms[key] = { alertId: alert.id, kind: alert.kind, subject: alert.subject, raisedAt: at, lastCross: at, message: alert.message };
    alerts.push(alert);
    this.countAlert(alert);
    this.safeEmit('alert', alert);
    this.safeEmit(`alert:${alert.kind}`, alert);
    return alert;
  }

  private resolveQuiet(alarms: Record<string, ActiveAlarm>, at: number, timeOf: () => string, quiet: (detector: string) => boolean): void {
    for (const key in alarms) {
      const alarm = alarms[key];
      if (at - alarm.lastCross < this.options.cooldown || !quiet(key)) continue;
      delete alarms[key];
      const detector = key.includes(':') ? key.slice(0, key.indexOf(':')) : key;
      this.safeEmit('resolved', {
        alertId: alarm.alertId,
        detector,
        kind: alarm.kind,
        subject: alarm.subject,
        message: `back to baseline: ${alarm.message}`,
        records: at - alarm.raisedAt,
        time: timeOf(),
      });
    }
  }

  private groupDetectorQuiet(g: GroupState, detector: string): boolean {
    const [family, feature] = detector.split('.');
    if (family === 'numeric_drift') {
      const s = g.numeric[NUMERIC_FEATURES.findIndex((f) => f.id === feature)];
      return !s || numericIsQuiet(s, this.params.numeric);
    }
    if (family === 'rate_cusum') {
      const s = g.rates[RATE_FEATURES.findIndex((f) => f.id === feature)];
      return !s || rateIsQuiet(s, this.params.rate);
    }
    return true;
  }

  private agentDetectorQuiet(a: AgentState, key: string): boolean {
    if (key.startsWith('tool.rate_spike:')) return toolRateIsQuiet(a.tools, this.params.tools, key.slice('tool.rate_spike:'.length));
    if (key === 'tool.sequence') return sequenceIsQuiet(a.tools, this.params.tools);
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
