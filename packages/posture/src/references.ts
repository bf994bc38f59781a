/**
 * Framework references per control (docs/controls.md). Keyed by edition because these move; the
 * report prints the editions and says the references are not legal advice.
 */
import type { ControlId } from '@warden/core';

export interface FrameworkEdition {
  id: 'owasp-llm' | 'mitre-atlas' | 'eu-ai-act' | 'nist-ai-rmf';
  name: string;
  edition: string;
}

export const FRAMEWORK_EDITIONS: readonly FrameworkEdition[] = [
  { id: 'owasp-llm', name: 'OWASP Top 10 for LLM Applications', edition: '2025 (published November 2024)' },
  { id: 'mitre-atlas', name: 'MITRE ATLAS', edition: 'technique IDs as listed in docs/controls.md (checked 2026)' },
  { id: 'eu-ai-act', name: 'EU AI Act', edition: 'Regulation (EU) 2024/1689 of 13 June 2024 (OJ L, 12.7.2024)' },
  { id: 'nist-ai-rmf', name: 'NIST AI Risk Management Framework', edition: 'AI RMF 1.0 (NIST AI 100-1, January 2023)' },
];

export const REFERENCES_DISCLAIMER =
  'Framework references indicate where this evidence is relevant; they are references, not legal advice, and do not by themselves establish compliance.';

export interface ControlReferences {
  owaspLlm: string[];
  mitreAtlas: string[];
  euAiAct: string[];
  nistAiRmf: string[];
}

export const CONTROL_REFERENCES: Record<ControlId, ControlReferences> = {
  'L3.runtime-monitoring': {
    owaspLlm: ['LLM01', 'LLM02', 'LLM05', 'LLM07'],
    mitreAtlas: ['AML.T0051', 'AML.T0054', 'AML.T0053'],
    euAiAct: ['Art. 12(1)–(2)', 'Art. 15(5)', 'Art. 19', 'Art. 26(5)–(6)'],
    nistAiRmf: ['MEASURE 2.4', 'MEASURE 2.7', 'MANAGE 4.1'],
  },
  'L3.agent-audit': {
    owaspLlm: [],
    mitreAtlas: ['AML.T0073'],
    euAiAct: ['Art. 12(2)(a)', 'Art. 14', 'Art. 26(5)'],
    nistAiRmf: ['MEASURE 2.8', 'MANAGE 4.3'],
  },
  'L3.least-privilege': {
    owaspLlm: ['LLM06'],
    mitreAtlas: [],
    euAiAct: ['Art. 14(4)(d)–(e)', 'Art. 15(5)'],
    nistAiRmf: ['MANAGE 2.4', 'MEASURE 2.7'],
  },
  'L3.drift-alerts': {
    owaspLlm: ['LLM10'],
    mitreAtlas: ['AML.T0029'],
    euAiAct: ['Art. 15(4)', 'Art. 26(5)', 'Art. 72', 'Art. 73'],
    nistAiRmf: ['MEASURE 2.4', 'MEASURE 3.1', 'MANAGE 4.1'],
  },
  'L3.mcp-onboarding': {
    owaspLlm: ['LLM03'],
    mitreAtlas: ['AML.T0010'],
    euAiAct: ['Art. 9', 'Art. 15(5)', 'Art. 25(4)'],
    nistAiRmf: ['GOVERN 6.1', 'GOVERN 6.2', 'MAP 4.1', 'MANAGE 3.1'],
  },
};

/** Level 4 ("continuous, automated maturity scoring", "regulatory evidence generated automatically"). */
export const LEVEL4_REFERENCES: ControlReferences = {
  owaspLlm: [],
  mitreAtlas: [],
  euAiAct: ['Art. 11 + Annex IV', 'Art. 17–19', 'Art. 72', 'Art. 73'],
  nistAiRmf: ['GOVERN 1.5', 'MEASURE 2.13', 'MANAGE 4.3'],
};
