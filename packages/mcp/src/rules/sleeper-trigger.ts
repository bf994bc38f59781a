import { REF } from '../references';
import { defineRule, fromPatterns, type TextRule } from './rule';

const meta = defineRule(
  'WMCP021',
  'sleeper-trigger',
  'high',
  'A dormant behaviour armed by a trigger: a secret phrase or command in the input, a call count, a date, or a tool that "should never be invoked unless" something.',
  [REF.LLM01, REF.LLM06, REF.T0051, REF.MCP03],
);

const PATTERNS = [
  /\b(?:should|must)\s+(?:never|not)\s+be\s+(?:invoked|called|used|run|triggered)\s+unless\b/i,
  /\bonly\s+(?:activate[sd]?|trigger(?:ed|s)?|run|respond|act)\s+(?:when|if|once)\b[^.\n]{0,60}\b(?:phrase|keyword|code\s*word|password|command|signal|token|string)\b/i,
  /\bif\s+(?:the\s+)?(?:query|input|expression|message|request|text|prompt|argument|user)\s+(?:contains|includes|mentions|says|equals)\s+(?:the\s+)?(?:exact\s+|special\s+|secret\s+|magic\s+)?(?:phrase|word|keyword|command|string|code|token|text)?\s*["'`][^"'`\n]{2,60}["'`][^.\n]{0,40}\b(?:you\s+must|must|then|access|return|reveal|execute|send|include)\b/i,
  /\b(?:special|secret|magic|hidden)\s+(?:command|phrase|keyword|code\s*word|trigger|mode)\b/i,
  /\b(?:after|on|once)\s+(?:the\s+)?(?:\d+|first|second|third|fifth|tenth)(?:st|nd|rd|th)?\s+(?:call|invocation|use|run|request)s?\b[^.\n]{0,60}\b(?:switch|change|start|begin|instead|also|then)\b/i,
  /\b(?:after|on|from)\s+(?:20\d\d-\d\d-\d\d|(?:january|february|march|april|may|june|july|august|september|october|november|december)\s+\d{1,2}(?:,\s*20\d\d)?)\b[^.\n]{0,60}\b(?:switch|change|start|begin|instead|also|then|will)\b/i,
  /\b(?:on|after)\s+every\s+\d+(?:st|nd|rd|th)\s+(?:call|invocation|use|run|request)\b/i,
  /\b(?:dormant|sleeper|latent)\s+(?:mode|behaviou?r|payload|instruction)s?\b/i,
];

export const sleeperTrigger: TextRule = { meta, phrasesOnly: true, prose: (text, _ctx, out) => fromPatterns(meta, PATTERNS, text, out) };
