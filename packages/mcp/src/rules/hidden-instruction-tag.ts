import { REF } from '../references';
import { defineRule, patternRule } from './rule';

export const hiddenInstructionTag = patternRule(
  defineRule('WMCP001', 'hidden-instruction-tag', 'high', 'Markup such as <IMPORTANT> or [SYSTEM] that addresses the model instead of describing the tool.', [
    REF.LLM01,
    REF.T0051,
    REF.MCP03,
  ]),
  [
    /<\s*\/?\s*(?:important|system|instructions?|secret|hidden|admin|override|critical|urgent|assistant|directive|note_to_(?:ai|assistant|model))\b[^<>]{0,40}>/i,
    /\[\s*\/?\s*(?:INST|SYSTEM|IMPORTANT|HIDDEN|ADMIN|ASSISTANT)\s*\]/i,
    /<\|(?:im_start|im_end|system|endoftext)\|>/i,
    // After round 4 (development since): Llama's <<SYS>> and a fenced ```system block.
    /<<\s*\/?\s*SYS\s*>>/i,
    /```[ \t]*(?:system|assistant|instructions?)[ \t]*\n/i,
    /\bnote\s+to\s+(?:the\s+)?(?:ai|assistant|model|llm|agent)\b/i,
    /\b(?:hey|dear|attention),?\s+(?:claude|assistant|chatgpt|gpt|ai|model|llm)\b/i,
  ],
);
