/**
 * Redaction of secrets and personal data from exported text: captured content, and error
 * messages and stacks whatever the capture setting. Patterns are deliberately conservative
 * about what they match so that ordinary prose survives.
 */
export interface RedactionRule {
  /** Stable name, shown in the placeholder: `[REDACTED:api_key]`. */
  name: string;
  pattern: RegExp;
  /** Extra check on a match (for example a Luhn check on card numbers). */
  accept?: (match: string) => boolean;
}

function luhnValid(candidate: string): boolean {
  const digits = candidate.replace(/[ .-]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** A card number's separators are all the same (4111.1111.1111.1111), not a mix as in a version or a date. */
function cardShaped(candidate: string): boolean {
  const seps = candidate.replace(/\d/g, '');
  return (seps.length === 0 || /^( +|\.+|-+)$/.test(seps)) && luhnValid(candidate);
}

/**
 * An AWS secret access key is 40 base64 characters with no prefix; it must mix upper case,
 * lower case and digits, so a lower-case hex digest (a git SHA-1) or a word is not one.
 */
function awsSecretShaped(candidate: string): boolean {
  return /[A-Z]/.test(candidate) && /[a-z]/.test(candidate) && /\d/.test(candidate);
}

export const DEFAULT_REDACTION_RULES: readonly RedactionRule[] = [
  // Provider API keys and tokens with recognisable prefixes.
  { name: 'api_key', pattern: /\b(?:sk|pk|rk)-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_-]{16,}/g },
  // Stripe secret, publishable, restricted keys and webhook secrets.
  { name: 'api_key', pattern: /\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { name: 'api_key', pattern: /\bwhsec_[A-Za-z0-9]{24,}/g },
  { name: 'api_key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { name: 'api_key', pattern: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, accept: awsSecretShaped },
  { name: 'api_key', pattern: /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g },
  { name: 'api_key', pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}/g },
  { name: 'api_key', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g },
  { name: 'api_key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { name: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { name: 'bearer_token', pattern: /\b[Bb]earer\s+[A-Za-z0-9._~+/-]{16,}=*/g },
  // To the end of the text when the END line is missing (the text was cut inside the key).
  { name: 'private_key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$(?![\s\S]))/g },
  // key=value style secrets: password=..., api_key: ...
  {
    name: 'secret_assignment',
    pattern: /\b(?:password|passwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token)\b\s*[:=]\s*["']?[^\s"',;]{6,}/gi,
  },
  // Credentials inside a connection URL: postgres://user:password@host.
  { name: 'url_credentials', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/gi },
  { name: 'email', pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g },
  { name: 'card_number', pattern: /\b(?:\d[ .-]?){12,18}\d\b/g, accept: cardShaped },
  // US social security numbers, dashed, excluding numbers the SSA never issues (000, 666, 9xx, 00, 0000).
  { name: 'ssn', pattern: /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g },
];

/**
 * Characters that render as nothing: format controls (zero-width space/joiners, word joiner,
 * BOM, soft hyphen, bidi controls, tags), variation selectors, the combining grapheme joiner and
 * the Hangul fillers. Inserted inside a key they hide it from every pattern.
 */
const INVISIBLE = /[\p{Cf}\u034F\u115F\u1160\u3164\uFFA0\uFE00-\uFE0F\u{E0100}-\u{E01EF}]+/gu;
const HAS_INVISIBLE = /[\p{Cf}\u034F\u115F\u1160\u3164\uFFA0\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/u;

/**
 * Drops invisible characters where they sit between two visible ASCII characters (inside a
 * key, an address, a number). Elsewhere they stay: a zero-width joiner between emoji is part
 * of the emoji, not an attempt to hide anything.
 */
export function normalizeInvisible(text: string): string {
  if (!HAS_INVISIBLE.test(text)) return text;
  return text.replace(INVISIBLE, (m, offset: number, whole: string) => {
    const before = whole.charCodeAt(offset - 1);
    const after = whole.charCodeAt(offset + m.length);
    return before > 0x20 && before < 0x7f && after > 0x20 && after < 0x7f ? '' : m;
  });
}

/**
 * One regular expression matching wherever any of `rules` could (their alternation), so a text
 * that holds none of them, as most do, costs one scan instead of one per rule.
 */
function probeOf(rules: readonly RedactionRule[], flags: string): RegExp | undefined {
  try {
    return new RegExp(rules.map((r) => `(?:${r.pattern.source})`).join('|'), flags);
  } catch {
    return undefined; // a pattern that cannot be combined (a named group used twice): no probe, every rule runs
  }
}

/**
 * Strings up to this long are remembered with their redacted form: the roles, part types, finish
 * reasons and tool names that every captured message repeats (content itself is longer, and is
 * redacted each time). Bounded: the memory is emptied when it is full.
 */
const SHORT_STRING = 32;
const MAX_REMEMBERED = 512;

export class Redactor {
  private readonly rules: readonly RedactionRule[];
  /** Redaction is a function of the text for one Redactor: short strings' results are reused. */
  private readonly remembered = new Map<string, string>();
  /** Per rule, the index of its probe (rules with the same flags share one). */
  private readonly probeOfRule: number[];
  private readonly probes: (RegExp | undefined)[];

  constructor(extraPatterns: readonly (RegExp | RedactionRule)[] = [], useDefaults = true) {
    const extra = extraPatterns.map(
      (p, i): RedactionRule => (p instanceof RegExp ? { name: `custom_${i}`, pattern: p.global ? p : new RegExp(p.source, p.flags + 'g') } : p),
    );
    this.rules = [...(useDefaults ? DEFAULT_REDACTION_RULES : []), ...extra];
    // Alternatives of one RegExp share its flags: group the rules by flags (g and y aside).
    const groups = new Map<string, RedactionRule[]>();
    this.probeOfRule = this.rules.map((rule) => {
      const flags = rule.pattern.flags.replace(/[gy]/g, '');
      let group = groups.get(flags);
      if (!group) groups.set(flags, (group = []));
      group.push(rule);
      return [...groups.keys()].indexOf(flags);
    });
    this.probes = [...groups].map(([flags, rules]) => probeOf(rules, flags));
  }

  redact(text: string): string {
    if (text.length > SHORT_STRING) return this.redactText(text);
    const known = this.remembered.get(text);
    if (known !== undefined) return known;
    const out = this.redactText(text);
    if (this.remembered.size >= MAX_REMEMBERED) this.remembered.clear();
    this.remembered.set(text, out);
    return out;
  }

  private redactText(text: string): string {
    let out = normalizeInvisible(text);
    // Which groups can match at all, decided on the text as it came (placeholders hold no secrets).
    const hits = this.probes.map((probe) => probe === undefined || probe.test(out));
    for (let i = 0; i < this.rules.length; i++) {
      if (!hits[this.probeOfRule[i]!]) continue;
      const rule = this.rules[i]!;
      rule.pattern.lastIndex = 0;
      out = out.replace(rule.pattern, (m) => (rule.accept && !rule.accept(m) ? m : `[REDACTED:${rule.name}]`));
    }
    return out;
  }

  /** Redacts every string inside a JSON-like value, returning a new value. */
  redactDeep(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (depth > 32 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = this.redactDeep(v, depth + 1);
    return out;
  }
}

/** The built-in rules alone: for error texts, which are redacted whether or not content is captured. */
export const defaultRedactor = new Redactor();
