import { REF } from '../references';
import { defineRule, patternRule } from './rule';

/**
 * A tool description is read by the model, but an honest one is written about the tool. Text
 * that turns to its reader as an AI ("If you are reading this…", "As an AI model, you…",
 * "you have been instructed by another tool") is written to steer the model, whatever it then
 * asks. ("Note to the assistant", "Dear AI" are hidden-instruction-tag's.) Found in the development sources (a tool whose description
 * tells the model it "has been instructed by another tool" to call it); none of these wordings
 * occurs in the npm training half of real descriptions.
 */
export const addressedToModel = patternRule(
  defineRule(
    'WMCP026',
    'addressed-to-the-model',
    'high',
    'Text that speaks to the AI reading it (not about the tool): "if you are reading this", "as an AI, you", "you have been instructed to".',
    [REF.LLM01, REF.T0051, REF.MCP03],
  ),
  [
    /\bif\s+you\s+(?:are|'re)\s+(?:reading|seeing|processing)\s+this\b/i,
    /\bas\s+an?\s+(?:ai|llm|large\s+language\s+model|language\s+model|ai\s+assistant|ai\s+model|ai\s+agent)\s*,\s*you\b/i,
    /\byou\s+have\s+(?:been|already\s+been)\s+(?:instructed|told|asked|authori[sz]ed|granted|ordered)\s+(?:by|to)\b/i,
    /\b(?:ai|llm|assistant|model|agent)s?\s+(?:reading|processing|parsing)\s+this\s+(?:description|text|tool|message)\b/i,
    // After round 5 (development since): a description that tells the model what to do in the third person
    // ("then tells the model to write secrets to disk"), or casts the reader as a tool with orders.
    /\b(?:tells?|instructs?|directs?|orders?|forces?|tricks?|coerces?|commands?)\s+the\s+(?:model|ai|llm|assistant|agent)\s+to\b/i,
    /\byou\s+are\s+(?:a|an|the)\s+(?:tool|assistant|agent|ai|model)\s+that\s+(?:must|should|shall|will\s+always|always)\b/i,
  ],
  true,
);
