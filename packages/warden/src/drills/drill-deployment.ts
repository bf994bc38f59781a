import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { MultiTurnRiskSpanProcessor, Policy } from '@warden/agents';
import type { ResolvedAnalyzerOptions } from '@warden/analyzer';
import type { ControlId, DrillResult } from '@warden/core';
import type { DrillCollector } from '@warden/core/internal';

/** What the drills need to know about the deployment they exercise (the Warden handle provides it). */
export interface DrillDeployment {
  /** The policies of the installed guard, or undefined when no guard is installed. */
  policies: readonly Pick<Policy, 'agent' | 'mode'>[] | undefined;
  /** Agent identities seen in real traffic (the posture inventory). */
  agentsSeen: readonly string[];
  /** The analyzer's options, or undefined with the analyzer off. */
  analyzerOptions: ResolvedAnalyzerOptions | undefined;
  /** The live multi-turn processor. */
  multiTurn: MultiTurnRiskSpanProcessor | undefined;
  /** The audit log file and its key, or undefined without a (file) audit log. */
  auditLog: { path: string | undefined; hmacKey?: string | Buffer; flush(): Promise<void> } | undefined;
  /** Hand-offs with a caller seen in real traffic. */
  handoffsSeen: number;
  /** MCP servers seen in real traffic. */
  mcpServersSeen: number;
}

/** What one drill returns before the runner stamps time, duration and span evidence. */
export interface DrillVerdict {
  status: DrillResult['status'];
  reason: string;
  alertIds?: string[];
  spanIds?: string[];
  details?: Record<string, string | number | boolean>;
}

export interface DrillRun {
  runId: string;
  collector: DrillCollector;
  /** Drill spans of this run recorded so far. */
  spans(): ReadableSpan[];
}

export interface Drill {
  id: string;
  control: ControlId;
  run(deployment: DrillDeployment, run: DrillRun): Promise<DrillVerdict>;
}
