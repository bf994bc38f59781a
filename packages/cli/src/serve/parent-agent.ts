/**
 * Tool spans from plain OpenTelemetry instrumentations carry no agent name, so in `warden serve`
 * all of a service's tool use would pool under "no agent". A tool record without an agent takes
 * the agent of its nearest ancestor span in the same trace that has one (its parent, or the
 * agent span above a framework's step spans).
 *
 * The agent span usually ends last: an exporter's batch often carries the tool spans seconds
 * before the span of the agent that ran them. So a tool record whose ancestor has not arrived yet
 * is held (at most `waitMs`, at most `maxHeld` records) until it does; when the wait runs out it
 * is analyzed without an agent, as before. Spans are remembered (trace id, span id -> parent and
 * agent) in a bounded LRU, every span of a request, not only GenAI ones, so the walk up can pass
 * through a framework's own spans.
 */
import { GEN_AI_OPERATION, type CallRecord } from '@warden/core';

export interface ParentAgentsOptions {
  /** Spans remembered across requests (trace id + span id -> parent, agent). */
  capacity?: number;
  /** How long (ms) a tool record waits for an ancestor that has not arrived; 0 never waits. */
  waitMs?: number;
  /** Tool records held at once; past it a new one is analyzed at once without an agent. */
  maxHeld?: number;
}

/** One span of a request: its ids, and its record when it is a GenAI operation. */
export interface SpanLink {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  record?: CallRecord;
}

export interface Held {
  record: CallRecord;
  deadline: number;
  /** trace:span of the ancestor it waits for. */
  waitingFor: string;
  done: boolean;
}

/** What one request's spans mean for the analyzer; applied with `commit` once the queue took `ready`. */
export interface ParentAgentsPlan {
  /** In order: records held earlier that this request resolved, then this request's records that need no wait. */
  ready: CallRecord[];
  hold: { record: CallRecord; waitingFor: string }[];
  released: Held[];
  /** Held records whose ancestor arrived but a higher one is still missing. */
  moved: { held: Held; waitingFor: string }[];
  /** Tool records that would have waited, but `maxHeld` were waiting already (counted unresolved at commit). */
  overflow: number;
}

interface SpanInfo {
  parent: string | undefined;
  agent: string | undefined;
}

const DEFAULT_CAPACITY = 50_000;
const DEFAULT_MAX_HELD = 10_000;
/** Ancestors walked up from a tool span (framework step spans between it and the agent). */
const MAX_DEPTH = 32;

type Resolution = { agent: string } | { waitingFor: string } | 'none';

export class ParentAgents {
  /**
   * Remembered spans in two generations (at most `capacity` in all): a new generation starts when
   * the current one holds half, and the oldest is dropped whole. Deleting a Map's oldest key one at
   * a time instead leaves holes its iterator walks over on every eviction (quadratic time).
   */
  private spans = new Map<string, SpanInfo>();
  private olderSpans = new Map<string, SpanInfo>();
  /** Held records by the ancestor they wait for. */
  private readonly waiting = new Map<string, Held[]>();
  /** Every held record in deadline order (one wait for all, so arrival order is deadline order). */
  private expiry: Held[] = [];
  private expiryHead = 0;
  private heldNow = 0;
  readonly capacity: number;
  readonly waitMs: number;
  readonly maxHeld: number;
  /** Tool records that waited for an ancestor; of them, released without an agent. */
  heldTotal = 0;
  heldUnresolved = 0;

  constructor(options: ParentAgentsOptions = {}) {
    this.capacity = options.capacity ?? DEFAULT_CAPACITY;
    this.waitMs = options.waitMs ?? 0;
    this.maxHeld = options.maxHeld ?? DEFAULT_MAX_HELD;
  }

  /** Records held now. */
  get held(): number {
    return this.heldNow;
  }

  /** The earliest deadline of a held record, if any. */
  get nextDeadline(): number | undefined {
    for (let i = this.expiryHead; i < this.expiry.length; i++) if (!this.expiry[i]!.done) return this.expiry[i]!.deadline;
    return undefined;
  }

