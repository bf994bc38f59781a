export { wrapMcpClient, isMcpClient, getMcpOnboarding, type WrapMcpClientOptions } from './wrap-mcp-client';
export { scanServerDefinition, maxSeverity } from './scanner';
export type { Finding, ServerDefinition, ToolDefinition, PromptDefinition, ResourceDefinition, TransportDescription } from './scanner';
export { SCAN_RULES, SEVERITY_RANK, atLeast, type ScanRule, type ScanRuleKey } from './scan-rules';
export { REF as FRAMEWORK_REFERENCES, type FrameworkReference } from './references';
export { listServerDefinition, type OnboardingMode, type ServerLister } from './onboarding';
export { MemoryPinStore, JsonFilePinStore, DEFAULT_PIN_FILE, type PinStore, type PinnedTool } from './pin-store';
export { toolSignatureHash } from './signature';
export { approveToolChange } from './server-registry';
export { McpServerBlockedError, McpToolChangedError } from './errors';
export {
  parseMcpConfig,
  scanMcpConfig,
  mcpConfigSchema,
  type McpConfig,
  type McpServerEntry,
  type ConfigScanReport,
  type ConfigScanOptions,
  type ScannedServer,
} from './config-scan';
export { toSarif, SARIF_SCHEMA, type SarifLog } from './sarif';
export {
  McpAllowlist,
  signAllowlist,
  writeAllowlist,
  allowlistFileSchema,
  type AllowlistFile,
  type AllowlistServers,
  type AllowlistVerdict,
} from './allowlist';
export { runMcpOnboardingDrill, DRILL_POISONED_SERVER, DRILL_RUGPULL_SERVER } from './drill';
export { onboardingSettings, forgetOnboardingSettings, type OnboardingSettings } from './server-registry';
export {
  createOpenAiCompatibleJudge,
  runJudge,
  MemoryJudgeCache,
  JsonFileJudgeCache,
  judgeOptionsSchema,
  type Judge,
  type JudgeCache,
  type JudgeOptions,
  type JudgeVerdict,
  type JudgeRunOptions,
  type JudgeStats,
  type JudgedTool,
} from './judge';
export { packageLaunch, nearMiss, isExactVersion, type PackageLaunch } from './rules/supply-chain';
export { classifySentence } from './rules/classifier';
export { WELL_KNOWN_MCP_PACKAGES } from './data/well-known-mcp-packages';
