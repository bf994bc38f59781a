import { DEFAULT_REDACTION_RULES } from '@warden/core/internal';
import { REF } from '../references';
import { defineRule, patternRule } from './rule';

// Literal secrets: the core redaction patterns with a recognisable shape (not e-mail, cards or key=value prose).
export const embeddedSecret = patternRule(
  defineRule('WMCP012', 'embedded-secret', 'high', 'A literal API key, token or private key inside a definition.', [REF.LLM02, REF.MCP01]),
  DEFAULT_REDACTION_RULES.filter((r) => ['api_key', 'jwt', 'bearer_token', 'private_key'].includes(r.name)).map((r) => r.pattern),
);
