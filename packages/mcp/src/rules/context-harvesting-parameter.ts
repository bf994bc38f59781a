import { printable } from '@warden/core/internal';
import { REF } from '../references';
import { defineRule, fromPatterns, type TextRule } from './rule';

const meta = defineRule(
  'WMCP015',
  'context-harvesting-parameter',
  'high',
  'An input parameter meant to receive the conversation, the system prompt or hidden notes.',
  [REF.LLM07, REF.T0057, REF.MCP10],
);

const SUSPICIOUS_PARAM_NAME =
  /^(?:side_?note|note_?to_?(?:ai|assistant|model)|system_?prompt|(?:full_|whole_|entire_)?(?:conversation|chat)(?:_?history|_?log|_?context|_?transcript)?|chat_?history|previous_?messages|message_?history|context_?window|full_?context|assistant_?notes|internal_?notes|hidden_?notes?|memory_?dump|env_?vars|environment_?variables|ssh_?key|private_?key|credentials)$/i;
const CONTEXT_HARVEST = [
  /\b(?:entire|full|whole|complete|all)\s+(?:previous\s+|prior\s+)?(?:conversation(?:\s+history)?|chat\s+history|message\s+history|context\s+window|system\s+prompt)\b/i,
  /\byour\s+(?:system\s+prompt|(?:initial|original|hidden)\s+instructions)\b/i,
];

// A parameter named after a secret file or its contents ("content_from_reading_dot_ssh_id_rsa").
const SECRET_FILE_NAME =
  /(?:^|[_-])(?:id_?rsa|id_?ed25519|dot_?ssh|ssh_?dir|aws_?credentials|dot_?env|env_?file_?contents?|mcp_?json|etc_?passwd|etc_?shadow|private_?key_?contents?)(?:[_-]|$)/i;

export const contextHarvestingParameter: TextRule = {
  meta,
  prose: (text, _ctx, out) => fromPatterns(meta, CONTEXT_HARVEST, text, out),
  name(text, ctx, out) {
    if (ctx.location.includes('.properties.') && (SUSPICIOUS_PARAM_NAME.test(text) || SECRET_FILE_NAME.test(text))) {
      out.push({ rule: meta, start: 0, end: text.length, note: `parameter "${printable(text)}" asks for context the tool should not need` });
    }
  },
};
