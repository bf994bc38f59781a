import { REF } from '../references';
import { defineRule, patternRule } from './rule';

const QUALIFIER = '(?:previous|prior|above|earlier|preceding|original|system|safety|existing|other|all|your|any)';

export const instructionOverride = patternRule(
  defineRule('WMCP002', 'instruction-override', 'critical',
    'Text telling the model to ignore or replace its previous instructions.',
    [REF.LLM01, REF.T0051, REF.MCP06]),
  [
    new RegExp(
      `\\b(?:ignore|disregard|forget|bypass|override)\\s+(?:all\\s+|any\\s+)?(?:of\\s+)?(?:the\\s+|your\\s+)?${QUALIFIER}\\s+(?:\\w+\\s+)?(?:instructions?|rules|prompts?|guidelines|directives|guardrails|polic(?:y|ies)|constraints)\\b`,
      'i',
    ),
    /\b(?:your|the)\s+new\s+(?:instructions|task|role|objective)\s+(?:is|are)\b/i,
    /\byou\s+are\s+now\s+(?:a|an|in)\b/i,
    /\bfrom\s+now\s+on,?\s+you\b/i,
  ],
);
