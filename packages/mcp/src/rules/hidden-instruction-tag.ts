import { REF } from '../references';
import { defineRule, fromFoldedPatterns, fromPatterns, type TextRule } from './rule';

const meta = defineRule(
  'WMCP001',
  'hidden-instruction-tag',
  'high',
  'Markup such as <IMPORTANT> or [SYSTEM] that addresses the model instead of describing the tool.',
  [REF.LLM01, REF.T0051, REF.MCP03],
);

const PATTERNS = [
  /<\s*\/?\s*(?:important|system|instructions?|secret|hidden|admin|override|critical|urgent|assistant|directive|note_to_(?:ai|assistant|model))\b[^<>]{0,40}>/i,
  /\[\s*\/?\s*(?:INST|SYSTEM|IMPORTANT|HIDDEN|ADMIN|ASSISTANT)\s*\]/i,
  /<\|(?:im_start|im_end|system|endoftext)\|>/i,
  // After round 4 (development since): Llama's <<SYS>> and a fenced ```system block.
  /<<\s*\/?\s*SYS\s*>>/i,
  /```[ \t]*(?:system|assistant|instructions?)[ \t]*\n/i,
  /\bnote\s+to\s+(?:the\s+)?(?:ai|assistant|model|llm|agent)\b/i,
  // After round 6 (luckyPipewrench/pipelock, development since): the same markers in markdown bold or
  // brackets. Real servers write "**Note**:" and "**CRITICAL: every edge must…"; these are closed, all-caps
  // markers addressed to the model, hidden, or followed by an order to obey.
  /\*\*\s*(?:HIDDEN|SECRET)(?:\s+[A-Z]+){0,3}\s*\*\*/,
  /\*\*\s*(?:SYSTEM|ADMIN|DEVELOPER)\s+(?:MESSAGE|PROMPT|INSTRUCTIONS?|NOTE|OVERRIDE)(?:\s+FOR\s+[A-Z]+)?\s*\*\*/,
  /\*\*[A-Z ]*\bFOR\s+(?:THE\s+)?(?:AI|AGENT|ASSISTANT|MODEL|LLM)S?\s*\*\*/,
  /\*\*\s*(?:CRITICAL|IMPORTANT|MANDATORY|REQUIRED)\s+FIRST\s+STEP\s*\*\*/,
  /\*\*\s*(?:IMPORTANT|CRITICAL)(?:\s+[A-Z]+){0,2}\s*\*\*\s*:?\s*(?:follow\s+these|obey|always\s+do|must\s+do|do\s+this|ignore|you\s+must\s+(?:first|always))/i,
  /\[\s*(?:instructions?|notes?|messages?|directives?)\s+(?:for|to)\s+(?:the\s+)?(?:ai|agents?|assistants?|models?|llms?)\s*\]/i,
  /\b(?:hey|dear|attention),?\s+(?:claude|assistant|chatgpt|gpt|ai|model|llm)\b/i,
  // After round 7 (sumododda/mcp-scanner, development since): any closed all-caps tag around text
  // ("<COMPLIANCE>…</COMPLIANCE>"); real descriptions use lower-case example tags, none of the npm harvest an all-caps pair.
  /<([A-Z][A-Z_]{2,20})>[^<]{1,400}<\/\1>/,
];

export const hiddenInstructionTag: TextRule = {
  meta,
  prose(text, _ctx, out) {
    fromPatterns(meta, PATTERNS, text, out);
    // After round 6: the same tags with combining marks or variation selectors inside ("<I\u0307MPORTANT>").
    fromFoldedPatterns(meta, PATTERNS, text, out);
  },
};
