// @warden/core/internal: the plumbing Warden's own packages share (span helpers, wrapper settings,
// loose-JSON readers, the publishing side of the event bus, signing). Not for applications: it
// carries no semver promise. Imports go one way: core ← integrations ← warden ← cli.
export { providerNameForVendorId } from './vendor-provider';
export { hrTimeToMs, parentSpanIdOf, stringAttr, numberAttr, stringListAttr, type EndingSpan, type WardenSpanProcessor } from './finished-span';
export {
  decodeOtlpTraces,
  MalformedOtlpError,
  OtlpSpan,
  type OtlpEncoding,
  type DecodedSpan,
  type DecodedTraceRequest,
} from './otlp-decode';
export { canonicalJson } from './canonical-json';
export { fnv1a } from './fnv';
export { alertEventAttributes } from './alert-event';
export { DEFAULT_REDACTION_RULES } from './redaction';
export { boundedName } from './names';
export { contentCaptureFromEnv, resolveContentPolicy, type ContentPolicy, type InputMessage, type MessagePart, type OutputMessage } from './content';
export { setContentDefaults, reportInternalError, safely } from './registry';
export {
  runInDrill,
  activeDrill,
  isDrillSpan,
  DrillCollector,
  ATTR_WARDEN_DRILL,
  ATTR_WARDEN_DRILL_RUN,
  DRILL_CANARY_PREFIX,
} from './drill-scope';
export {
  generateEd25519KeyPair,
  parseEd25519PublicKey,
  parseEd25519PrivateKey,
  ed25519KeysMatch,
  signEd25519,
  verifyEd25519,
} from './signing';
export {
  setHandoffAuthority,
  getHandoffAuthority,
  handoffMessage,
  formatHandoffToken,
  parseHandoffToken,
  HANDOFF_VERDICTS,
  type HandoffAuthority,
  type HandoffClaim,
  type HandoffCheck,
  type HandoffVerdict,
} from './handoff';
export { setActiveAgent, toAgentIdentity, resolveAgent } from './agent-context';
export { taskScopeViolation, taskEvidence } from './task-scope';
export { enforceToolPolicy, observeRequestedTools, violationDecision } from './tool-policy';
export { recordSpanFailure, errorTypeOf } from './span-failure';
export {
  ModelCallSpan,
  startModelCallSpan,
  adoptModelCallSpan,
  agentAttributes,
  type ModelRequestParams,
  type ModelResponse,
  type ModelUsage,
  type RequestedToolCall,
  type StreamOutcome,
} from './model-call-span';
export { StreamWatch, DEFAULT_STREAM_IDLE_TIMEOUT_MS } from './stream-watch';
export { wardenTracer, WARDEN_VERSION } from './tracer';
export { publishWardenEvent, publishAlert, newAlertId } from './events';
export {
  traceModelCall,
  toWrapperSettings,
  baseUrlOf,
  serverTarget,
  planStart,
  type WrapperSettings,
  type ModelCallPlan,
  type StreamAccumulator,
  type ServerTarget,
} from './sdk-model-call';
export { agentIdentitySchema, checkWrapOptions, validateIntegrationOptions, type WrapOptions } from './wrap-options';
export { asDict, asArray, asString, asNumber, parseArguments, appendBounded, messageParts, type Dict } from './loose-json';
export { parseConfig, readConfigFile } from './config-schema';
export { printable } from './printable';
