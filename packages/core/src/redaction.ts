/**
 * Redaction of secrets and personal data from captured content. Runs only when content
 * capture is on; patterns are deliberately conservative about what they match so that
 * ordinary prose survives.
 */
export interface RedactionRule {
  /** Stable name, shown in the placeholder: `[REDACTED:api_key]`. */
  name: string;
  pattern: RegExp;
  /** Extra check on a match (for example a Luhn check on card numbers). */
  accept?: (match: string) => boolean;
}

function luhnValid(candidate: string): boolean {
  const digits = candidate.replace(/[ -]/g, '');
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

export const DEFAULT_REDACTION_RULES: readonly RedactionRule[] = [
  // Provider API keys and tokens with recognisable prefixes.
  { name: 'api_key', pattern: /\b(?:sk|pk|rk)-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_-]{16,}/g },
  { name: 'api_key', pattern: /\bAKIA[0-9A-Z]{16}\b/g },
  { name: 'api_key', pattern: /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g },
  { name: 'api_key', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g },
  { name: 'api_key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { name: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { name: 'bearer_token', pattern: /\b[Bb]earer\s+[A-Za-z0-9._~+/-]{16,}=*/g },
  { name: 'private_key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g },
  // key=value style secrets: password=..., api_key: ...
  {
    name: 'secret_assignment',
    pattern: /\b(?:password|passwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token)\b\s*[:=]\s*["']?[^\s"',;]{6,}/gi,
  },
  { name: 'email', pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g },
  { name: 'card_number', pattern: /\b(?:\d[ -]?){12,18}\d\b/g, accept: luhnValid },
];

export class Redactor {
  private readonly rules: readonly RedactionRule[];

  constructor(extraPatterns: readonly (RegExp | RedactionRule)[] = [], useDefaults = true) {
    const extra = extraPatterns.map((p, i): RedactionRule =>
      p instanceof RegExp
        ? { name: `custom_${i}`, pattern: p.global ? p : new RegExp(p.source, p.flags + 'g') }
        : p,
    );
    this.rules = [...(useDefaults ? DEFAULT_REDACTION_RULES : []), ...extra];
  }

  redact(text: string): string {
    let out = text;
    for (const rule of this.rules) {
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
