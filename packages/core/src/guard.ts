import type { AgentIdentity } from './agent-context';
import type { TaskScope } from './task-scope';
import { wardenState } from './registry';

/** A tool call about to run (or requested by a model), as a policy sees it. */
export interface ToolCallCheck {
  tool: string;
  /** The task scope active where the tool runs (withTask); it narrows the agent's policy. */
  task?: TaskScope;
  agent?: AgentIdentity;
  arguments?: unknown;
  /** Where the call is checked: the app's own tool code, an MCP client, a model's request, a framework. */
  source: 'traceTool' | 'mcp' | 'model' | 'ai-sdk' | 'langchain';
  mcpServer?: string;
  callId?: string;
  traceId?: string;
}

export interface ToolGuardDecision {
  allowed: boolean;
  /** Set when the call must not run (enforce mode): the wrapper throws it before running the tool. */
  error?: Error;
  rule?: string;
  reason?: string;
}

/**
 * Policy enforcement point that wrappers call where a tool executes. Installed by
 * monitor() when policies are configured; wrappers depend only on this interface.
 */
export interface ToolGuard {
  check(call: ToolCallCheck): Promise<ToolGuardDecision>;
  /** For calls the model merely requested: record-only, never blocks the model response. */
  observeRequested?(call: ToolCallCheck): void;
}

export function setToolGuard(guard: ToolGuard | undefined): void {
  wardenState().toolGuard = guard;
}

export function getToolGuard(): ToolGuard | undefined {
  return wardenState().toolGuard;
}
