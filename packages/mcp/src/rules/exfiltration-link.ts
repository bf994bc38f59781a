import { REF } from '../references';
import { defineRule, matchAll, type RawMatch, type TextRule } from './rule';

const meta = defineRule('WMCP013', 'exfiltration-link', 'critical', 'A markdown image or link whose URL carries placeholders for conversation data.', [
  REF.LLM02,
  REF.T0057,
  REF.MCP10,
]);

const PLACEHOLDER = /\{\{?[^{}\s]{1,40}\}?\}|\$\{?[A-Za-z_]\w*\}?|<[A-Za-z_][^<>]{0,30}>|%s|\[[A-Z_]{3,}\]/;
const DATA_WORD =
  /(?:conversation|context|history|chat|messages?|summary|data|secret|key|token|password|credential|env|content|prompt|output|result|file|ssh|memory|notes?|response|query)/i;
export const EXFIL_HOST =
  /\b(?:webhook\.site|requestbin|pipedream\.net|ngrok(?:-free)?\.(?:io|app)|burpcollaborator|interact\.sh|oast\.(?:fun|me|pro|site|live)|beeceptor)\b/i;

// Two patterns, each starting with a literal character, so the engine skips ahead to it.
const ACTIVE_CONTENT = [/\]\(\s*(?:javascript|vbscript|data:text\/html)[^)\n]*\)/i, /<script\b[^>]*>[^<]{1,400}<\/script\s*>/i];

const LINKY = /https?:|\]\(|<script/i;
const DATA_INTO_URL =
  /\b(?:append|add|include|encode|embed|put)\s+(?:it|them|this|the\s+\w+(?:\s+\w+)?|all\s+\w+)\s+(?:to|in|into|as)\s+(?:the\s+)?(?:url|query\s+string|link|image\s+url)\b/i;

function dataIntoUrl(text: string, out: RawMatch[]): void {
  for (const m of matchAll(DATA_INTO_URL, text))
    out.push({ rule: meta, start: m.index, end: m.index + m[0].length, severity: 'high', note: 'instruction to put data into a URL' });
}

export const exfiltrationLink: TextRule = {
  meta,
  prose(text, _ctx, out) {
    // The link and URL patterns need a URL, a markdown link or a script element; the last one spans words.
    if (!LINKY.test(text)) {
      if (/\s/.test(text)) dataIntoUrl(text, out);
      return;
    }
    const covered: [number, number][] = [];
    for (const m of matchAll(/!\[[^\]\n]{0,200}\]\(\s*<?(https?:\/\/[^\s)>]+)>?[^)\n]*\)/i, text)) {
      const placeholder = PLACEHOLDER.test(m[1]) || /[?&]\w+=$/.test(m[1]);
      out.push({
        rule: meta,
        start: m.index,
        end: m.index + m[0].length,
        severity: placeholder ? 'critical' : 'medium',
        note: placeholder ? 'markdown image whose URL carries a data placeholder' : 'markdown image: rendering it makes a request',
      });
      covered.push([m.index, m.index + m[0].length]);
    }
    for (const m of matchAll(/https?:\/\/[^\s"'`)\]]+/i, text)) {
      if (covered.some(([s, e]) => m.index >= s && m.index < e)) continue;
      const url = m[0];
      const ph = PLACEHOLDER.exec(url);
      const query = /[?&]([\w-]+)=/.exec(url);
      const dataPlaceholder = ph && DATA_WORD.test(ph[0]);
      const dataQuery = query && DATA_WORD.test(query[1]) && (ph !== null || /=$/.test(url));
      if (dataPlaceholder || dataQuery) {
        out.push({ rule: meta, start: m.index, end: m.index + url.length, severity: 'high', note: 'URL with a placeholder for conversation data' });
      } else if (EXFIL_HOST.test(url)) {
        out.push({ rule: meta, start: m.index, end: m.index + url.length, severity: 'high', note: 'URL of a request-capture service' });
      }
    }
    // After round 7 (GaboITB/mcp-shield, development since): active content a rendered description runs: a script
    // link, or a script element with a body (a description that says "<script> tags are removed" names one).
    for (const re of ACTIVE_CONTENT)
      for (const m of matchAll(re, text)) {
        out.push({ rule: meta, start: m.index, end: m.index + m[0].length, severity: 'high', note: 'active content: a script link or element' });
      }
    dataIntoUrl(text, out);
  },
};
