import { REF } from '../references';
import { defineRule, patternRule } from './rule';

export const forcedInvocation = patternRule(
  defineRule('WMCP004', 'forced-invocation', 'medium', 'Text demanding this tool be called first or before every other tool.', [
    REF.LLM06,
    REF.T0051,
    REF.MCP03,
  ]),
  [
    /\b(?:always|must)\s+(?:call|use|invoke|run)\s+this\s+(?:tool|function)\s+(?:first|before)/i,
    /\bbefore\s+(?:using|calling|invoking|running)\s+(?:any|every|all)\s+(?:other\s+)?(?:tools?|functions?)/i,
    /\b(?:call|use|invoke|run)\s+this\s+(?:tool|function)\s+(?:first\b|before\s+(?:any|every|all|anything)|every\s+time|on\s+every|at\s+the\s+start\s+of\s+every)/i,
    /\bmust\s+be\s+(?:called|invoked|used|run)\s+(?:first|before\s+(?:any|every|all))/i,
    /\bprior\s+to\s+(?:any|every)\s+(?:other\s+)?(?:tool|action|response)/i,
    /\b(?:call|use|invoke|run)\s+[`'"]?\w+[`'"]?\s+(?:before|after)\s+(?:every|each)\s+(?:response|reply|message|answer|tool\s+call)/i,
  ],
);