  /**
   * Learns the request's spans (idempotent, so a refused request can come again) and sets the agent
   * of every tool record whose ancestors are all here. Nothing is held or released until `commit`.
   */
  plan(links: SpanLink[]): ParentAgentsPlan {
    const keys = links.map((l) => `${l.traceId}:${l.spanId}`);
    for (let i = 0; i < links.length; i++) this.remember(keys[i]!, links[i]!.parentSpanId, links[i]!.record?.agent || undefined);
    const ready: CallRecord[] = [];
    const hold: ParentAgentsPlan['hold'] = [];
    const released: Held[] = [];
    const moved: ParentAgentsPlan['moved'] = [];
    let overflow = 0;
    // Earlier records waiting for a span of this request: released, or waiting for a higher ancestor.
    for (let i = 0; i < links.length && this.waiting.size > 0; i++) {
      const l = links[i]!;
      for (const h of this.waiting.get(keys[i]!) ?? []) {
        if (h.done) continue;
        const r = this.resolve(h.record.traceId, l.spanId);
        if (r !== 'none' && 'waitingFor' in r) moved.push({ held: h, waitingFor: r.waitingFor });
        else {
          if (r !== 'none') h.record.agent = r.agent;
          released.push(h);
          ready.push(h.record);
        }
      }
    }
    for (const l of links) {
      const rec = l.record;
      if (!rec) continue;
      if (rec.agent || !l.parentSpanId || rec.operation !== GEN_AI_OPERATION.EXECUTE_TOOL) {
        ready.push(rec);
        continue;
      }
      const r = this.resolve(l.traceId, l.parentSpanId);
      if (r === 'none') ready.push(rec);
      else if ('agent' in r) {
        rec.agent = r.agent;
        ready.push(rec);
      } else if (this.waitMs > 0 && this.heldNow + hold.length < this.maxHeld) hold.push({ record: rec, waitingFor: r.waitingFor });
      else {
        if (this.waitMs > 0) overflow++;
        ready.push(rec);
      }
    }
    return { ready, hold, released, moved, overflow };
  }

  /** Applies a plan whose `ready` records the queue accepted. */
  commit(p: ParentAgentsPlan, now: number): void {
    this.heldUnresolved += p.overflow;
    for (const h of p.released) this.finish(h);
    for (const { held, waitingFor } of p.moved) {
      if (held.done) continue;
      this.unlink(held);
      held.waitingFor = waitingFor;
      this.link(held);
    }
    for (const { record, waitingFor } of p.hold) {
      const h: Held = { record, waitingFor, deadline: now + this.waitMs, done: false };
      this.link(h);
      this.expiry.push(h);
      this.heldNow++;
      this.heldTotal++;
    }
    this.compact();
  }

  /** Held records whose wait ran out by `now`, oldest first (not yet released: see `release`). */
  due(now: number): Held[] {
    const out: Held[] = [];
    for (let i = this.expiryHead; i < this.expiry.length; i++) {
      const h = this.expiry[i]!;
      if (h.deadline > now) break;
      if (!h.done) out.push(h);
    }
    return out;
  }

  /** Every record still held (shutdown). */
  all(): Held[] {
    return this.expiry.slice(this.expiryHead).filter((h) => !h.done);
  }

  /** Marks records from `due` or `all` released without an agent (after the queue took them). */
  release(hs: Held[]): void {
    for (const h of hs) {
      if (h.done) continue;
      this.finish(h);
      this.heldUnresolved++;
    }
    this.compact();
  }

  private compact(): void {
    while (this.expiryHead < this.expiry.length && this.expiry[this.expiryHead]!.done) this.expiryHead++;
    if (this.expiryHead > 1024 && this.expiryHead * 2 > this.expiry.length) {
      this.expiry = this.expiry.slice(this.expiryHead);
      this.expiryHead = 0;
    }
  }

  private finish(h: Held): void {
    h.done = true;
    this.heldNow--;
    this.unlink(h);
  }

  private unlink(h: Held): void {
    const list = this.waiting.get(h.waitingFor);
    if (!list) return;
    const i = list.indexOf(h);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.waiting.delete(h.waitingFor);
  }

  private link(h: Held): void {
    const list = this.waiting.get(h.waitingFor);
    if (list) list.push(h);
    else this.waiting.set(h.waitingFor, [h]);
  }

  /** Walks up from `spanId`: the first agent found, the first ancestor not seen yet, or none (a root). */
  private resolve(traceId: string, spanId: string): Resolution {
    let id: string | undefined = spanId;
    for (let depth = 0; id !== undefined && depth < MAX_DEPTH; depth++) {
      const key = `${traceId}:${id}`;
      const s = this.span(key);
      if (!s) return { waitingFor: key };
      if (s.agent) return { agent: s.agent };
      id = s.parent;
    }
    return 'none';
  }

  private span(key: string): SpanInfo | undefined {
    return this.spans.get(key) ?? this.olderSpans.get(key);
  }

  private remember(key: string, parent: string | undefined, agent: string | undefined): void {
    const had = this.span(key);
    this.spans.set(key, { parent, agent: agent ?? had?.agent });
    if (this.spans.size >= this.capacity / 2) {
      this.olderSpans = this.spans;
      this.spans = new Map();
    }
  }
}
