/**
 * The onboarding scan: a pure function from what a server advertises (tools, prompts,
 * resources, instructions, transport) to findings. No network, no model, no clock.
 */
import { DEFAULT_REDACTION_RULES, type Severity } from '@warden/core';
import type { FrameworkReference } from './references';
import { SCAN_RULES, SEVERITY_RANK, type ScanRuleKey } from './scan-rules';

export interface ToolDefinition {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}

export interface PromptDefinition {
  name: string;
  title?: string;
  description?: string;
  arguments?: readonly { name: string; description?: string }[];
}

export interface ResourceDefinition {
  uri: string;
  name?: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

/** How the client reaches the server; only what the transport rules need. */
export type TransportDescription =
  | { type: 'stdio'; command: string; args?: readonly string[] }
  | { type: 'http'; url: string; authenticated: boolean }
  | { type: 'other' };

export interface ServerDefinition {
  /** Server name or identity, copied onto each finding. */
  server?: string;
  tools?: readonly ToolDefinition[];
  prompts?: readonly PromptDefinition[];
  resources?: readonly ResourceDefinition[];
  instructions?: string;
  transport?: TransportDescription;
  /** Tool names of the other servers connected in this process, by server (for shadowing). */
  otherServerTools?: Readonly<Record<string, readonly string[]>>;
}

export interface Finding {
  server?: string;
  tool?: string;
  prompt?: string;
  resource?: string;
  ruleId: string;
  rule: string;
  severity: Severity;
  message: string;
  /** Where in the definition: `tools[name].inputSchema.properties.path.description`. */
  location: string;
  /** Offsets of the offending text inside the field at `location`. */
  span: { start: number; end: number };
  /** The offending text with a little context, invisible characters made visible. */
  evidence: string;
  references: readonly FrameworkReference[];
}

interface TextField {
  text: string;
  location: string;
  /** A property name rather than prose. */
  isKey?: boolean;
  tool?: string;
  prompt?: string;
  resource?: string;
}

interface RawMatch {
  key: ScanRuleKey;
  start: number;
  end: number;
  severity?: Severity;
  note?: string;
}

const MAX_FIELDS = 4_000;
const MAX_SCHEMA_DEPTH = 12;
const MAX_FINDINGS_PER_FIELD = 12;
const MAX_TEXT = 100_000;

// Global copies of the rule patterns, compiled once (a WeakMap, so per-call patterns are collected).
const globalCopies = new WeakMap<RegExp, RegExp>();

function* matchAll(re: RegExp, text: string): Generator<RegExpExecArray> {
  let g = globalCopies.get(re);
  if (!g) {
    g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
    globalCopies.set(re, g);
  }
  g.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = g.exec(text)) !== null) {
    if (m[0].length === 0) g.lastIndex++;
    yield m;
  }
}

function fromPatterns(key: ScanRuleKey, patterns: readonly RegExp[], text: string, out: RawMatch[]): void {
  for (const re of patterns) for (const m of matchAll(re, text)) out.push({ key, start: m.index, end: m.index + m[0].length });
}

const HIDDEN_TAG = [
  /<\s*\/?\s*(?:important|system|instructions?|secret|hidden|admin|override|critical|urgent|assistant|directive|note_to_(?:ai|assistant|model))\b[^<>]{0,40}>/i,
  /\[\s*\/?\s*(?:INST|SYSTEM|IMPORTANT|HIDDEN|ADMIN|ASSISTANT)\s*\]/i,
  /<\|(?:im_start|im_end|system|endoftext)\|>/i,
  /\bnote\s+to\s+(?:the\s+)?(?:ai|assistant|model|llm|agent)\b/i,
  /\b(?:hey|dear|attention),?\s+(?:claude|assistant|chatgpt|gpt|ai|model|llm)\b/i,
];

const QUALIFIER = '(?:previous|prior|above|earlier|preceding|original|system|safety|existing|other|all|your|any)';
const OVERRIDE = [
  new RegExp(
    `\\b(?:ignore|disregard|forget|bypass|override)\\s+(?:all\\s+|any\\s+)?(?:of\\s+)?(?:the\\s+|your\\s+)?${QUALIFIER}\\s+(?:\\w+\\s+)?(?:instructions?|rules|prompts?|guidelines|directives|guardrails|polic(?:y|ies)|constraints)\\b`,
    'i',
  ),
  /\b(?:your|the)\s+new\s+(?:instructions|task|role|objective)\s+(?:is|are)\b/i,
  /\byou\s+are\s+now\s+(?:a|an|in)\b/i,
  /\bfrom\s+now\s+on,?\s+you\b/i,
];

