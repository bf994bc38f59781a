import type { Context, Span } from '@opentelemetry/api';
import type { AgentIdentity } from '@warden/core';
import type { ModelCallSpan, StreamOutcome } from '@warden/core/internal';

/** A LangChain run Warden is tracing, keyed by runId until its end (or error) callback. */
export interface OpenRun {
  /** Context for the run's children: its span active (and its agent, for an agent run). */
  ctx: Context;
  agent?: AgentIdentity;
  parentRunId?: string;
  /** Set for model runs. */
  model?: ModelCallSpan;
  /** Set for agent, step, tool and retriever runs. */
  span?: Span;
  /** A model run that has streamed at least one token. */
  streamed?: boolean;
  /** Idle timer of a model run; refreshed on each token. */
  idleTimer?: ReturnType<typeof setTimeout>;
  /** Removes the run's abort listener. */
  detach?: () => void;
}

/** Open runs kept at most; past this the oldest is ended as abandoned (a run whose end callback never came). */
export const MAX_OPEN_RUNS = 10_000;

/**
 * Open runs of every WardenCallbackHandler in the process. Shared so that a run seen by two
 * handlers (a wrapped model inside a wrapped agent) is traced once, by the first.
 */
export class OpenRuns {
  private readonly runs = new Map<string, OpenRun>();

  constructor(
    private readonly endAbandoned: (run: OpenRun, outcome: StreamOutcome) => void,
    private readonly max = MAX_OPEN_RUNS,
  ) {}

  get size(): number {
    return this.runs.size;
  }

  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  get(runId: string | undefined): OpenRun | undefined {
    return runId === undefined ? undefined : this.runs.get(runId);
  }

  add(runId: string, run: OpenRun): void {
    this.runs.set(runId, run);
    while (this.runs.size > this.max) {
      const [oldestId, oldest] = this.runs.entries().next().value as [string, OpenRun];
      this.runs.delete(oldestId);
      this.endAbandoned(oldest, 'abandoned');
    }
  }

  take(runId: string): OpenRun | undefined {
    const run = this.runs.get(runId);
    if (run) this.runs.delete(runId);
    return run;
  }

  /** Removes and returns runs still open under `runId` (their end callback never came), deepest first. */
  takeDescendants(runId: string): OpenRun[] {
    if (this.runs.size === 0) return [];
    const out: OpenRun[] = [];
    for (const [id, run] of [...this.runs]) {
      if (run.parentRunId !== runId) continue;
      out.push(...this.takeDescendants(id));
      this.runs.delete(id);
      out.push(run);
    }
    return out;
  }
}
