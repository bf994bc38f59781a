import { WardenConfigError, type AgentIdentity, type ContentCaptureOptions } from '@warden/core';
import { z } from 'zod';

/** Options of `wardenMiddleware`, `wrapAISDKModel` and `wardenTools`. */
export interface WardenAISDKOptions extends ContentCaptureOptions {
  /** The agent these calls belong to, when no agent is active in context (`withAgent`, `traceAgent`). */
  agent?: string | AgentIdentity;
  /** End a stream's span as `abandoned` when nothing was read for this long. Default 5 minutes; 0: never. */
  streamIdleTimeoutMs?: number;
}

const agentIdentitySchema = z.object({
  name: z.string().min(1),
  id: z.string().optional(),
  version: z.string().optional(),
  description: z.string().optional(),
  conversationId: z.string().optional(),
  promptVersion: z.string().optional(),
});

const redactRuleSchema = z.union([
  z.instanceof(RegExp),
  z.object({ name: z.string().min(1), pattern: z.instanceof(RegExp), accept: z.function().optional() }),
]);

const optionsSchema = z.object({
  agent: z.union([z.string().min(1), agentIdentitySchema]).optional(),
  captureContent: z.boolean().optional(),
  redactPatterns: z.array(redactRuleSchema).optional(),
  maxContentLength: z.number().int().positive().optional(),
  streamIdleTimeoutMs: z.number().int().nonnegative().optional(),
});

/** Validates options once, at wrap time; the error names the bad field. */
export function validateOptions(options: WardenAISDKOptions | undefined, where: string): WardenAISDKOptions {
  const parsed = optionsSchema.safeParse(options ?? {});
  if (parsed.success) return options ?? {};
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(options)', message: i.message }));
  const lines = issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
  throw new WardenConfigError(`Invalid ${where} options:\n${lines}`, issues);
}