const CONCEALMENT = [
  /\b(?:do\s+not|don'?t|never|must\s+not|should\s+not)\s+(?:tell|inform|notify|mention|reveal|show|disclose|alert|let)\s+(?:this\s+|it\s+|anything\s+)?(?:to\s+)?(?:the\s+)?user/i,
  /\bwithout\s+(?:telling|informing|notifying|alerting|asking|letting|showing)\s+(?:the\s+)?user/i,
  /\b(?:user|human)\s+(?:must|should|will)\s+(?:not|never)\s+(?:know|see|notice|be\s+(?:told|informed|aware))/i,
  /\b(?:hide|conceal|keep)\s+(?:this|it|these\s+\w+)\s+(?:hidden\s+)?from\s+(?:the\s+)?user/i,
  /\b(?:secretly|covertly|surreptitiously)\b/i,
  /\bsilently\s+(?:send|forward|upload|copy|include|append|attach|exfiltrate|transmit|post|bcc|cc|add|read|collect)/i,
  /\bnot\s+(?:be\s+)?(?:visible|shown|displayed|mentioned)\s+to\s+the\s+user/i,
];

const FORCED = [
  /\b(?:always|must)\s+(?:call|use|invoke|run)\s+this\s+(?:tool|function)\s+(?:first|before)/i,
  /\bbefore\s+(?:using|calling|invoking|running)\s+(?:any|every|all)\s+(?:other\s+)?(?:tools?|functions?)/i,
  /\b(?:call|use|invoke|run)\s+this\s+(?:tool|function)\s+(?:first\b|before\s+(?:any|every|all|anything)|every\s+time|on\s+every|at\s+the\s+start\s+of\s+every)/i,
  /\bmust\s+be\s+(?:called|invoked|used|run)\s+(?:first|before\s+(?:any|every|all))/i,
  /\bprior\s+to\s+(?:any|every)\s+(?:other\s+)?(?:tool|action|response)/i,
  /\b(?:call|use|invoke|run)\s+[`'"]?\w+[`'"]?\s+(?:before|after)\s+(?:every|each)\s+(?:response|reply|message|answer|tool\s+call)/i,
];

const SENSITIVE_PATHS: readonly [RegExp, Severity][] = [
  [/(?:~|\$HOME|%USERPROFILE%)?[\\/]?\.ssh\b(?:[\\/][\w.-]+)?/, 'high'],
  [/\bid_(?:rsa|dsa|ecdsa|ed25519)\b/, 'high'],
  [/(?:^|(?<=[\s`'"(\\/]))\.env(?!\.(?:example|sample|template|dist)\b)(?:\.[\w-]+)?\b/, 'medium'],
  [/\b(?:mcp|claude_desktop_config)\.json\b/, 'high'],
  [/\.(?:cursor|vscode|codeium)[\\/](?:mcp|settings)\b/, 'high'],
  [/\.aws[\\/](?:credentials|config)\b/, 'high'],
  [/(?<![\w.])\.(?:npmrc|netrc|pypirc|pgpass|git-credentials)\b/, 'high'],
  [/\.kube[\\/]config\b/, 'high'],
  [/\.docker[\\/]config\.json\b/, 'high'],
  [/\/etc\/(?:passwd|shadow|sudoers)\b/, 'high'],
  [/\.(?:bash|zsh)_history\b/, 'medium'],
  [/\.gnupg\b/, 'high'],
  [/\bwallet\.dat\b/, 'high'],
  [/\.config[\\/]gh[\\/]hosts\.yml\b/, 'high'],
];

const SECRET_NOUN =
  '(?:api[\\s_-]?keys?|access[\\s_-]?tokens?|auth(?:entication)?[\\s_-]?tokens?|secrets?|passwords?|credentials?|private[\\s_-]?keys?|session[\\s_-]?(?:cookies?|tokens?)|cookies|bearer[\\s_-]?tokens?|ssh[\\s_-]?keys?|environment\\s+variables|env\\s+vars)';
const CREDENTIAL_HARVEST = [
  new RegExp(
    `\\b(?:read|include|pass|send|provide|attach|append|add|put|copy|insert|forward|upload|collect|extract|gather|retrieve|dump|paste|share|submit|give)\\b(?:[^.\\n]|\\.(?=\\w)){0,60}?\\b(?:your|the\\s+user'?s|all(?:\\s+the)?|any|every|the\\s+contents?\\s+of(?:\\s+the)?|stored|saved|local)\\s+(?:\\w+\\s+){0,2}?${SECRET_NOUN}\\b`,
    'i',
  ),
];

// Literal secrets: the core redaction patterns with a recognisable shape (not e-mail, cards or key=value prose).
const EMBEDDED_SECRET = DEFAULT_REDACTION_RULES.filter((r) => ['api_key', 'jwt', 'bearer_token', 'private_key'].includes(r.name)).map(
  (r) => r.pattern,
);

const PLACEHOLDER = /\{\{?[^{}\s]{1,40}\}?\}|\$\{?[A-Za-z_]\w*\}?|<[A-Za-z_][^<>]{0,30}>|%s|\[[A-Z_]{3,}\]/;
const DATA_WORD =
  /(?:conversation|context|history|chat|messages?|summary|data|secret|key|token|password|credential|env|content|prompt|output|result|file|ssh|memory|notes?|response|query)/i;
const EXFIL_HOST = /\b(?:webhook\.site|requestbin|pipedream\.net|ngrok(?:-free)?\.(?:io|app)|burpcollaborator|interact\.sh|oast\.(?:fun|me|pro|site|live)|beeceptor)\b/i;

function exfiltrationMatches(text: string, out: RawMatch[]): void {
  const covered: [number, number][] = [];
  for (const m of matchAll(/!\[[^\]\n]{0,200}\]\(\s*<?(https?:\/\/[^\s)>]+)>?[^)\n]*\)/i, text)) {
    const placeholder = PLACEHOLDER.test(m[1]) || /[?&]\w+=$/.test(m[1]);
    out.push({
      key: 'exfiltrationLink',
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
      out.push({ key: 'exfiltrationLink', start: m.index, end: m.index + url.length, severity: 'high', note: 'URL with a placeholder for conversation data' });
    } else if (EXFIL_HOST.test(url)) {
      out.push({ key: 'exfiltrationLink', start: m.index, end: m.index + url.length, severity: 'high', note: 'URL of a request-capture service' });
    }
  }
  for (const m of matchAll(
    /\b(?:append|add|include|encode|embed|put)\s+(?:it|them|this|the\s+\w+(?:\s+\w+)?|all\s+\w+)\s+(?:to|in|into|as)\s+(?:the\s+)?(?:url|query\s+string|link|image\s+url)\b/i,
    text,
  )) {
    out.push({ key: 'exfiltrationLink', start: m.index, end: m.index + m[0].length, severity: 'high', note: 'instruction to put data into a URL' });
  }
}

const SUSPICIOUS_PARAM_NAME =
  /^(?:side_?note|note_?to_?(?:ai|assistant|model)|system_?prompt|(?:full_|whole_|entire_)?(?:conversation|chat)(?:_?history|_?log|_?context|_?transcript)?|chat_?history|previous_?messages|message_?history|context_?window|full_?context|assistant_?notes|internal_?notes|hidden_?notes?|memory_?dump|env_?vars|environment_?variables|ssh_?key|private_?key|credentials)$/i;
const CONTEXT_HARVEST = [
  /\b(?:entire|full|whole|complete|all)\s+(?:previous\s+|prior\s+)?(?:conversation(?:\s+history)?|chat\s+history|message\s+history|context\s+window|system\s+prompt)\b/i,
  /\byour\s+(?:system\s+prompt|(?:initial|original|hidden)\s+instructions)\b/i,
];

function decodeIfReadable(bytes: Buffer): string | undefined {
  const s = bytes.toString('utf8');
  if (s.length < 12) return undefined;
  let printable = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09 || c >= 0xa0) printable++;
  }
  if (printable / s.length < 0.95 || s.includes('\uFFFD')) return undefined;
  const words = s.match(/[A-Za-z]{2,}/g) ?? [];
  return words.length >= 3 && /\s/.test(s) ? s : undefined;
}

function encodedMatches(text: string, out: RawMatch[], depth: number): void {
  const candidates: { start: number; end: number; decoded: string | undefined; kind: string }[] = [];
  for (const m of matchAll(/(?<![A-Za-z0-9+/_-])(?:[A-Za-z0-9+/]{4}){6,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?(?![A-Za-z0-9+/=])/, text)) {
    candidates.push({ start: m.index, end: m.index + m[0].length, decoded: decodeIfReadable(Buffer.from(m[0], 'base64')), kind: 'base64' });
  }
  for (const m of matchAll(/(?:\\x[0-9a-fA-F]{2}){8,}|\b(?:[0-9a-fA-F]{2}){12,}\b/, text)) {
    const hex = m[0].replace(/\\x/g, '');
    candidates.push({ start: m.index, end: m.index + m[0].length, decoded: decodeIfReadable(Buffer.from(hex, 'hex')), kind: 'hex' });
  }
  for (const m of matchAll(/(?:\\u[0-9a-fA-F]{4}){6,}/, text)) {
    const s = m[0].replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    candidates.push({ start: m.index, end: m.index + m[0].length, decoded: decodeIfReadable(Buffer.from(s, 'utf8')), kind: 'unicode escapes' });
  }
  for (const m of matchAll(/(?:%[0-9A-Fa-f]{2}){8,}/, text)) {
    let s: string | undefined;
    try {
      s = decodeURIComponent(m[0]);
    } catch {
      s = undefined;
    }
    candidates.push({ start: m.index, end: m.index + m[0].length, decoded: s && decodeIfReadable(Buffer.from(s, 'utf8')), kind: 'percent-encoding' });
  }
  for (const m of matchAll(/(?:&#x?[0-9a-fA-F]+;){6,}/, text)) {
    const s = m[0].replace(/&#(x?)([0-9a-fA-F]+);/g, (_, x: string, n: string) => String.fromCodePoint(parseInt(n, x ? 16 : 10)));
    candidates.push({ start: m.index, end: m.index + m[0].length, decoded: decodeIfReadable(Buffer.from(s, 'utf8')), kind: 'HTML entities' });
  }
  for (const c of candidates) {
    if (!c.decoded) continue;
    const inner = depth < 2 ? textMatches(c.decoded, depth + 1) : [];
    const hits = [...new Set(inner.map((h) => SCAN_RULES[h.key].name))];
    out.push({
      key: 'encodedPayload',
      start: c.start,
      end: c.end,
      severity: hits.length > 0 ? 'critical' : 'high',
      note: `${c.kind} decoding to ${hits.length > 0 ? `text that triggers ${hits.join(', ')}` : 'readable text'}: "${visible(c.decoded.slice(0, 80))}"`,
    });
  }
}

function unicodeMatches(text: string, out: RawMatch[]): void {
  for (const m of matchAll(/[\u{E0000}-\u{E007F}]+/u, text)) {
    const decoded = [...m[0]].map((ch) => String.fromCharCode(ch.codePointAt(0)! - 0xe0000)).join('');
    out.push({ key: 'unicodeTags', start: m.index, end: m.index + m[0].length, note: `hidden tag text "${visible(decoded.slice(0, 80))}"` });
  }
  for (const m of matchAll(/[\u200B-\u200D\u2060-\u2064\uFEFF\u180E\u00AD]+|[\u{E0100}-\u{E01EF}]{2,}/u, text)) {
    out.push({ key: 'invisibleControls', start: m.index, end: m.index + m[0].length, note: `${[...m[0]].length} zero-width character(s)` });
  }
  for (const m of matchAll(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]+/, text)) {
    out.push({ key: 'invisibleControls', start: m.index, end: m.index + m[0].length, note: 'bidirectional control character(s)' });
  }
  for (const m of matchAll(/[\p{L}\p{M}]{3,}/u, text)) {
    const w = m[0];
    const latin = (w.match(/[A-Za-z]/g) ?? []).length;
    if (latin >= 2 && /[\p{Script=Cyrillic}\p{Script=Greek}]/u.test(w)) {
      out.push({ key: 'homoglyphs', start: m.index, end: m.index + w.length, note: `"${visible(w)}" mixes Latin with Cyrillic or Greek letters` });
    }
  }
}

/** All rule matches in one piece of prose (also used on decoded payloads). */
function textMatches(text: string, depth = 0): RawMatch[] {
  const out: RawMatch[] = [];
  fromPatterns('hiddenInstructionTag', HIDDEN_TAG, text, out);
  fromPatterns('instructionOverride', OVERRIDE, text, out);
  fromPatterns('concealment', CONCEALMENT, text, out);
  fromPatterns('forcedInvocation', FORCED, text, out);
  for (const [re, severity] of SENSITIVE_PATHS) for (const m of matchAll(re, text)) out.push({ key: 'sensitivePath', start: m.index, end: m.index + m[0].length, severity });
  fromPatterns('credentialHarvest', CREDENTIAL_HARVEST, text, out);
  fromPatterns('embeddedSecret', EMBEDDED_SECRET, text, out);
  fromPatterns('suspiciousParameter', CONTEXT_HARVEST, text, out);
  exfiltrationMatches(text, out);
  unicodeMatches(text, out);
  for (const m of matchAll(/<!--([\s\S]*?)-->/, text)) {
    if ((m[1].match(/[A-Za-z]{2,}/g) ?? []).length >= 2) out.push({ key: 'htmlComment', start: m.index, end: m.index + m[0].length });
  }
  if (depth < 2) encodedMatches(text, out, depth);
  return out;
}

// A tool name distinctive enough that its mention elsewhere is not a coincidence.
function distinctive(name: string): boolean {
  return /[_\-.]/.test(name) || /[a-z][A-Z]/.test(name) || name.length >= 10;
}

const DIRECTIVE = /\b(?:when(?:ever)?|instead|before|after|always|must|also|replace|override|redirect|bcc|cc|never|only|first)\b/i;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function shadowingMatches(text: string, ownTools: ReadonlySet<string>, others: ReadonlyMap<string, string>, out: RawMatch[]): void {
  const isOwn = (name: string) => {
    const n = name.toLowerCase();
    for (const own of ownTools) if (own.toLowerCase() === n || own.toLowerCase().includes(n)) return true;
    return false;
  };
  for (const [tool, server] of others) {
    if (ownTools.has(tool) || !distinctive(tool)) continue;
    for (const m of matchAll(new RegExp(`(?<![\\w-])${escapeRegExp(tool)}(?![\\w-])`), text)) {
      const sentenceStart = Math.max(text.lastIndexOf('.', m.index), text.lastIndexOf('\n', m.index)) + 1;
      const sentenceEnd = text.slice(m.index).search(/[.\n]/);
      const sentence = text.slice(sentenceStart, sentenceEnd < 0 ? text.length : m.index + sentenceEnd);
      out.push({
        key: 'toolShadowing',
        start: m.index,
        end: m.index + tool.length,
        severity: DIRECTIVE.test(sentence) ? 'high' : 'medium',
        note: `names "${tool}", a tool of server "${server}"`,
      });
    }
  }
  const patterns = [
    /\b(?:when(?:ever)?|if)\s+(?:the\s+)?(?:user\s+|you\s+|an?\s+agent\s+)?(?:uses?|calls?|calling|using|invok\w+|runs?)\s+(?:the\s+)?[`'"]?([A-Za-z][\w.-]{2,})[`'"]?\s+tool/i,
    /\b(?:when(?:ever)?|if|after|before)\s+(?:the\s+)?[`'"]?([A-Za-z][\w.-]{2,})[`'"]?\s+tool\s+is\s+(?:used|called|invoked|run)/i,
    /\b(?:instead\s+of|rather\s+than|replaces?|overrides?|supersedes?|shadows?|takes?\s+precedence\s+over)\s+(?:the\s+)?[`'"]?([A-Za-z][\w.-]{2,})[`'"]?\s+(?:tool|function|command)/i,
  ];
  for (const re of patterns) {
    for (const m of matchAll(re, text)) {
      if (isOwn(m[1]) || /^(?:this|that|any|every|other|same)$/i.test(m[1])) continue;
      out.push({ key: 'toolShadowing', start: m.index, end: m.index + m[0].length, note: `redefines the behaviour of tool "${m[1]}"` });
    }
  }
  for (const m of matchAll(/\b(?:all|any|every)\s+(?:other\s+)?(?:\w+\s+)?(?:tools?|servers?)\s+(?:must|should|have\s+to)\b/i, text)) {
    out.push({ key: 'toolShadowing', start: m.index, end: m.index + m[0].length, note: 'dictates the behaviour of other tools' });
  }
}

function visible(s: string): string {
  return s.replace(/[\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}\u200B-\u200F\u2060-\u2064\uFEFF\u180E\u00AD\u202A-\u202E\u2066-\u2069\u061C]/gu, (ch) =>
    `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase()}}`,
  );
}

function excerpt(text: string, start: number, end: number): string {
  const from = Math.max(0, start - 24);
  const to = Math.min(text.length, Math.max(end, start + 1) + 24);
  let s = visible(text.slice(from, to)).replace(/\s+/g, ' ');
  if (s.length > 200) s = s.slice(0, 199) + '…';
  return `${from > 0 ? '…' : ''}${s}${to < text.length ? '…' : ''}`;
}

function schemaFields(schema: unknown, location: string, base: Omit<TextField, 'text' | 'location'>, out: TextField[], depth: number): void {
  if (out.length >= MAX_FIELDS || depth > MAX_SCHEMA_DEPTH || schema === null || schema === undefined) return;
  if (typeof schema === 'string') {
    out.push({ ...base, text: schema, location });
    return;
  }
  if (Array.isArray(schema)) {
    schema.forEach((v, i) => schemaFields(v, `${location}[${i}]`, base, out, depth + 1));
    return;
  }
  if (typeof schema !== 'object') return;
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [prop, sub] of Object.entries(value as Record<string, unknown>)) {
        out.push({ ...base, text: prop, location: `${location}.properties.${prop}`, isKey: true });
        schemaFields(sub, `${location}.properties.${prop}`, base, out, depth + 1);
      }
    } else if (key !== '$schema' && key !== 'type' && key !== 'format' && key !== 'pattern') {
      schemaFields(value, `${location}.${key}`, base, out, depth + 1);
    }
  }
}

function collectFields(def: ServerDefinition): TextField[] {
  const out: TextField[] = [];
  const push = (f: TextField) => {
    if (out.length < MAX_FIELDS && f.text) out.push({ ...f, text: f.text.length > MAX_TEXT ? f.text.slice(0, MAX_TEXT) : f.text });
  };
  if (def.instructions) push({ text: def.instructions, location: 'instructions' });
  for (const t of def.tools ?? []) {
    const at = `tools[${t.name}]`;
    push({ text: t.name, location: `${at}.name`, tool: t.name, isKey: true });
    if (t.title) push({ text: t.title, location: `${at}.title`, tool: t.name });
    if (t.description) push({ text: t.description, location: `${at}.description`, tool: t.name });
    schemaFields(t.inputSchema, `${at}.inputSchema`, { tool: t.name }, out, 0);
    schemaFields(t.outputSchema, `${at}.outputSchema`, { tool: t.name }, out, 0);
    schemaFields(t.annotations, `${at}.annotations`, { tool: t.name }, out, 0);
  }
  for (const p of def.prompts ?? []) {
    const at = `prompts[${p.name}]`;
    push({ text: p.name, location: `${at}.name`, prompt: p.name, isKey: true });
    if (p.title) push({ text: p.title, location: `${at}.title`, prompt: p.name });
    if (p.description) push({ text: p.description, location: `${at}.description`, prompt: p.name });
    for (const a of p.arguments ?? []) {
      push({ text: a.name, location: `${at}.arguments.${a.name}`, prompt: p.name, isKey: true });
      if (a.description) push({ text: a.description, location: `${at}.arguments.${a.name}.description`, prompt: p.name });
    }
  }
  for (const r of def.resources ?? []) {
    const at = `resources[${r.uri}]`;
    for (const k of ['name', 'title', 'description'] as const) {
      const v = r[k];
      if (v) push({ text: v, location: `${at}.${k}`, resource: r.uri });
    }
  }
  return out;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h.endsWith('.localhost');
}

function transportFindings(def: ServerDefinition): Finding[] {
  const t = def.transport;
  if (!t || t.type !== 'http') return [];
  let url: URL;
  try {
    url = new URL(t.url);
  } catch {
    return [];
  }
  if (isLoopback(url.hostname)) return [];
  const out: Finding[] = [];
  const make = (key: ScanRuleKey, message: string): Finding => ({
    server: def.server,
    ruleId: SCAN_RULES[key].id,
    rule: SCAN_RULES[key].name,
    severity: SCAN_RULES[key].severity,
    message,
    location: 'transport.url',
    span: { start: 0, end: t.url.length },
    evidence: t.url,
    references: SCAN_RULES[key].references,
  });
  if (url.protocol === 'http:') out.push(make('insecureTransport', `Server reached over plain http:// at ${url.host}, not loopback.`));
  if (!t.authenticated) out.push(make('missingAuthentication', `Remote server ${url.host} is reached without an Authorization header or auth provider.`));
  return out;
}

function describeField(f: TextField): string {
  if (f.location === 'instructions') return 'server instructions';
  const owner = f.tool !== undefined ? `tool "${f.tool}"` : f.prompt !== undefined ? `prompt "${f.prompt}"` : `resource "${f.resource}"`;
  const rest = f.location.replace(/^(?:tools|prompts|resources)\[[^\]]*\]\.?/, '');
  return `${owner} ${rest || 'definition'}`;
}

/** Scan what one server advertises. Pure: the same definition always gives the same findings. */
export function scanServerDefinition(def: ServerDefinition): Finding[] {
  const ownTools = new Set((def.tools ?? []).map((t) => t.name));
  const others = new Map<string, string>();
  for (const [server, tools] of Object.entries(def.otherServerTools ?? {})) {
    if (server === def.server) continue;
    for (const tool of tools) if (!others.has(tool)) others.set(tool, server);
  }
  const findings: Finding[] = [];
  for (const field of collectFields(def)) {
    const raw: RawMatch[] = [];
    if (field.isKey) {
      unicodeMatches(field.text, raw);
      if (field.location.includes('.properties.') && SUSPICIOUS_PARAM_NAME.test(field.text)) {
        raw.push({ key: 'suspiciousParameter', start: 0, end: field.text.length, note: `parameter "${field.text}" asks for context the tool should not need` });
      }
      if (field.tool !== undefined && field.location.endsWith('.name') && others.has(field.text) && distinctive(field.text)) {
        raw.push({ key: 'toolShadowing', start: 0, end: field.text.length, severity: 'medium', note: `same name as a tool of server "${others.get(field.text)}"` });
      }
    } else {
      raw.push(...textMatches(field.text));
      shadowingMatches(field.text, ownTools, others, raw);
    }
    const kept: RawMatch[] = [];
    raw.sort((a, b) => a.start - b.start || SEVERITY_RANK[b.severity ?? SCAN_RULES[b.key].severity] - SEVERITY_RANK[a.severity ?? SCAN_RULES[a.key].severity]);
    for (const m of raw) {
      if (kept.some((k) => k.key === m.key && m.start < k.end && k.start < m.end)) continue;
      kept.push(m);
      if (kept.length >= MAX_FINDINGS_PER_FIELD) break;
    }
    for (const m of kept) {
      const rule = SCAN_RULES[m.key];
      const quoted = visible(field.text.slice(m.start, m.end)).slice(0, 80);
      findings.push({
        server: def.server,
        ...(field.tool !== undefined ? { tool: field.tool } : {}),
        ...(field.prompt !== undefined ? { prompt: field.prompt } : {}),
        ...(field.resource !== undefined ? { resource: field.resource } : {}),
        ruleId: rule.id,
        rule: rule.name,
        severity: m.severity ?? rule.severity,
        message: `${rule.name} in ${describeField(field)}: ${m.note ?? `"${quoted}"`}`,
        location: field.location,
        span: { start: m.start, end: m.end },
        evidence: excerpt(field.text, m.start, m.end),
        references: rule.references,
      });
    }
  }
  findings.push(...transportFindings(def));
  return findings;
}

/** The highest severity among findings, or undefined when there are none. */
export function maxSeverity(findings: readonly Pick<Finding, 'severity'>[]): Severity | undefined {
  let best: Severity | undefined;
  for (const f of findings) if (!best || SEVERITY_RANK[f.severity] > SEVERITY_RANK[best]) best = f.severity;
  return best;
}
