/**
 * Bidirectional overrides, zero-width characters and Unicode tag characters can make a name
 * read differently from what it is (the trick MCP tool poisoning uses); the report shows them.
 */
const DECEPTIVE_CHARS = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|\u{E0000}|[\u{E0001}-\u{E007F}]/gu;

export function revealDeceptiveChars(text: string): string {
  return text.replace(DECEPTIVE_CHARS, (c) => `[U+${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}]`);
}
