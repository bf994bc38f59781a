import { Analyzer } from '@warden/analyzer';
import { GEN_AI_OPERATION, type Alert, type CallRecord } from '@warden/core';
import { DRILL_CANARY_PREFIX } from '@warden/core/internal';
import type { Drill, DrillDeployment, DrillVerdict } from '../drill-deployment';

/**
 * Records the drift drills may feed after warm-up before they call the detector late. From the
 * analyzer README's delay table: +100 % mean output tokens on a normal stream is caught in 9
 * records (median), 11 (p95); the drill allows 3x the p95. A never-seen tool is a deterministic
 * rule: it must alert on the first call after warm-up (allowed: 3).
 */
export const DRIFT_DRILL_MAX_DELAY = 33;
export const NEW_TOOL_DRILL_MAX_DELAY = 3;
/** Beyond this warm-up a drill would cost more than its CPU budget; such a configuration fails the drill. */
const MAX_DRILL_WARMUP = 20_000;

/** A seeded normal generator, so every drill run feeds the same stream. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return (s + 1) / 4_294_967_297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function record(agent: string, i: number, start: number, fields: Partial<CallRecord>): CallRecord {
  return {
    time: start + i * 1000,
    traceId: `d711${i.toString(16).padStart(28, '0')}`,
    spanId: i.toString(16).padStart(16, '0'),
    service: 'warden-drill',
    operation: GEN_AI_OPERATION.CHAT,
    provider: 'warden-drill',
    model: 'warden-drill-model',
    agent,
    toolCalls: [],
    latencyMs: 10,
    finishReasons: ['stop'],
    ...fields,
  };
}

/** A fresh analyzer with the deployment's own options: the canary never touches a real agent's baseline. */
function drillAnalyzer(deployment: DrillDeployment): Analyzer | DrillVerdict {
  const options = deployment.analyzerOptions;
  if (!options) return { status: 'failed', reason: 'the analyzer is off: behavioural drift cannot raise an alert' };
  if (options.warmup > MAX_DRILL_WARMUP)
    return { status: 'failed', reason: `warm-up of ${options.warmup} records is beyond what a drill can feed (${MAX_DRILL_WARMUP})` };
  return new Analyzer({ ...options, allowedTools: undefined, service: 'warden-drill' });
}

export const driftDrill: Drill = {
  id: 'drift',
  control: 'L3.drift-alerts',
  async run(deployment) {
    const analyzer = drillAnalyzer(deployment);
    if (!(analyzer instanceof Analyzer)) return analyzer;
    const agent = `${DRILL_CANARY_PREFIX}-drift`;
    const z = normals(0x5eed);
    const start = Date.now() - 3_600_000;
    const tokens = (mean: number) => Math.max(1, Math.round(mean + mean * 0.1 * z()));
    let i = 0;
    const warm = analyzer.options.warmup + analyzer.options.window;
    for (; i < warm; i++) {
      const early = analyzer.observe(record(agent, i, start, { outputTokens: tokens(200), inputTokens: tokens(400), outputLength: tokens(800) }));
      if (early.length > 0)
        return { status: 'failed', reason: `the stationary canary stream raised ${early[0]!.detector} during warm-up`, alertIds: early.map((a) => a.id) };
    }
    let caught: Alert | undefined;
    let delay = 0;
    while (!caught && delay < DRIFT_DRILL_MAX_DELAY) {
      delay++;
      caught = analyzer
        .observe(record(agent, i++, start, { outputTokens: tokens(400), inputTokens: tokens(400), outputLength: tokens(800) }))
        .find((a) => a.kind === 'drift');
    }
    if (!caught) return { status: 'failed', reason: `+100% output tokens under a canary agent raised no drift alert within ${DRIFT_DRILL_MAX_DELAY} records` };
    return {
      status: 'passed',
      reason: `+100% output tokens under a canary agent raised ${caught.detector} after ${delay} record(s) (allowed ${DRIFT_DRILL_MAX_DELAY})`,
      alertIds: [caught.id],
      details: { delayRecords: delay },
    };
  },
};

export const toolAnomalyDrill: Drill = {
  id: 'tool-anomaly',
  control: 'L3.drift-alerts',
  async run(deployment) {
    const analyzer = drillAnalyzer(deployment);
    if (!(analyzer instanceof Analyzer)) return analyzer;
    const agent = `${DRILL_CANARY_PREFIX}-tools`;
    const start = Date.now() - 3_600_000;
    const tool = (i: number, name: string) => record(agent, i, start, { operation: GEN_AI_OPERATION.EXECUTE_TOOL, model: undefined, tool: name });
    let i = 0;
    for (; i < analyzer.options.warmup; i++) {
      const early = analyzer.observe(tool(i, i % 3 === 0 ? 'canary_lookup' : 'canary_search'));
      if (early.length > 0)
        return { status: 'failed', reason: `the stationary canary tool stream raised ${early[0]!.detector} during warm-up`, alertIds: early.map((a) => a.id) };
    }
    let caught: Alert | undefined;
    let delay = 0;
    while (!caught && delay < NEW_TOOL_DRILL_MAX_DELAY) {
      delay++;
      caught = analyzer.observe(tool(i++, `${DRILL_CANARY_PREFIX}_never_seen_tool`)).find((a) => a.kind === 'tool_anomaly');
    }
    if (!caught)
      return { status: 'failed', reason: `a never-seen tool under a canary agent raised no tool_anomaly alert within ${NEW_TOOL_DRILL_MAX_DELAY} calls` };
    return {
      status: 'passed',
      reason: `a never-seen tool under a canary agent raised ${caught.detector} after ${delay} call(s)`,
      alertIds: [caught.id],
      details: { delayRecords: delay },
    };
  },
};
