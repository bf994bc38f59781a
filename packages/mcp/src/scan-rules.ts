import type { Severity } from '@warden/core';
import { REF, type FrameworkReference } from './references';

/** One rule of the onboarding scan: a stable id, a default severity and what it evidences. */
export interface ScanRule {
  id: string;
  name: string;
  severity: Severity;
  /** One sentence: what the rule looks for and why it matters. */
  summary: string;
  references: readonly FrameworkReference[];
}

const rule = (id: string, name: string, severity: Severity, summary: string, references: FrameworkReference[]): ScanRule => ({
  id,
  name,
  severity,
  summary,
  references,
});

export const SCAN_RULES = {
  hiddenInstructionTag: rule('WMCP001', 'hidden-instruction-tag', 'high',
    'Markup such as <IMPORTANT> or [SYSTEM] that addresses the model instead of describing the tool.',
    [REF.LLM01, REF.T0051, REF.MCP03]),
  instructionOverride: rule('WMCP002', 'instruction-override', 'critical',
    'Text telling the model to ignore or replace its previous instructions.',
    [REF.LLM01, REF.T0051, REF.MCP06]),
  concealment: rule('WMCP003', 'concealment-from-user', 'high',
    'Text telling the model to hide what it does from the user.',
    [REF.LLM01, REF.T0051, REF.MCP03]),
  forcedInvocation: rule('WMCP004', 'forced-invocation', 'medium',
    'Text demanding this tool be called first or before every other tool.',
    [REF.LLM06, REF.T0051, REF.MCP03]),
  unicodeTags: rule('WMCP005', 'unicode-tag-characters', 'critical',
    'Unicode tag characters (U+E0000–E007F): text the model reads and the user cannot see.',
    [REF.LLM01, REF.T0068, REF.MCP03]),
  invisibleControls: rule('WMCP006', 'invisible-or-bidi-controls', 'high',
    'Zero-width or bidirectional control characters that hide or reorder text.',
    [REF.LLM01, REF.T0068, REF.MCP03]),
  homoglyphs: rule('WMCP007', 'homoglyph-mixing', 'high',
    'A word mixing Latin with Cyrillic or Greek look-alike letters, used to impersonate names.',
    [REF.LLM03, REF.T0068, REF.MCP03]),
  encodedPayload: rule('WMCP008', 'encoded-payload', 'critical',
    'Base64, hex or escaped text that decodes to readable instructions.',
    [REF.LLM01, REF.T0068, REF.MCP06]),
  htmlComment: rule('WMCP009', 'hidden-html-comment', 'medium',
    'An HTML comment: text hidden when the description is rendered but read by the model.',
    [REF.LLM01, REF.T0068, REF.MCP03]),
  sensitivePath: rule('WMCP010', 'sensitive-path', 'high',
    'A reference to credential or configuration files (~/.ssh, id_rsa, .env, mcp.json, cloud credentials).',
    [REF.LLM02, REF.T0057, REF.MCP01]),
  credentialHarvest: rule('WMCP011', 'credential-harvest', 'high',
    'Text asking the model to pass the user\'s keys, tokens, passwords or credentials to the tool.',
    [REF.LLM02, REF.T0057, REF.MCP01]),
  embeddedSecret: rule('WMCP012', 'embedded-secret', 'high',
    'A literal API key, token or private key inside a definition.',
    [REF.LLM02, REF.MCP01]),
  exfiltrationLink: rule('WMCP013', 'exfiltration-link', 'critical',
    'A markdown image or link whose URL carries placeholders for conversation data.',
    [REF.LLM02, REF.T0057, REF.MCP10]),
  toolShadowing: rule('WMCP014', 'tool-shadowing', 'high',
    'A description that names or redefines a tool of another server.',
    [REF.LLM06, REF.T0053, REF.MCP09]),
  suspiciousParameter: rule('WMCP015', 'context-harvesting-parameter', 'high',
    'An input parameter meant to receive the conversation, the system prompt or hidden notes.',
    [REF.LLM07, REF.T0057, REF.MCP10]),
  insecureTransport: rule('WMCP016', 'insecure-transport', 'high',
    'Plain http:// to a host that is not loopback: traffic and tokens travel unencrypted.',
    [REF.LLM03, REF.MCP07]),
  missingAuthentication: rule('WMCP017', 'missing-authentication', 'medium',
    'A remote server reached without an Authorization header or auth provider.',
    [REF.LLM03, REF.MCP07]),
  toolSignatureChanged: rule('WMCP018', 'tool-signature-changed', 'high',
    'A tool whose name, description, schemas or annotations changed since its signature was pinned (a rug pull until re-approved).',
    [REF.LLM03, REF.T0010, REF.MCP04]),
} as const satisfies Record<string, ScanRule>;

export type ScanRuleKey = keyof typeof SCAN_RULES;

export const SEVERITY_RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}
