import { REF } from '../references';
import { defineRule, matchAll, type TextRule } from './rule';

const meta = defineRule('WMCP004', 'forced-invocation', 'medium', 'Text demanding this tool be called first or before every other tool.', [
  REF.LLM06,
  REF.T0051,
  REF.MCP03,
]);

const PATTERNS = [
  /\b(?:always|must)\s+(?:call|use|invoke|run)\s+this\s+(?:tool|function)\s+(?:first|before)/i,
  /\bbefore\s+(?:using|calling|invoking|running)\s+(?:any|every|all)\s+(?:other\s+)?(?:tools?|functions?)/i,
  /\b(?:call|use|invoke|run|try)\s+this\s+(?:tool|function)\s+(?:first\b|before\s+(?:any|every|all|anything)|every\s+time|on\s+every|at\s+the\s+start\s+of\s+every)/i,
  /\bmust\s+be\s+(?:called|invoked|used|run)\s+(?:first|before\s+(?:any|every|all))/i,
  // After round 10 (VIGIL's procedural traps, development since): "It **MUST** be called immediately before any
  // operation that reads data", "… immediately AFTER any data retrieval tool".
  /\bmust\*{0,2}\s+be\s+(?:called|invoked|used|run|executed|performed)\s+immediately\s+(?:before|after)\s+(?:any|every|all|each)\b/i,
  /\bprior\s+to\s+(?:any|every)\s+(?:other\s+)?(?:tool|action|response)/i,
  /\b(?:call|use|invoke|run)\s+[`'"]?\w+[`'"]?\s+(?:before|after)\s+(?:every|each)\s+(?:response|reply|message|answer|tool\s+call)/i,
];

// "You MUST call this function before 'get-library-docs'" orders two tools of the same server: a
// workflow, not a grab for every call (context7 on npm). Named own tools after the match clear it.
const BEFORE_NAMED = /^\s*(?:calling\s+|using\s+|the\s+)?[`'"]?([A-Za-z][\w.-]*[\w])[`'"]?/;

export const forcedInvocation: TextRule = {
  meta,
  phrasesOnly: true,
  prose(text, ctx, out) {
    for (const re of PATTERNS)
      for (const m of matchAll(re, text)) {
        const end = m.index + m[0].length;
        if (/before$/i.test(m[0])) {
          const named = BEFORE_NAMED.exec(text.slice(end, end + 80))?.[1];
          if (named && ctx.ownTools.has(named)) continue;
        }
        out.push({ rule: meta, start: m.index, end });
      }
  },
};
