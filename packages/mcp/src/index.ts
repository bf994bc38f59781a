export { scanServerDefinition, maxSeverity } from './scanner';
export type { Finding, ServerDefinition, ToolDefinition, PromptDefinition, ResourceDefinition, TransportDescription } from './scanner';
export { SCAN_RULES, SEVERITY_RANK, atLeast, type ScanRule, type ScanRuleKey } from './scan-rules';
export { REF as FRAMEWORK_REFERENCES, type FrameworkReference } from './references';
