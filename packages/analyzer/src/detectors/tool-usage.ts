/**
 * Tool-usage anomalies of one agent: a tool never seen for it (immediate), a tool's call
 * rate spiking (Bernoulli CUSUM per tracked tool, see rate-cusum.ts), and an unusual
 * sequence of tool calls within a session (trace or conversation), scored by a mixture
 * log-likelihood-ratio CUSUM against a first-order transition model learned from the first
 * `sequenceWarmup` transitions and then fixed (rows back off to the marginal when sparse).
 */
import { fnv1a } from '@warden/core/internal';
import { categoryDesignEffect, newDispersionState, observeDispersion, type DispersionState } from './dispersion';
import { newRateCusumState, observeRate, type RateCusumParams, type RateCusumState, type RateVerdict } from './rate-cusum';

export interface ToolUsageParams {
  warmup: number;
  /** Tools followed for rate spikes and sequences; later ones pool into "other". */
  trackedTools: number;
  /** Distinct tool names remembered per agent; beyond it, new names are reported once, then ignored. */
  maxKnownTools: number;
  /** Open sessions remembered per agent for sequences. */
  maxSessions: number;
  rate: RateCusumParams;
  sequenceThreshold: number;
  /** Transitions learned before the sequence model is fixed and scoring starts. */
  sequenceWarmup: number;
}

export interface ToolUsageState {
  records: number;
  /** Tools the agent executed (or that are allowed): what executed tools are checked against. */
  known: string[];
  /** True once maxKnownTools was reached (reported once). */
  knownOverflow: boolean;
  /**
   * Tool names only requested by the model (LLM output chooses them), in their own memory so a
   * flood of made-up names cannot fill `known` and switch new-tool reporting off.
   */
  requestedKnown: string[];
  requestedOverflow: boolean;
  allowed: string[] | null;
  tracked: string[];
  rates: RateCusumState[];
  /** Warm-up estimate of burstiness, then its design effect (1 = independent calls). */
  dispersion: DispersionState;
  /** Per tracked tool (same order as `tracked`): how much bursts inflate its count's variance. */
  designEffects: number[];
  /** Transition counts, (tracked+2)^2, index 0 = session start, last = other. */
  transitions: number[];
  transitionsLearned: number;
  /** How often each state followed any other (the marginal the sparse rows back off to). */
  nextCounts: number[];
  sequence: number;
  sequenceRun: number;
  sequenceTraceIds: string[];
  /** 32-bit hashes of open session keys (LRU order, oldest first) and each one's last tool index. */
  sessionKeys: number[];
  sessionLast: number[];
}

export type ToolVerdict =
  | { type: 'new_tool'; tool: string; allowed: boolean; knownCount: number; requested: boolean }
  | { type: 'too_many_tools'; tool: string; knownCount: number; requested: boolean }
  | ({ type: 'rate_spike'; tool: string } & RateVerdict)
  | { type: 'sequence'; from: string; to: string; score: number; threshold: number; span: number; traceIds: string[]; probability: number };

export function newToolUsageState(p: ToolUsageParams, allowed?: readonly string[]): ToolUsageState {
  const v = p.trackedTools + 2;
  return {
    records: 0,
    // Allowed tools are expected: known from the start, so only tools outside the list are new.
    known: allowed ? allowed.slice(0, p.maxKnownTools) : [],
    knownOverflow: false,
    requestedKnown: [],
    requestedOverflow: false,
    allowed: allowed ? [...allowed] : null,
    tracked: [],
    rates: [],
    dispersion: newDispersionState(true),
    designEffects: [],
    transitions: new Array(v * v).fill(0),
    transitionsLearned: 0,
    nextCounts: new Array(v).fill(0),
    sequence: 0,
    sequenceRun: 0,
    sequenceTraceIds: [],
    sessionKeys: [],
    sessionLast: [],
  };
}

function trackedIndex(s: ToolUsageState, p: ToolUsageParams, tool: string): number {
  const i = s.tracked.indexOf(tool);
  return i >= 0 ? i + 1 : p.trackedTools + 1;
}

/** Weight of the marginal prior in each row: a sparse row says little, and backs off to the marginal. */
const ROW_PRIOR = 2;
/** Share of the uniform distribution in the alternative: small, so usual transitions cost little. */
export const ALTERNATIVE_UNIFORM = 0.1;

function transitionProbability(s: ToolUsageState, p: ToolUsageParams, from: number, to: number): number {
  const v = p.trackedTools + 2;
  let row = 0;
  for (let j = 0; j < v; j++) row += s.transitions[from * v + j];
  // Add-half smoothing over the v-1 possible next states: unseen is unlikely, never impossible.
  const marginal = (s.nextCounts[to] + 0.5) / (s.transitionsLearned + 0.5 * (v - 1));
  return (s.transitions[from * v + to] + ROW_PRIOR * marginal) / (row + ROW_PRIOR);
}

/**
 * Feed one record of the agent: the tools it used (requested, then executed, in order) and its
 * session key; the first `requestedCount` names were only requested by the model (none when
 * omitted). `alarmed` tells which rate detectors are in an active alarm (they stop learning).
 * A tool outside the allowed list is never learned: every call of it returns a verdict.
 */
