/**
 * Tool spans from plain OpenTelemetry instrumentations carry no agent name, so in `warden serve`
 * all of a service's tool use would pool under "no agent". A tool record without an agent takes
 * the agent of its parent span in the same trace: from the same export batch, or from a bounded
 * memory of recent spans (a parent that ended earlier). A parent that ends later than its child
 * and arrives in a later batch is not waited for: the record keeps no agent.
 */
import { GEN_AI_OPERATION, type CallRecord } from '@warden/core';

/** Spans (trace id + span id) whose agent is remembered across batches. */
const DEFAULT_CAPACITY = 20_000;

export class ParentAgents {
  private readonly agents = new Map<string, string>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** `parents[i]` is the parent span id of `records[i]` (undefined for a root span). */
  fill(records: CallRecord[], parents: (string | undefined)[]): void {
    for (const r of records) if (r.agent && r.spanId) this.remember(`${r.traceId}:${r.spanId}`, r.agent);
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      const parent = parents[i];
      if (r.agent || !parent || r.operation !== GEN_AI_OPERATION.EXECUTE_TOOL) continue;
      const agent = this.agents.get(`${r.traceId}:${parent}`);
      if (agent === undefined) continue;
      r.agent = agent;
      // The tool's own children (a nested tool) find the agent through it.
      if (r.spanId) this.remember(`${r.traceId}:${r.spanId}`, agent);
    }
  }

  private remember(key: string, agent: string): void {
    this.agents.delete(key);
    this.agents.set(key, agent);
    if (this.agents.size > this.capacity) this.agents.delete(this.agents.keys().next().value as string);
  }
}
