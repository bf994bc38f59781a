/**
 * What every scan rule is: its metadata (stable id, name, default severity, summary,
 * framework references) and, in the same file, the patterns and code that find it.
 */
import type { Severity } from '@warden/core';
import type { FrameworkReference } from '../references';

/** One rule of the onboarding scan: a stable id, a default severity and what it evidences. */
export interface ScanRule {
  id: string;
  name: string;
  severity: Severity;
  /** One sentence: what the rule looks for and why it matters. */
  summary: string;
  references: readonly FrameworkReference[];
}

/** One hit inside one field, before it becomes a Finding. */
export interface RawMatch {
  rule: ScanRule;
  start: number;
  end: number;
  severity?: Severity;
  note?: string;
}

/** What a rule may know about the field it reads besides its text. */
export interface FieldContext {
  /** `tools[name].description`, `tools[name].inputSchema.properties.x`, `instructions`… */
  location: string;
  tool?: string;
  /** This server's own tool names. */
  ownTools: ReadonlySet<string>;
  /** The property names of this server's tools' input schemas (top level): what a description may name as a parameter. */
  ownProperties?: ReadonlySet<string>;
  /** Tool names of the other servers connected alongside, tool → server. */
  others: ReadonlyMap<string, string>;
  /** 0 for the field itself; 1, 2 for text decoded from an encoded payload. */
  depth: number;
  /** Every prose rule on another text (used on decoded payloads). */
  rescan(text: string, depth: number): RawMatch[];
}

/** A rule that reads prose (descriptions, titles, instructions) or names (tool and property names). */
export interface TextRule {
  meta: ScanRule;
  /**
   * Every pattern of the rule spans words (needs whitespace): the scan skips its prose check on a text with none
   * (enum values, identifiers, URLs), most of a schema's strings. Measured: that is over half the fields of real
   * tool lists and half the scan's CPU (README).
   */
  phrasesOnly?: boolean;
  prose?(text: string, ctx: FieldContext, out: RawMatch[]): void;
  name?(text: string, ctx: FieldContext, out: RawMatch[]): void;
}

export const defineRule = (id: string, name: string, severity: Severity, summary: string, references: FrameworkReference[]): ScanRule => ({
  id,
  name,
  severity,
  summary,
  references,
});

// Global copies of the rule patterns, compiled once (a WeakMap, so per-call patterns are collected).
const globalCopies = new WeakMap<RegExp, RegExp>();

export function* matchAll(re: RegExp, text: string): Generator<RegExpExecArray> {
  const g = globalCopy(re);
  g.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = g.exec(text)) !== null) {
    if (m[0].length === 0) g.lastIndex++;
    yield m;
  }
}

/** The global copy of a pattern, compiled once. */
function globalCopy(re: RegExp): RegExp {
  let g = globalCopies.get(re);
  if (!g) {
    g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
    globalCopies.set(re, g);
  }
  return g;
}

export function fromPatterns(rule: ScanRule, patterns: readonly RegExp[], text: string, out: RawMatch[]): void {
  // A plain exec loop, not matchAll's generator: this runs for every pattern on every field.
  for (const re of patterns) {
    const g = globalCopy(re);
    g.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = g.exec(text)) !== null) {
      if (m[0].length === 0) g.lastIndex++;
      out.push({ rule, start: m.index, end: m.index + m[0].length });
    }
  }
}

/**
 * The text with combining marks and variation selectors inside Latin words taken out ("ign\u0308ore",
 * "I\u0307MPORTANT", "ignore\uFE01"), and where each folded character came from; undefined when there are none.
 * Real descriptions write accents precomposed and put variation selectors after emoji, not inside words.
 */
export function foldMarks(text: string): { folded: string; at: (i: number) => number } | undefined {
  if (!/[A-Za-z][\u0300-\u036F\uFE00-\uFE0F]/.test(text)) return undefined;
  let folded = '';
  const from: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (((c >= 0x300 && c <= 0x36f) || (c >= 0xfe00 && c <= 0xfe0f)) && i > 0 && /[A-Za-z\u0300-\u036F\uFE00-\uFE0F]/.test(text[i - 1])) continue;
    folded += text[i];
    from.push(i);
  }
  from.push(text.length);
  return { folded, at: (i) => from[Math.min(i, from.length - 1)] };
}

/** fromPatterns over the mark-folded text, reported at the original offsets. */
export function fromFoldedPatterns(rule: ScanRule, patterns: readonly RegExp[], text: string, out: RawMatch[]): void {
  const f = foldMarks(text);
  if (!f) return;
  for (const re of patterns)
    for (const m of matchAll(re, f.folded))
      out.push({ rule, start: f.at(m.index), end: f.at(m.index + m[0].length), note: 'written with combining marks or variation selectors inside words' });
}

/** A rule that is only a list of patterns over prose; `phrasesOnly` when every pattern spans words. */
export function patternRule(meta: ScanRule, patterns: readonly RegExp[], phrasesOnly = false): TextRule {
  return { meta, phrasesOnly, prose: (text, _ctx, out) => fromPatterns(meta, patterns, text, out) };
}
