/**
 * Bidirectional overrides, zero-width characters and Unicode tag characters can make a name
 * read differently from what it is (the trick MCP tool poisoning uses); control characters
 * (ANSI escape sequences, bells, carriage returns; not tab or newline) would act on the terminal a report is
 * printed to. The report shows them all as code points instead.
 */
const DECEPTIVE_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|\u{E0000}|[\u{E0001}-\u{E007F}]/gu;

export function revealDeceptiveChars(text: string): string {
  return text.replace(DECEPTIVE_CHARS, (c) => `[U+${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}]`);
}
