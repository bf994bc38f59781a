import * as A from '@warden/core';
import { controlsForKind, type Alert, type FinishedSpan } from '@warden/core';
import { hrTimeToMs, newAlertId, publishAlert, reportInternalError, stringAttr, type WardenSpanProcessor } from '@warden/core/internal';

/** One agent invoking another (an invoke_agent span with a caller). */
export interface HandoffObservation {
  caller: string;
  callee: string;
  traceId: string;
  /** Milliseconds since the epoch. */
  time: number;
  conversationId?: string;
}

export interface AgentGraphOptions {
  /** Hand-offs observed before an unseen caller→callee pair raises an alert. Default 200. */
  warmupHandoffs?: number;
  /** Hand-offs back and forth between the same two agents (or an agent and itself) in one trace above which a loop is reported. Default 4. */
  maxLoopHandoffs?: number;
  /** Distinct caller→callee pairs remembered; beyond it new pairs are neither learned nor reported. Default 10 000. */
  maxEdges?: number;
  /** Traces whose hand-offs are counted at once (least recently seen forgotten). Default 1 000. */
  maxTraces?: number;
}

interface PairCount {
  count: number;
  forward: boolean;
  backward: boolean;
  alerted: boolean;
}

/**
 * Watches who invokes whom: after a warm-up, an agent calling another it never called
 * before is an `agent_anomaly`; so is a hand-off loop (A→B→A→B... beyond a bound within
 * one trace). Pure: time comes in the observations; memory is bounded.
 */
export class AgentGraphMonitor {
  private readonly warmup: number;
  private readonly maxLoop: number;
  private readonly maxEdges: number;
  private readonly maxTraces: number;
  private readonly edges = new Set<string>();
  private readonly traces = new Map<string, Map<string, PairCount>>();
  private seen = 0;

  constructor(options: AgentGraphOptions = {}) {
    this.warmup = options.warmupHandoffs ?? 200;
    this.maxLoop = options.maxLoopHandoffs ?? 4;
    this.maxEdges = options.maxEdges ?? 10_000;
    this.maxTraces = options.maxTraces ?? 1_000;
  }

  get warmedUp(): boolean {
    return this.seen >= this.warmup;
  }

  /** caller→callee pairs learned so far. */
  knownHandoffs(): [string, string][] {
    return [...this.edges].map((e) => e.split('\u0000') as [string, string]);
  }

  observe(h: HandoffObservation): Alert[] {
    const alerts: Alert[] = [];
    const edge = `${h.caller}\u0000${h.callee}`;
    if (!this.edges.has(edge) && this.edges.size < this.maxEdges) {
      if (this.warmedUp) alerts.push(this.newEdgeAlert(h));
      this.edges.add(edge);
    }
    this.seen++;
    const loop = this.countPair(h);
    if (loop) alerts.push(loop);
    return alerts;
  }

  private countPair(h: HandoffObservation): Alert | undefined {
    let pairs = this.traces.get(h.traceId);
    if (pairs) this.traces.delete(h.traceId);
    else {
      pairs = new Map();
      if (this.traces.size >= this.maxTraces) {
        const oldest = this.traces.keys().next().value;
        if (oldest !== undefined) this.traces.delete(oldest);
      }
    }
    this.traces.set(h.traceId, pairs);
    const forward = h.caller <= h.callee;
    const key = forward ? `${h.caller}\u0000${h.callee}` : `${h.callee}\u0000${h.caller}`;
    let p = pairs.get(key);
    if (!p) {
      if (pairs.size >= 256) return undefined; // a trace with that many distinct pairs is not a loop between two
      p = { count: 0, forward: false, backward: false, alerted: false };
      pairs.set(key, p);
    }
    p.count++;
    if (forward) p.forward = true;
    else p.backward = true;
    const backAndForth = (p.forward && p.backward) || h.caller === h.callee;
    if (p.alerted || !backAndForth || p.count <= this.maxLoop) return undefined;
    p.alerted = true;
    return this.alert(
      h,
      'agent_graph.handoff_loop',
      'high',
      p.count,
      this.maxLoop,
      h.caller === h.callee
        ? `Agent "${h.caller}" invoked itself ${p.count} times in one trace: a hand-off loop.`
        : `Agents "${h.caller}" and "${h.callee}" handed off to each other ${p.count} times in one trace: a hand-off loop.`,
      { handoffs: p.count },
    );
  }

