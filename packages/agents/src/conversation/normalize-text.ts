/**
 * Text as a detector should read it: a bounded slice (head and tail of a megabyte paste),
 * NFKC-folded (full-width letters, ligatures), typographic quotes and apostrophes made
 * ASCII (`I’m sorry` reads as `i'm sorry`), zero-width, bidi and tag characters removed
 * (they split words to dodge matching) and lower-cased. `hidden` says whether any such
 * invisible character was there, which is itself a signal.
 */
export interface NormalizedText {
  text: string;
  hidden: boolean;
  truncated: boolean;
}

/** Characters kept from a long text: the head states the request, the tail the latest ask. */
export const DEFAULT_MAX_TEXT_CHARS = 1024;

// Zero-width, bidi controls, word joiners, BOM and Unicode tags. ZWJ (U+200D) is removed from
// the text too, but only the others count as "hidden": emoji sequences use ZWJ.
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|[\u{E0000}-\u{E007F}]/gu;
const HIDDEN = /[\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069]|(?<!^)\uFEFF|[\u{E0000}-\u{E007F}]/u;
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032\u02BC\u02B9\u0060\u00B4]/g;
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g;
// eslint-disable-next-line no-control-regex
const ASCII_ONLY = /^[\x20-\x7E\n\r\t]*$/;

export function normalizeText(raw: string, maxChars = DEFAULT_MAX_TEXT_CHARS): NormalizedText {
  let text = raw;
  let truncated = false;
  if (text.length > maxChars) {
    const tail = Math.floor(maxChars / 4);
    text = `${text.slice(0, maxChars - tail)}\n${text.slice(text.length - tail)}`;
    truncated = true;
  }
  if (ASCII_ONLY.test(text)) return { text: text.toLowerCase(), hidden: false, truncated };
  const hidden = HIDDEN.test(text);
  text = text.normalize('NFKC').replace(INVISIBLE, '').replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"');
  return { text: text.toLowerCase(), hidden, truncated };
}
