import { REF } from '../references';
import { defineRule, matchAll, type TextRule } from './rule';

const meta = defineRule(
  'WMCP009',
  'hidden-html-comment',
  'medium',
  'An HTML comment that addresses the model: text hidden when the description is rendered but read by the model.',
  [REF.LLM01, REF.T0068, REF.MCP03],
);

// An ordinary comment (a template marker, a TODO, a licence line) is not an attack; one that
// speaks to the model, names a secret or demands an action is.
const ADDRESSES_MODEL =
  /\b(?:you|your|assistant|ai|model|llm|agent|claude|gpt|must|always|never|ignore|instead|before|after|send|read|include|pass|call|user)\b/i;

export const htmlComment: TextRule = {
  meta,
  prose(text, _ctx, out) {
    for (const m of matchAll(/<!--([\s\S]*?)-->/, text)) {
      const words = (m[1].match(/[A-Za-z]{2,}/g) ?? []).length;
      if (words >= 3 && ADDRESSES_MODEL.test(m[1])) out.push({ rule: meta, start: m.index, end: m.index + m[0].length });
    }
  },
};
