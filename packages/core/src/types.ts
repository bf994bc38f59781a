import type { AlertKind } from './alert-kinds';

/** The Level 3 controls of the maturity model that Warden gives evidence for (docs/controls.md). */
export type ControlId = 'L3.runtime-monitoring' | 'L3.agent-audit' | 'L3.least-privilege' | 'L3.drift-alerts' | 'L3.mcp-onboarding';

export const CONTROL_IDS: readonly ControlId[] = ['L3.runtime-monitoring', 'L3.agent-audit', 'L3.least-privilege', 'L3.drift-alerts', 'L3.mcp-onboarding'];

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface AlertSubject {
  service?: string;
  agent?: string;
  model?: string;
  tool?: string;
  feature?: string;
  conversationId?: string;
  mcpServer?: string;
}

/** A typed alert: which detector fired, on what, with the evidence behind it. */
export interface Alert {
  id: string;
  kind: AlertKind;
  severity: Severity;
  /** Stable id of the detector or rule that fired. */
  detector: string;
  subject: AlertSubject;
  /** One sentence a person understands. */
  message: string;
  /** The statistic that crossed... */
  score: number;
  /** ...this threshold. */
  threshold: number;
  baseline?: Record<string, number>;
  current?: Record<string, number>;
  /** Up to 5 example trace ids. */
  traceIds: string[];
  controls: ControlId[];
  /** ISO 8601. */
  time: string;
}

/**
 * One finished GenAI operation, normalised from span attributes. Every detector reads
 * this, whatever instrumentation produced the span.
 */
export interface CallRecord {
  /** End time, milliseconds since the epoch. */
  time: number;
  traceId: string;
  spanId: string;
  service?: string;
  /** gen_ai.operation.name: chat, embeddings, execute_tool, invoke_agent, ... */
  operation: string;
  provider?: string;
  /** Response model when known, else request model. */
  model?: string;
  requestModel?: string;
  agent?: string;
  agentId?: string;
  agentVersion?: string;
  promptVersion?: string;
  /** The agent that invoked this one, for invoke_agent spans. */
  callerAgent?: string;
  conversationId?: string;
  /** The tool executed, for execute_tool spans. */
  tool?: string;
  /** Names of tools the model requested in this response. */
  toolCalls: string[];
  latencyMs: number;
  timeToFirstChunkMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** Characters of generated text. */
  outputLength?: number;
  finishReasons: string[];
  /** error.type when the operation failed. */
  errorType?: string;
  refusal?: boolean;
  streamed?: boolean;
  mcpServer?: string;
}
