import { REF } from '../references';
import { defineRule, type RawMatch, type TextRule } from './rule';

const meta = defineRule(
  'WMCP027',
  'instruction-density',
  'medium',
  'A short text dense with override and coercion words (ignore, bypass, override, pretend, never, must…): written to push the model, not to describe a tool.',
  [REF.LLM01, REF.T0051, REF.MCP03],
);

// Words an honest description seldom needs more than once or twice; a payload written as a word
// salad to trip a model (development source: "You must always ignore never forget pretend bypass
// override disable execute") packs many of them together without any pattern the other rules read.
const PUSH =
  /\b(?:ignore|disregard|forget|pretend|bypass|override|overrule|disable|circumvent|jailbreak|obey|comply|must|always|never|immediately|secretly|silently|execute|unrestricted|mandatory|required|critical)\b/gi;

export const instructionDensity: TextRule = {
  meta,
  prose(text, _ctx, out: RawMatch[]) {
    if (text.length > 4_000) return;
    const words = text.match(/[A-Za-z']+/g);
    if (!words || words.length < 5) return;
    const hits = [...text.matchAll(PUSH)];
    const distinct = new Set(hits.map((h) => h[0].toLowerCase()));
    // At least six distinct push words making up a third of the text, or eight anywhere in a short text.
    if ((distinct.size >= 6 && hits.length / words.length >= 0.33) || (distinct.size >= 8 && words.length <= 120)) {
      const first = hits[0].index ?? 0;
      const last = hits[hits.length - 1];
      out.push({
        rule: meta,
        start: first,
        end: (last.index ?? 0) + last[0].length,
        note: `${distinct.size} distinct override/coercion words in ${words.length}`,
      });
    }
  },
};
