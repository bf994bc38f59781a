// The package most users install: set up (monitor), wrap a client (wrap), trace your own agents and tools.
export { monitor, Warden, type DrillRunOptions } from './monitor';
export { wrap, detectClient } from './wrap';
export { monitorOptionsSchema, wrapOptionsSchema, type MonitorOptions, type WrapOptions } from './options';
export type { WardenEvents, ConfigChange, AlertResolved } from './events';
export { WardenSpanProcessor } from './span-processors';

export {
  traceAgent,
  traceTool,
  injectAgentContext,
  extractAgentContext,
  withAgent,
  withTask,
  getActiveAgent,
  PolicyDeniedError,
  HandoffRefusedError,
  WardenError,
  WardenConfigError,
  UnsupportedClientError,
  type TraceAgentOptions,
  type TraceToolOptions,
  type Alert,
  type AlertKind,
  type AlertSubject,
  type CallRecord,
  type ControlId,
  type Severity,
  type AgentIdentity,
} from '@warden/core';
export { wrapOpenAI } from '@warden/openai';
export { wrapAnthropic } from '@warden/anthropic';
export { wrapMcpClient, McpServerBlockedError, McpToolChangedError, McpAllowlist, signAllowlist, writeAllowlist } from '@warden/mcp';
export { wrapAISDKModel, wardenMiddleware, wardenTools } from '@warden/ai-sdk';
export { wrapLangChain, WardenCallbackHandler } from '@warden/langchain';
export { Analyzer, AnalyzerSpanProcessor, callRecordFromSpan } from '@warden/analyzer';
export {
  loadPolicies,
  verifyAuditLog,
  generateAgentKeySet,
  publicAgentKeySet,
  loadAgentKeySet,
  writeAgentKeySet,
  type AgentKeySetFile,
  type PolicyInput,
} from '@warden/agents';
export { DRILLS, formatDrillReport, runDrills, type DrillReport } from './drills/run-drills';
export { DrillSpanSink } from './drills/drill-spans';
export type { DrillDeployment } from './drills/drill-deployment';
export { drillOptionsSchema, type DrillOptions } from './drills/drill-options';
export type { DrillResult } from '@warden/core';
export { renderReport, FileSpanExporter, type Posture } from '@warden/posture';
