import { printable } from '@warden/core/internal';
import { REF } from '../references';
import { defineRule, matchAll, type TextRule } from './rule';

const meta = defineRule('WMCP008', 'encoded-payload', 'critical', 'Base64, hex or escaped text that decodes to readable instructions.', [
  REF.LLM01,
  REF.T0068,
  REF.MCP06,
]);

function decodeIfReadable(bytes: Buffer): string | undefined {
  const s = bytes.toString('utf8');
  if (s.length < 12) return undefined;
  let printableCount = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09 || c >= 0xa0) printableCount++;
  }
  if (printableCount / s.length < 0.95 || s.includes('\uFFFD')) return undefined;
  const words = s.match(/[A-Za-z]{2,}/g) ?? [];
  return words.length >= 3 && /\s/.test(s) ? s : undefined;
}

export const encodedPayload: TextRule = {
  meta,
  prose(text, ctx, out) {
    // Every encoding below needs at least 20 characters (five base64 quads; eight \x or %xx pairs; four \u00xx).
    if (ctx.depth >= 2 || text.length < 20) return;
    const candidates: { start: number; end: number; decoded: string | undefined; kind: string }[] = [];
    for (const m of matchAll(/(?<![A-Za-z0-9+/_-])(?:[A-Za-z0-9+/]{4}){5,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?(?![A-Za-z0-9+/=])/, text)) {
      candidates.push({ start: m.index, end: m.index + m[0].length, decoded: decodeIfReadable(Buffer.from(m[0], 'base64')), kind: 'base64' });
    }
    for (const m of matchAll(/(?:\\x[0-9a-fA-F]{2}){8,}|\b(?:[0-9a-fA-F]{2}){12,}\b/, text)) {
      const hex = m[0].replace(/\\x/g, '');
      candidates.push({ start: m.index, end: m.index + m[0].length, decoded: decodeIfReadable(Buffer.from(hex, 'hex')), kind: 'hex' });
    }
    const escapes = text.includes('\\u');
    if (escapes)
      for (const m of matchAll(/(?:\\u[0-9a-fA-F]{4}){6,}/, text)) {
        const s = m[0].replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
        candidates.push({ start: m.index, end: m.index + m[0].length, decoded: decodeIfReadable(Buffer.from(s, 'utf8')), kind: 'unicode escapes' });
      }
    if (text.includes('%'))
      for (const m of matchAll(/(?:%[0-9A-Fa-f]{2}){8,}/, text)) {
        let s: string | undefined;
        try {
          s = decodeURIComponent(m[0]);
        } catch {
          s = undefined;
        }
        candidates.push({ start: m.index, end: m.index + m[0].length, decoded: s && decodeIfReadable(Buffer.from(s, 'utf8')), kind: 'percent-encoding' });
      }
    if (text.includes('&#'))
      for (const m of matchAll(/(?:&#x?[0-9a-fA-F]+;){6,}/, text)) {
        const s = m[0].replace(/&#(x?)([0-9a-fA-F]+);/g, (_, x: string, n: string) => {
          const cp = parseInt(n, x ? 16 : 10);
          return cp <= 0x10ffff ? String.fromCodePoint(cp) : '\uFFFD';
        });
        candidates.push({ start: m.index, end: m.index + m[0].length, decoded: decodeIfReadable(Buffer.from(s, 'utf8')), kind: 'HTML entities' });
      }
    // Round 4: printable ASCII spelled as \u escapes ("\u0068\u0061\u0063\u006b") is hidden text,
    // however short; base64 that decodes to a user:password pair is a credential, not prose.
    if (escapes)
      for (const m of matchAll(/(?:\\u00[2-7][0-9a-fA-F]){4,}/, text)) {
        if (candidates.some((c) => c.start <= m.index && c.end >= m.index + m[0].length)) continue;
        const s = m[0].replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
        out.push({ rule: meta, start: m.index, end: m.index + m[0].length, severity: 'medium', note: `ASCII written as unicode escapes: "${printable(s)}"` });
      }
    // After round 7 (sumododda/mcp-scanner, development since): the same with \x escapes ("\x69\x6d\x70…").
    if (text.includes('\\x'))
      for (const m of matchAll(/(?:\\x[2-7][0-9a-fA-F]){6,}/, text)) {
        if (candidates.some((c) => c.decoded && c.start <= m.index && c.end >= m.index + m[0].length)) continue;
        const s = m[0].replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
        out.push({ rule: meta, start: m.index, end: m.index + m[0].length, severity: 'medium', note: `ASCII written as \\x escapes: "${printable(s)}"` });
      }
    for (const c of candidates)
      if (!c.decoded && c.kind === 'base64') {
        const s = Buffer.from(text.slice(c.start, c.end), 'base64').toString('utf8');
        if (/^[\w.@-]{3,}:[\x21-\x7e]{4,}$/.test(s))
          out.push({ rule: meta, start: c.start, end: c.end, severity: 'medium', note: 'base64 decoding to a user:password pair' });
      }
    for (const c of candidates) {
      if (!c.decoded) continue;
      const hits = [...new Set(ctx.rescan(c.decoded, ctx.depth + 1).map((h) => h.rule.name))];
      out.push({
        rule: meta,
        start: c.start,
        end: c.end,
        severity: hits.length > 0 ? 'critical' : 'high',
        note: `${c.kind} decoding to ${hits.length > 0 ? `text that triggers ${hits.join(', ')}` : 'readable text'}: "${printable(c.decoded.slice(0, 80))}"`,
      });
    }
  },
};
