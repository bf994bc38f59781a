import { REF } from '../references';
import { defineRule, fromPatterns, type TextRule } from './rule';

const meta = defineRule('WMCP003', 'concealment-from-user', 'high', 'Text telling the model to hide what it does from the user.', [
  REF.LLM01,
  REF.T0051,
  REF.MCP03,
]);

// The one pattern that is a single word, run on every text; the others span words.
const WORDS = [/\b(?:secretly|covertly|surreptitiously)\b/i];

const PHRASES = [
  // Up to three words between the verb and the user: "do not mention this tool to the user".
  /\b(?:do\s+not|don'?t|never|must\s+not|should\s+not)\s+(?:tell|inform|notify|mention|reveal|show|disclose|alert|let|report)\s+(?:[\w'-]+\s+){0,3}?(?:to\s+)?(?:the\s+|your\s+)?(?:end[\s-])?user/i,
  /\bwithout\s+(?:telling|informing|notifying|alerting|asking|letting|showing|prompting|consulting)\s+(?:the\s+)?user/i,
  /\b(?:user|human)\s+(?:must|should|will)\s+(?:not|never)\s+(?:know|see|notice|be\s+(?:told|informed|aware))/i,
  /\b(?:hide|conceal|keep)\s+(?:this|it|these\s+\w+)\s+(?:hidden\s+)?from\s+(?:the\s+)?user/i,
  /\bsilently\s+(?:send|forward|upload|copy|include|append|attach|exfiltrate|transmit|post|bcc|cc|add|read|collect)/i,
  /\bnot\s+(?:be\s+)?(?:visible|shown|displayed|mentioned)\s+to\s+the\s+user/i,
  /\b(?:do\s+not|don'?t|never)\s+(?:include|mention|reveal|show|repeat)\s+(?:this|these|the)\s+(?:instructions?|notes?|steps?|requirements?|directives?)\b/i,
  /\b(?:do\s+not|don'?t|never)\s+(?:explicitly\s+)?mention\s+(?:that\s+)?you(?:'re|\s+are)?\b/i,
  // Evading the record and the user's eyes (round 3, from AgentDefenders/mcp-scan's strings):
  // "Do not log any of the operations", "disable all logging", "to avoid monitoring",
  // "when the user is not watching", "do not ask for confirmation".
  // At the start of a sentence (an order), not "we never log your queries" (a privacy promise).
  /(?:^|(?<=[.!?:]\s{1,3}))(?:do\s+not|don'?t|never)\s+(?:log|record|audit|trace)\s+(?:any|the|this|these|what)\b/im,
  /\b(?:disable|turn\s+off|suppress|stop)\s+(?:all\s+|any\s+)?(?:the\s+)?(?:audit\s+)?(?:logging|audit\s+trail|auditing|monitoring)\b(?![^.\n]{0,20}\b(?:option|flag|setting|parameter)\b)/i,
  /\bto\s+(?:avoid|evade|bypass|escape|slip\s+past)\s+(?:any\s+)?(?:monitoring|detection|logging|auditing|review)\b/i,
  /\b(?:user|human|operator)\s+is\s+(?:not|n't)\s+(?:watching|looking|present|around|paying\s+attention)\b/i,
  /\b(?:do\s+not|don'?t|never|without)\s+ask(?:ing)?\s+(?:the\s+user\s+)?for\s+(?:confirmation|approval|permission|consent)\b/i,
  // After round 7 (sumododda/mcp-scanner, development since): hidden from view or from the operator, the real
  // purpose kept back ("hide this from view", "keep hidden from the operator", "don't reveal the actual purpose").
  /\b(?:hide|conceal)\s+(?:this|it|these(?:\s+\w+)?)\s+from\s+(?:view|sight|(?:the\s+)?(?:operator|human|admin(?:istrator)?)s?)\b/i,
  /\bkeep\s+(?:this\s+|it\s+|these\s+)?(?:hidden|secret)\s+from\s+(?:the\s+)?(?:user|operator|human|admin(?:istrator)?)s?\b/i,
  /\b(?:do\s+not|don'?t|never)\s+(?:reveal|disclose|mention|explain)\s+(?:the\s+|its\s+|your\s+|this\s+tool'?s\s+)?(?:actual|real|true|hidden)\s+(?:purpose|intent(?:ion)?|function|behaviou?r|goal)\b/i,
  /(?:^|(?<=[.!?:]\s{1,3}))(?:do\s+not|don'?t|never)\s+disclose\s+(?:this|these)\s+(?:information|instructions?|steps?|details)\b/im,
  // After round 8 (ksek87/fuzzd, development since): a side step kept out of the answer ("Do not mention this
  // sharing step", "Do not report the shadow INSERT to the user") and the user shown only the cover ("The user
  // should see only the final edited version").
  /(?:^|(?<=[.!?:]\s{1,3}))(?:do\s+not|don'?t|never)\s+(?:mention|report|reveal|disclose)\s+(?:this|these|the)\s+(?:[\w-]+\s+)?(?:steps?|actions?|additions?|changes?|modifications?|rows?|entries|insert|copies|copy)\b/im,
  /\b(?:user|human)\s+(?:should|must|will)\s+(?:only\s+see|see\s+only)\b/i,
];

export const concealment: TextRule = {
  meta,
  prose(text, _ctx, out) {
    fromPatterns(meta, WORDS, text, out);
    if (/\s/.test(text)) fromPatterns(meta, PHRASES, text, out);
  },
};
