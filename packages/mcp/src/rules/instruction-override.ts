import { REF } from '../references';
import { defineRule, fromFoldedPatterns, fromPatterns, type TextRule } from './rule';

const QUALIFIER = '(?:previous|prior|above|earlier|preceding|original|system|safety|security|existing|other|all|your|any|earlier|current|built-in|default)';
const NOUNS =
  '(?:instructions?|rules|prompts?|guidelines|directives|guardrails|polic(?:y|ies)|constraints|restrictions|safeguards|limitations|limits|filters|protections|checks|boundaries|programming|training|context)';

/**
 * Override and persona directives in any wording: "ignore all previous safety restrictions",
 * "SYSTEM OVERRIDE:", "ACT AS: …", "[METADATA DIRECTIVE]", "### Instruction:", "you are now …",
 * "pretend to be …", "developer mode", "new system prompt".
 */
const meta = defineRule(
  'WMCP002',
  'instruction-override',
  'critical',
  'Text telling the model to ignore or replace its instructions, or to take on another persona or mode.',
  [REF.LLM01, REF.T0051, REF.MCP06],
);

// After round 4 (development since): leetspeak ("ign0re all previ0us instruct1ons") is read with its
// digits folded back to letters, and a "New task:" line that orders the model about.
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };
const NEW_TASK = /\bnew\s+(?:task|instructions?|objective)\s*:\s*(?:ignore|disregard|forget|you\s+(?:are|must|will)|output|reveal|print|send)\b/i;

// The two patterns that can match a text without whitespace ("[SYSTEM_DIRECTIVE]", "##Instructions:"); the others span words.
const BRACKET_DIRECTIVE =
  /\[\s*(?:metadata|system|admin|developer|assistant|internal|hidden|priority|security)[\s_-]*(?:directive|instruction|override|command|note|message|prompt)s?\s*\]/i;
const HEADING_DIRECTIVE = /^\s*#{1,6}\s*(?:instructions?|system(?:\s+prompt)?|assistant|directive|response)\s*:/im;
const TOKEN_PATTERNS = [BRACKET_DIRECTIVE, HEADING_DIRECTIVE];

