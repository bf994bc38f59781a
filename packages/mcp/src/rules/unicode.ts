/** Three rules about characters the user cannot see or cannot tell apart. */
import { printable } from '@warden/core/internal';
import { REF } from '../references';
import { defineRule, matchAll, type TextRule } from './rule';

const unicodeTagsMeta = defineRule(
  'WMCP005',
  'unicode-tag-characters',
  'critical',
  'Unicode tag characters (U+E0000–E007F): text the model reads and the user cannot see.',
  [REF.LLM01, REF.T0068, REF.MCP03],
);
const invisibleControlsMeta = defineRule(
  'WMCP006',
  'invisible-or-bidi-controls',
  'high',
  'Zero-width, bidirectional or terminal control characters, or variation selectors inside words, that hide or reorder text.',
  [REF.LLM01, REF.T0068, REF.MCP03],
);
const homoglyphsMeta = defineRule(
  'WMCP007',
  'homoglyph-mixing',
  'high',
  'A word mixing Latin with Cyrillic or Greek look-alike letters, used to impersonate names.',
  [REF.LLM03, REF.T0068, REF.MCP03],
);

function tags(text: string, out: import('./rule').RawMatch[]): void {
  for (const m of matchAll(/[\u{E0000}-\u{E007F}]+/u, text)) {
    const decoded = [...m[0]].map((ch) => String.fromCharCode(ch.codePointAt(0)! - 0xe0000)).join('');
    out.push({ rule: unicodeTagsMeta, start: m.index, end: m.index + m[0].length, note: `hidden tag text "${printable(decoded.slice(0, 80))}"` });
  }
}

const BRAILLE = /[\u2801-\u28FF]/;
const EMOJI = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\uFE0F/u;
const JOINING_SCRIPT =
  /[\p{Script=Arabic}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Syriac}]/u;

function invisibles(text: string, out: import('./rule').RawMatch[], isName: boolean): void {
  // After round 7 (sumododda/mcp-scanner, development since): with them, blank fillers that render as nothing (the
  // Braille blank outside Braille text, the Hangul fillers), in the same pass.
  for (const m of matchAll(/[\u200B-\u200D\u2060-\u2064\uFEFF\u180E\u00AD\u2800\u3164\uFFA0\u115F\u1160]+|[\u{E0100}-\u{E01EF}]{2,}/u, text)) {
    // After round 9 (Blute122/redcell, development since): one joiner doing its job is text, not hiding: a zero-width
    // joiner inside an emoji sequence (a family emoji) and a zero-width non-joiner between letters of a script that
    // uses it (Persian, Arabic, the Indic scripts).
    if (m[0] === '\u200D' && EMOJI.test(text.slice(Math.max(0, m.index - 2), m.index)) && EMOJI.test(text.slice(m.index + 1, m.index + 3))) continue;
    if (m[0] === '\u200C' && JOINING_SCRIPT.test(text[m.index - 1] ?? '') && JOINING_SCRIPT.test(text[m.index + 1] ?? '')) continue;
    const blanks = /^[\u2800\u3164\uFFA0\u115F\u1160]+$/.test(m[0]);
    if (blanks && m[0][0] === '\u2800' && (BRAILLE.test(text[m.index - 1] ?? '') || BRAILLE.test(text[m.index + m[0].length] ?? ''))) continue;
    out.push({
      rule: invisibleControlsMeta,
      start: m.index,
      end: m.index + m[0].length,
      note: `${[...m[0]].length} ${blanks ? 'blank filler' : 'zero-width'} character(s)`,
    });
  }
  // After round 6: a variation selector after a Latin letter changes nothing a reader sees (real text puts
  // them after emoji) and splits the word for a pattern.
  for (const m of matchAll(/(?<=[A-Za-z])[\uFE00-\uFE0F]+(?=[A-Za-z\s])/, text)) {
    out.push({ rule: invisibleControlsMeta, start: m.index, end: m.index + m[0].length, note: 'variation selector inside a word' });
  }
  for (const m of matchAll(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]+/, text)) {
    out.push({ rule: invisibleControlsMeta, start: m.index, end: m.index + m[0].length, note: 'bidirectional control character(s)' });
  }
  // Terminal controls (ESC, BEL…) have no place in any field; in prose, newlines and tabs are fine.
  const controls = isName ? /[\u0000-\u001f\u007f-\u009f]+/ : /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]+/;
  for (const m of matchAll(controls, text)) {
    out.push({
      rule: invisibleControlsMeta,
      start: m.index,
      end: m.index + m[0].length,
      note: `terminal control character(s) ${printable(m[0]).slice(0, 40)}`,
    });
  }
}

function homoglyphs(text: string, out: import('./rule').RawMatch[]): void {
  for (const m of matchAll(/[\p{L}\p{M}]{3,}/u, text)) {
    const w = m[0];
    const latin = (w.match(/[A-Za-z]/g) ?? []).length;
    if (latin >= 2 && /[\p{Script=Cyrillic}\p{Script=Greek}]/u.test(w)) {
      out.push({ rule: homoglyphsMeta, start: m.index, end: m.index + w.length, note: `"${printable(w)}" mixes Latin with Cyrillic or Greek letters` });
    }
  }
}

// Most fields are plain ASCII: one test skips every pass that needs a character outside it (tag characters, zero-width
// and bidi characters, variation selectors, Cyrillic and Greek letters); only the ASCII control characters remain.
const NON_ASCII = /[^\x00-\x7f]/;
const LOOKALIKE_SCRIPTS = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;
const ASCII_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const ASCII_NAME_CONTROLS = /[\u0000-\u001f\u007f]/;

function invisiblesIn(text: string, out: import('./rule').RawMatch[], isName: boolean): void {
  if (NON_ASCII.test(text) || (isName ? ASCII_NAME_CONTROLS : ASCII_CONTROLS).test(text)) invisibles(text, out, isName);
}

// Plain ASCII holds no tag characters and no lookalike letters: the cheap test skips the scan.
const tagsIn: NonNullable<TextRule['prose']> = (t, _c, out) => {
  if (NON_ASCII.test(t)) tags(t, out);
};
const homoglyphsIn: NonNullable<TextRule['prose']> = (t, _c, out) => {
  if (LOOKALIKE_SCRIPTS.test(t)) homoglyphs(t, out);
};

export const unicodeTags: TextRule = {
  meta: unicodeTagsMeta,
  prose: tagsIn,
  name: tagsIn,
};
export const invisibleControls: TextRule = {
  meta: invisibleControlsMeta,
  prose: (t, _c, out) => invisiblesIn(t, out, false),
  name: (t, _c, out) => invisiblesIn(t, out, true),
};
export const homoglyphMixing: TextRule = {
  meta: homoglyphsMeta,
  prose: homoglyphsIn,
  name: homoglyphsIn,
};