  private newEdgeAlert(h: HandoffObservation): Alert {
    return this.alert(
      h,
      'agent_graph.new_edge',
      'medium',
      1,
      1,
      `Agent "${h.caller}" invoked agent "${h.callee}", which it never invoked during warm-up (${this.warmup} hand-offs).`,
      { newHandoffs: 1 },
      { knownHandoffs: this.edges.size, warmupHandoffs: this.warmup },
    );
  }

  private alert(
    h: HandoffObservation,
    detector: string,
    severity: Alert['severity'],
    score: number,
    threshold: number,
    message: string,
    current: Record<string, number>,
    baseline?: Record<string, number>,
  ): Alert {
    const alert: Alert = {
      id: newAlertId(h.time),
      kind: 'agent_anomaly',
      severity,
      detector,
      subject: { agent: h.caller, feature: `handoff:${h.caller}->${h.callee}` },
      message,
      score,
      threshold,
      current,
      traceIds: [h.traceId],
      controls: controlsForKind('agent_anomaly'),
      time: new Date(h.time).toISOString(),
    };
    if (baseline) alert.baseline = baseline;
    if (h.conversationId) alert.subject.conversationId = h.conversationId;
    return alert;
  }
}

export interface AgentGraphSpanProcessorOptions extends AgentGraphOptions {
  onAlert?: (alert: Alert) => void;
  monitor?: AgentGraphMonitor;
}

/** An invoke_agent span: the only kind the agent graph reads. */
function isHandoff(span: FinishedSpan): boolean {
  return stringAttr(span.attributes, A.ATTR_GEN_AI_OPERATION_NAME) === A.GEN_AI_OPERATION.INVOKE_AGENT;
}

/**
 * Feeds invoke_agent spans that name their caller (warden.caller.agent.name, set by
 * traceAgent) to an AgentGraphMonitor. Hand-offs are counted when the span starts, so a
 * runaway loop is reported while it still runs; spans seen only at their end (replays)
 * are counted then.
 */
export class AgentGraphSpanProcessor implements WardenSpanProcessor {
  readonly monitor: AgentGraphMonitor;
  private readonly onAlert: (alert: Alert) => void;
  private readonly counted = new WeakSet<object>();

  constructor(options: AgentGraphSpanProcessorOptions = {}) {
    this.monitor = options.monitor ?? new AgentGraphMonitor(options);
    this.onAlert = options.onAlert ?? publishAlert;
  }

  private take(span: FinishedSpan, time: number): void {
    const a = span.attributes;
    const caller = stringAttr(a, A.ATTR_WARDEN_CALLER_AGENT_NAME);
    const callee = stringAttr(a, A.ATTR_GEN_AI_AGENT_NAME);
    if (!caller || !callee) return;
    this.counted.add(span);
    const h: HandoffObservation = { caller, callee, traceId: span.spanContext().traceId, time };
    const conversationId = stringAttr(a, A.ATTR_GEN_AI_CONVERSATION_ID);
    if (conversationId) h.conversationId = conversationId;
    for (const alert of this.monitor.observe(h)) this.onAlert(alert);
  }

  // Every span of the app passes here: one attribute read decides, with no closure per span.
  onStart(span: unknown): void {
    try {
      const s = span as FinishedSpan;
      if (s && typeof s === 'object' && s.attributes && s.startTime && isHandoff(s)) this.take(s, hrTimeToMs(s.startTime));
    } catch (e) {
      reportInternalError('agents.agentGraph.onStart', e);
    }
  }

  onEnd(span: FinishedSpan): void {
    try {
      if (isHandoff(span) && !this.counted.has(span)) this.take(span, hrTimeToMs(span.startTime));
    } catch (e) {
      reportInternalError('agents.agentGraph.onEnd', e);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