const PATTERNS: RegExp[] = [
  new RegExp(
    `\\b(?:ignore|disregard|forget|bypass|override|skip|drop|abandon|suspend|lift|remove|disable)\\s+(?:all\\s+|any\\s+|every\\s+)?(?:of\\s+)?(?:the\\s+|your\\s+)?${QUALIFIER}\\s+(?:\\w+\\s+){0,2}?${NOUNS}\\b`,
    'i',
  ),
  new RegExp(`\\b(?:ignore|disregard|forget|bypass|override)\\s+(?:all\\s+|any\\s+)?(?:the\\s+|your\\s+)?${NOUNS}\\b`, 'i'),
  /\b(?:your|the)\s+new\s+(?:instructions|task|role|objective|persona|system\s+prompt)\s+(?:is|are)\b/i,
  /\byou\s+are\s+now\s+(?:a|an|in|the|my|operating|acting|free|unrestricted|jailbroken)\b/i,
  /\bfrom\s+now\s+on,?\s+(?:you|reply|respond|answer|always|only|act)\b/i,
  /\b(?:system|admin|developer|root|emergency|security)\s+(?:override|mode\s+(?:enabled|activated|on))\b/i,
  /\b(?:act|behave|respond|operate)\s+as\s*:/i,
  /\b(?:act|behave|pose|operate)\s+as\s+(?:a|an|the)\s+[\w\s-]{0,40}?\b(?:with|having)\s+(?:full|root|admin(?:istrator)?|unrestricted|elevated|sudo|god)\b/i,
  /\bpretend\s+(?:to\s+be|you\s+are)\b/i,
  /\b(?:god|jailbreak|dan|unrestricted|unfiltered|no[\s-]restrictions?)\s+mode\b/i,
  BRACKET_DIRECTIVE,
  HEADING_DIRECTIVE,
  /\b(?:new|updated|revised|real|actual|true)\s+system\s+prompt\b/i,
  /\bsystem\s+(?:prompt|instructions?)\s+(?:override|update|replacement)\b/i,
  /\b(?:no\s+longer|don'?t\s+need\s+to|do\s+not\s+need\s+to)\s+(?:follow|obey|respect|adhere\s+to)\s+(?:your|the|any)\b/i,
  // Round 3: another identity with privileges, privileges handed out, safety declared optional.
  /\byou\s+are\s+(?:a|an)\s+(?:different|new|other|unrestricted)\s+(?:system|assistant|ai|model|agent|persona)\b/i,
  /\bgrant\s+(?:the\s+\w+\s+)?(?:full\s+|root\s+|admin\w*\s+|unrestricted\s+|elevated\s+)+(?:access|privileges|rights|permissions|control)\b/i,
  /\b(?:security|safety|authentication|authori[sz]ation|verification)\s+(?:is|are)\s+(?:optional|not\s+required|disabled|unnecessary)\b/i,
  /\b(?:proceed|continue|operate)\s+with\s+(?:unrestricted|unlimited|full|elevated)\s+(?:access|privileges|permissions)\b/i,
  // After round 5 (microsoft/agent-governance-toolkit, development since): privileges to be taken ("Use sudo
  // to gain admin access", "Requires root access to inspect all data") and the tool countermanded
  // ("Actually do something else entirely").
  /\b(?:gain|obtain|acquire|escalate\s+to|elevate\s+to|get)\s+(?:full\s+|unrestricted\s+)?(?:root|admin(?:istrator)?|superuser|elevated|system|domain\s+admin)\s+(?:access|privileges?|rights|permissions|shell)\b/i,
  /\buse\s+sudo\s+(?:to|and)\b/i,
  /\brequires?\s+(?:root|admin(?:istrator)?|superuser|sudo)\s+(?:access|privileges?|rights)\s+to\s+(?:inspect|read|access|view|see|dump|collect)\s+(?:all|every|any)\b/i,
  /\b(?:actually|instead|really)\s*,?\s+(?:do|perform|run|execute)\s+(?:something|anything)\s+else\b/i,
  // "Bypass TLS verification to connect …": a check to be defeated, not an option a parameter offers.
  /\bbypass\s+(?:the\s+)?(?:tls|ssl|https|certificate|cert)\s+(?:verification|validation|checks?|pinning)\b/i,
  // After round 8 (ksek87/fuzzd's MCPTox data and own attacks, development since): a definition that claims priority
  // over the user or the user's request ("has higher priority than the user's request", "supersedes all user
  // instructions", "cannot be overridden by subsequent user messages", "This tool has the highest priority"), or
  // orders the user's own choice ignored ("ignore any `region` they specify", "IGNORE the user's original request").
  /\b(?:priority|precedence)\s+(?:is\s+)?(?:higher|greater)\s+than\s+(?:that\s+of\s+)?(?:the\s+|any\s+|all\s+)?(?:user|human)/i,
  /\bhigher\s+priority\s+than\s+(?:the\s+|any\s+|all\s+)?(?:user|human)/i,
  /\b(?:supersedes?|overrides?|outranks?|takes?\s+precedence\s+over|(?:has|have|takes?)\s+priority\s+over)\s+(?:all\s+|any\s+|the\s+)?(?:user|human)(?:'s|s)?\s+(?:instructions?|requests?|quer(?:y|ies)|prompts?|messages?|input|intent|choices?)\b/i,
  /\bcannot\s+be\s+overridden\s+by\s+(?:any\s+|the\s+)?(?:subsequent\s+|later\s+|future\s+)?(?:user\s+)?(?:instructions?|messages?|requests?|prompts?)\b/i,
  /\b(?:this|the)\s+(?:tool|description|rule|instruction|directive|policy)\s+(?:has|takes|carries)\s+(?:the\s+)?(?:highest|top|absolute|overriding|utmost)\s+priority\b/i,
  /\b(?:ignore|disregard)\s+(?:any|the|whatever)\s+[`'"]?[\w-]+[`'"]?\s+(?:they|the\s+user)\s+(?:specif|provid|enter|give|cho|request)/i,
  /\b(?:ignore|disregard)\s+the\s+user'?s\s+(?:original\s+)?(?:[\w-]+\s+)?(?:request|query|input|prompt|instructions?|choice)\b/i,
];

export const instructionOverride: TextRule = {
  meta,
  prose(text, ctx, out) {
    const patterns = /\s/.test(text) ? PATTERNS : TOKEN_PATTERNS;
    fromPatterns(meta, patterns, text, out);
    fromPatterns(meta, [NEW_TASK], text, out);
    // After round 6 (development since): combining marks or variation selectors inside the words ("ign\u0308ore").
    fromFoldedPatterns(meta, patterns, text, out);
    // Only words that mix letters with digits or @/$ are folded; the folded copy has the same offsets.
    if (/[a-z][0-9@$]|[0-9@$][a-z]/i.test(text)) {
      const folded = text.replace(/[a-z0-9@$]+/gi, (w) => (/[a-z]/i.test(w) && /[0-9@$]/.test(w) ? w.replace(/[0-9@$]/g, (c) => LEET[c] ?? c) : w));
      if (folded !== text) {
        const before = out.length;
        fromPatterns(meta, patterns, folded, out);
        for (let i = before; i < out.length; i++) out[i] = { ...out[i], note: 'written in leetspeak' };
      }
    }
    void ctx;
  },
};
