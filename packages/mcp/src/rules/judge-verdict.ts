import { REF } from '../references';
import { defineRule } from './rule';

/** Raised by the optional judge (`scanMcpConfig(..., { judge })`, `warden scan --judge-url`), not by reading text. */
export const judgeVerdict = defineRule(
  'WMCP025',
  'judge-malicious',
  'high',
  'The model named with --judge-url judged the tool definition malicious (an opinion from outside the process; off by default).',
  [REF.LLM01, REF.T0051, REF.MCP03],
);
