/**
 * Text a server controls (tool names, descriptions, stderr) made safe to print on a terminal:
 * C0/C1 control characters (ESC, BEL, CSI…) become `\xNN`, and invisible or bidirectional
 * characters become `\u{…}`, so a server can neither retitle the window, clear the screen,
 * nor hide or reorder what is shown. Newlines and tabs are escaped too: a table cell is one line.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const INVISIBLE = /[\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}\u200B-\u200F\u2028\u2029\u2060-\u2064\uFEFF\u180E\u00AD\u202A-\u202E\u2066-\u2069\u061C]/gu;

/** Invisible and bidi characters as `\u{…}` (control characters untouched). */
export function visibleInvisibles(s: string): string {
  return s.replace(INVISIBLE, (ch) => `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase()}}`);
}

/** Every control, invisible and bidi character escaped: safe for one line of terminal output. */
export function printable(s: string): string {
  return visibleInvisibles(s).replace(CONTROL, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
