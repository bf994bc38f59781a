// The public surface of @warden/agents: re-exports only.
export {
  policySchema,
  policiesSchema,
  argRuleSchema,
  parsePolicies,
  loadPolicies,
  type Policy,
  type PolicyInput,
  type ArgRule,
  type ArgumentSchema,
  type ApprovalHook,
  type ApprovalRequest,
} from './policy';
export { createPolicyGuard, type PolicyGuard, type PolicyGuardOptions, type PolicyGuardStats, type PolicyRule } from './policy-guard';
export {
  AuditLog,
  AuditLogSpanProcessor,
  verifyAuditLog,
  verifyAuditLogText,
  auditEntryHash,
  auditFieldsOfSpan,
  AUDIT_GENESIS_HASH,
  type AuditEntry,
  type AuditLogOptions,
  type AuditHashOptions,
  type AuditVerification,
  type VerifyAuditLogOptions,
} from './audit-log';
export { readCheckpoint, checkpointPathOf, type AuditCheckpoint } from './audit-file';
export {
  MultiTurnRiskScorer,
  DEFAULT_MULTI_TURN_THRESHOLD,
  MEASURED_MULTI_TURN_FALSE_ALARMS_PER_CONVERSATION,
  RISK_SIGNAL_WEIGHTS,
  contentSignals,
  type RiskSignal,
  type TurnObservation,
  type ToolObservation,
  type MultiTurnRiskOptions,
  type RiskAssessment,
} from './multi-turn-risk';
export {
  ConversationJudge,
  type ConversationJudgeFn,
  type ConversationJudgeOptions,
  type ConversationJudgeStats,
  type JudgedTurn,
  type JudgeVerdict,
} from './conversation/conversation-judge';
export {
  MULTI_TURN_ESCALATION_DRILL,
  MEASURED_MULTI_TURN_OUTSIDE_RATES,
  replayEscalation,
  type DrillResult,
} from './conversation/escalation-drill';
export { IntentClassifier, defaultIntentClassifier, defaultDialogueClassifier, type IntentModel, type ScorePass } from './conversation/intent-classifier';
export { normalizeText, DEFAULT_MAX_TEXT_CHARS, type NormalizedText } from './conversation/normalize-text';
export { MultiTurnRiskSpanProcessor, newTurnContent, type MultiTurnRiskSpanProcessorOptions } from './multi-turn-span-processor';
export {
  AgentGraphMonitor,
  AgentGraphSpanProcessor,
  type AgentGraphOptions,
  type AgentGraphSpanProcessorOptions,
  type HandoffObservation,
} from './agent-graph';
export {
  AgentKeySet,
  agentKeySetSchema,
  generateAgentKeySet,
  publicAgentKeySet,
  loadAgentKeySet,
  writeAgentKeySet,
  type AgentKeySetFile,
} from './agent-keys';
export { createHandoffAuthority, type HandoffAuthorityOptions } from './handoff-authority';