export function observeTools(
  s: ToolUsageState,
  p: ToolUsageParams,
  tools: readonly string[],
  session: string,
  traceId: string,
  alarmedTools: ReadonlySet<string>,
  requestedCount = 0,
): ToolVerdict[] | undefined {
  s.records++;
  const warm = s.records > p.warmup;
  observeDispersion(s.dispersion, tools[0] ?? '');
  // Adopt the burstiness estimate at the end of warm-up, refresh it often while it is young, then now and then.
  if (s.records === p.warmup || (warm && s.records % (s.records < 4096 ? 64 : 1024) === 0))
    s.designEffects = s.tracked.map((t) => categoryDesignEffect(s.dispersion, t));
  let out: ToolVerdict[] | undefined;
  for (let t = 0; t < tools.length; t++) {
    const tool = tools[t];
    if (s.tracked.length < p.trackedTools && !s.tracked.includes(tool)) {
      s.tracked.push(tool);
      // A tool first seen after warm-up starts its own rate warm-up.
      s.rates.push(newRateCusumState());
    }
    if (s.known.includes(tool)) continue;
    if (s.allowed !== null && !s.allowed.includes(tool)) {
      (out ??= []).push({ type: 'new_tool', tool, allowed: false, knownCount: s.known.length, requested: t < requestedCount });
      continue;
    }
    const requested = t < requestedCount;
    const requestedBefore = s.requestedKnown.includes(tool);
    if (requested && requestedBefore) continue;
    const memory = requested ? s.requestedKnown : s.known;
    if (memory.length >= p.maxKnownTools) {
      if (requested ? !s.requestedOverflow : !s.knownOverflow) {
        if (requested) s.requestedOverflow = true;
        else s.knownOverflow = true;
        (out ??= []).push({ type: 'too_many_tools', tool, knownCount: memory.length, requested });
      }
      continue;
    }
    memory.push(tool);
    // A tool the model asked for was reported then; its execution is learned quietly.
    if (warm && !requestedBefore)
      (out ??= []).push({ type: 'new_tool', tool, allowed: true, knownCount: s.known.length + s.requestedKnown.length - 1, requested });
  }
  for (let i = 0; i < s.tracked.length; i++) {
    const tool = s.tracked[i];
    const v = observeRate(s.rates[i], p.rate, tools.includes(tool), traceId, alarmedTools.has(tool), s.designEffects[i] ?? 1);
    if (v) (out ??= []).push({ type: 'rate_spike', tool, ...v });
  }
  if (tools.length > 0) {
    const seq = observeSequence(s, p, tools, session, traceId);
    if (seq) (out ??= []).push(seq);
  }
  return out;
}

/** FNV-1a: session keys are kept as 32-bit hashes, so memory does not depend on their length. */
const hashSession = fnv1a;

function observeSequence(s: ToolUsageState, p: ToolUsageParams, tools: readonly string[], session: string, traceId: string): ToolVerdict | undefined {
  const v = p.trackedTools + 2;
  const key = hashSession(session);
  const at = s.sessionKeys.indexOf(key);
  let prev = 0;
  if (at >= 0) {
    prev = s.sessionLast[at];
    s.sessionKeys.splice(at, 1);
    s.sessionLast.splice(at, 1);
  }
  let verdict: ToolVerdict | undefined;
  for (const tool of tools) {
    const next = trackedIndex(s, p, tool);
    if (s.transitionsLearned >= p.sequenceWarmup) {
      const q = transitionProbability(s, p, prev, next);
      // Mixture alternative (1-e)*model + e*uniform: E[llr] <= 0 under the model, so ARL >= e^h.
      const llr = Math.log(1 - ALTERNATIVE_UNIFORM + ALTERNATIVE_UNIFORM / ((v - 1) * q));
      s.sequence = Math.max(0, s.sequence + llr);
      s.sequenceRun = s.sequence === 0 ? 0 : s.sequenceRun + 1;
      if (llr > 0) {
        s.sequenceTraceIds.push(traceId);
        if (s.sequenceTraceIds.length > 5) s.sequenceTraceIds.shift();
      }
      if (s.sequence > p.sequenceThreshold && !verdict) {
        const name = (i: number): string => (i === 0 ? '(start)' : i <= s.tracked.length ? s.tracked[i - 1] : '(other)');
        verdict = {
          type: 'sequence',
          from: name(prev),
          to: name(next),
          score: s.sequence,
          threshold: p.sequenceThreshold,
          span: s.sequenceRun,
          traceIds: s.sequenceTraceIds.slice(),
          probability: q,
        };
        s.sequence = 0;
        s.sequenceRun = 0;
      }
    } else {
      s.transitions[prev * v + next]++;
      s.nextCounts[next]++;
      s.transitionsLearned++;
    }
    prev = next;
  }
  s.sessionKeys.push(key);
  s.sessionLast.push(prev);
  if (s.sessionKeys.length > p.maxSessions) {
    s.sessionKeys.shift();
    s.sessionLast.shift();
  }
  return verdict;
}

export function toolRateIsQuiet(s: ToolUsageState, p: ToolUsageParams, tool: string): boolean {
  const i = s.tracked.indexOf(tool);
  return i < 0 || s.rates[i].s < p.rate.threshold / 4;
}

export function sequenceIsQuiet(s: ToolUsageState, p: ToolUsageParams): boolean {
  return s.sequence < p.sequenceThreshold / 4;
}
