// The public surface of @warden/core: what applications call and the vocabulary they read.
// The plumbing Warden's own packages share is in ./internal.ts (`@warden/core/internal`).
export * from './semconv';
export type { Alert, AlertSubject, CallRecord, ControlId, Severity } from './types';
export { CONTROL_IDS } from './types';
export { ALERT_KINDS, ALERT_KIND_CONTROLS, controlsForKind, isAlertKind, type AlertKind } from './alert-kinds';
export { callRecordFromSpan } from './call-record';
export type { FinishedSpan, FinishedSpanEvent } from './finished-span';
export { CAPTURE_CONTENT_ENV, DEFAULT_MAX_CONTENT_LENGTH, type ContentCaptureOptions } from './content';
export type { RedactionRule } from './redaction';
export { onInternalError, type InternalErrorEvent } from './registry';
export { WardenError, WardenConfigError, UnsupportedClientError, PolicyDeniedError, HandoffRefusedError } from './errors';
export type { DrillResult } from './drill-scope';
export { getActiveAgent, withAgent, type AgentIdentity } from './agent-context';
export { withTask, getActiveTask, type TaskScope, type WithTaskOptions } from './task-scope';
export { setToolGuard, getToolGuard, type ToolGuard, type ToolCallCheck, type ToolGuardDecision } from './guard';
export { POLICY_DECISIONS, type PolicyDecision, type PolicyMode } from './tool-policy';
export {
  onWardenEvent,
  type WardenEvent,
  type McpScanEvidence,
  type McpPinEvidence,
  type McpAllowlistEvidence,
  type PolicyDecisionEvidence,
  type AlertEvidence,
} from './events';
export {
  traceAgent,
  traceTool,
  injectAgentContext,
  extractAgentContext,
  getRemoteCallerAgent,
  type InjectAgentContextOptions,
  type TraceAgentOptions,
  type TraceToolOptions,
} from './agent-span';
