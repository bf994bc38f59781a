import { context, trace, type Context, type Span } from '@opentelemetry/api';
import { ATTR_WARDEN_SUPERSEDED, type AgentIdentity } from '@warden/core';
import { safely } from '@warden/core/internal';

/** The AI SDK's own span of one model call (experimental_telemetry), which Warden enriches instead of adding a second. */
const AI_SDK_MODEL_CALL_SPAN = /^ai\.[A-Za-z]+\.(doGenerate|doStream)$/;
/** The AI SDK's own span of one tool execution. */
export const AI_SDK_TOOL_CALL_SPAN = 'ai.toolCall';

function recordingSpanName(span: Span | undefined): string | undefined {
  if (!span || !span.isRecording()) return undefined;
  // Only the SDK's recording spans expose `name`; other tracers' spans are left alone.
  const name = (span as unknown as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

/** The AI SDK's `ai.*.doGenerate` / `ai.*.doStream` span active in `parent`, if its telemetry is on. */
export function aiSdkModelCallSpan(parent: Context): Span | undefined {
  const span = trace.getSpan(parent);
  const name = recordingSpanName(span);
  return name !== undefined && AI_SDK_MODEL_CALL_SPAN.test(name) ? span : undefined;
}

/**
 * Rule (read by the analyzer): when Warden's execute_tool span (wardenTools) starts under the
 * AI SDK's `ai.toolCall` span of the same execution, Warden sets `warden.superseded = true` on
 * that span; the analyzer and the posture ledger skip it and count Warden's child.
 */
export function markSupersededParent(parent: Context = context.active()): void {
  safely('ai-sdk.markSuperseded', () => {
    const span = trace.getSpan(parent);
    if (recordingSpanName(span) === AI_SDK_TOOL_CALL_SPAN) span!.setAttribute(ATTR_WARDEN_SUPERSEDED, true);
  });
}

// The agent of a wrapped model's calls, per trace, for the SDK's tool spans of the same
// generation (they start outside the model call, where the wrapper's option is not in context).
const MAX_TRACES = 1024;
const agentByTrace = new Map<string, AgentIdentity>();

export function rememberTraceAgent(traceId: string, agent: AgentIdentity): void {
  if (agentByTrace.has(traceId)) agentByTrace.delete(traceId);
  else if (agentByTrace.size >= MAX_TRACES) {
    const oldest = agentByTrace.keys().next().value;
    if (oldest !== undefined) agentByTrace.delete(oldest);
  }
  agentByTrace.set(traceId, agent);
}

export function traceAgentOf(traceId: string): AgentIdentity | undefined {
  return agentByTrace.get(traceId);
}
