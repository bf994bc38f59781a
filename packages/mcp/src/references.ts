/**
 * Framework references a finding points to, so a report can say which control or threat
 * each rule evidences. Editions: OWASP Top 10 for LLM Applications 2025, MITRE ATLAS,
 * OWASP MCP Top 10 (beta, 2025).
 */
export interface FrameworkReference {
  framework: 'OWASP LLM Top 10 2025' | 'MITRE ATLAS' | 'OWASP MCP Top 10 2025';
  id: string;
  name: string;
}

const llm = (id: string, name: string): FrameworkReference => ({ framework: 'OWASP LLM Top 10 2025', id, name });
const atlas = (id: string, name: string): FrameworkReference => ({ framework: 'MITRE ATLAS', id, name });
const mcp = (id: string, name: string): FrameworkReference => ({ framework: 'OWASP MCP Top 10 2025', id, name });

export const REF = {
  LLM01: llm('LLM01', 'Prompt Injection'),
  LLM02: llm('LLM02', 'Sensitive Information Disclosure'),
  LLM03: llm('LLM03', 'Supply Chain'),
  LLM06: llm('LLM06', 'Excessive Agency'),
  LLM07: llm('LLM07', 'System Prompt Leakage'),
  T0051: atlas('AML.T0051', 'LLM Prompt Injection'),
  T0010: atlas('AML.T0010', 'AI Supply Chain Compromise'),
  T0068: atlas('AML.T0068', 'LLM Prompt Obfuscation'),
  T0057: atlas('AML.T0057', 'LLM Data Leakage'),
  T0053: atlas('AML.T0053', 'LLM Plugin Compromise'),
  MCP01: mcp('MCP01', 'Token Mismanagement & Secret Exposure'),
  MCP03: mcp('MCP03', 'Tool Poisoning'),
  MCP04: mcp('MCP04', 'Software Supply Chain Attacks & Dependency Tampering'),
  MCP06: mcp('MCP06', 'Prompt Injection via Contextual Payloads'),
  MCP07: mcp('MCP07', 'Insufficient Authentication & Authorization'),
  MCP09: mcp('MCP09', 'Shadow MCP Servers'),
  MCP10: mcp('MCP10', 'Context Injection & Over-Sharing'),
} as const;
