export * from './semconv';
export type { Alert, AlertSubject, CallRecord, ControlId, Severity } from './types';
export { CONTROL_IDS } from './types';
export { ALERT_KINDS, ALERT_KIND_CONTROLS, controlsForKind, isAlertKind, type AlertKind } from './alert-kinds';
export { callRecordFromSpan, AI_SDK_ATTR } from './call-record';
export {
  hrTimeToMs,
  parentSpanIdOf,
  stringAttr,
  numberAttr,
  stringListAttr,
  type FinishedSpan,
  type FinishedSpanEvent,
  type EndingSpan,
  type WardenSpanProcessor,
} from './finished-span';
export {
  decodeOtlpTraces,
  hrTimeFromNanos,
  MalformedOtlpError,
  OtlpSpan,
  type OtlpEncoding,
  type OtlpSpanInit,
  type OtlpSpanEvent,
  type OtlpSpanContext,
  type DecodedSpan,
  type DecodedTraceRequest,
} from './otlp-decode';
export { canonicalJson } from './canonical-json';
export { alertEventAttributes } from './alert-event';
export { Redactor, DEFAULT_REDACTION_RULES, normalizeInvisible, type RedactionRule } from './redaction';
export { toBoundedJson } from './truncate';
export { boundedName, MAX_NAME_LENGTH } from './names';
export {
  resolveContentPolicy,
  CAPTURE_CONTENT_ENV,
  DEFAULT_MAX_CONTENT_LENGTH,
  type ContentCaptureOptions,
  type ContentPolicy,
  type InputMessage,
  type MessagePart,
  type OutputMessage,
} from './content';
export {
  setContentDefaults,
  reportInternalError,
  onInternalError,
  internalErrorCount,
  safely,
  type InternalErrorEvent,
} from './registry';
export { WardenError, WardenConfigError, UnsupportedClientError, PolicyDeniedError, HandoffRefusedError } from './errors';
export {
  runInDrill,
  activeDrill,
  isDrillSpan,
  DrillCollector,
  ATTR_WARDEN_DRILL,
  ATTR_WARDEN_DRILL_RUN,
  DRILL_CANARY_PREFIX,
  type DrillScope,
  type DrillResult,
} from './drill-scope';
export {
  generateEd25519KeyPair,
  parseEd25519PublicKey,
  parseEd25519PrivateKey,
  ed25519KeysMatch,
  signEd25519,
  verifyEd25519,
  type Ed25519KeyPairPem,
} from './signing';
export {
  setHandoffAuthority,
  getHandoffAuthority,
  handoffMessage,
  formatHandoffToken,
  parseHandoffToken,
  attestAgent,
  isAttestedAgent,
  type HandoffAuthority,
  type HandoffClaim,
  type HandoffCheck,
  type HandoffVerdict,
} from './handoff';
export {
  getActiveAgent,
  setActiveAgent,
  withAgent,
  toAgentIdentity,
  resolveAgent,
  type AgentIdentity,
} from './agent-context';
export { withTask, getActiveTask, taskScopeViolation, taskEvidence, type TaskScope, type WithTaskOptions } from './task-scope';
export { setToolGuard, getToolGuard, type ToolGuard, type ToolCallCheck, type ToolGuardDecision } from './guard';
export {
  enforceToolPolicy,
  observeRequestedTools,
  recordPolicyDecision,
  policyDecisionOf,
  violationDecision,
  POLICY_DECISIONS,
  type PolicyDecision,
  type PolicyMode,
} from './tool-policy';
export { recordSpanFailure, errorTypeOf, errorCodesOf, errorSummary, type ErrorCodes } from './span-failure';
export {
  ModelCallSpan,
  startModelCallSpan,
  adoptModelCallSpan,
  agentAttributes,
  type ModelCallStart,
  type ModelRequestParams,
  type ModelResponse,
  type ModelUsage,
  type RequestedToolCall,
  type StreamOutcome,
} from './model-call-span';
export { StreamWatch, DEFAULT_STREAM_IDLE_TIMEOUT_MS, type StreamWatchHooks, type StreamWatchOptions } from './stream-watch';
export { wardenTracer, WARDEN_VERSION } from './tracer';
export {
  publishWardenEvent,
  onWardenEvent,
  publishAlert,
  newAlertId,
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
export { traceModelCall, toWrapperSettings, type WrapperSettings, type ModelCallPlan, type StreamAccumulator } from './sdk-model-call';
export { observeApiPromise, type ApiPromiseObserver } from './sdk-api-promise';
export { watchSdkStream, isSdkStream, type SdkStreamHooks } from './sdk-stream';
export { agentIdentitySchema, checkWrapOptions, validateIntegrationOptions, type WrapOptions } from './wrap-options';
export { asDict, asArray, asString, asNumber, parseArguments, appendBounded, type Dict } from './loose-json';
export { parseConfig, configPath } from './config-schema';
export { printable, visibleInvisibles } from './printable';
