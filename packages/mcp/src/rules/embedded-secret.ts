import { DEFAULT_REDACTION_RULES } from '@warden/core/internal';
import { REF } from '../references';
import { defineRule, matchAll, type TextRule } from './rule';

// Literal secrets: the core redaction patterns with a recognisable shape (not e-mail, cards or key=value prose).
const PATTERNS = DEFAULT_REDACTION_RULES.filter((r) => ['api_key', 'jwt', 'bearer_token', 'private_key'].includes(r.name)).map((r) => r.pattern);

const meta = defineRule('WMCP012', 'embedded-secret', 'high', 'A literal API key, token or private key inside a definition.', [REF.LLM02, REF.MCP01]);

export const embeddedSecret: TextRule = {
  meta,
  prose(text, _ctx, out) {
    for (const re of PATTERNS)
      for (const m of matchAll(re, text)) {
        // A key has entropy: 40 random base64 characters without a digit happen 0.1% of the time, while
        // a documentation path ("uikit/uiviewcontroller…") or a list of camelCase tool names
        // ("manageFunctions/manageHosting/…") matched the bare 40-character AWS-secret shape on npm.
        if (!/\d/.test(m[0]) && !/-----BEGIN/.test(m[0])) continue;
        out.push({ rule: meta, start: m.index, end: m.index + m[0].length });
      }
  },
};
