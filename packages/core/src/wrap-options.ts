import { parseConfig } from './config-schema';
/** Options every client wrapper (openai, anthropic) takes, checked in one place (warden's `wrap()` validates them with zod). */
import type { TracerProvider } from '@opentelemetry/api';
import { z } from 'zod';
import type { AgentIdentity } from './agent-context';
import type { ContentCaptureOptions } from './content';
import { WardenConfigError } from './errors';

export interface WrapOptions extends ContentCaptureOptions {
  /** The agent these calls belong to, unless one is active in context (`withAgent`). */
  agent?: string | AgentIdentity;
  /** Record with this provider instead of the global one. */
  tracerProvider?: TracerProvider;
  /** End a stream's span as `abandoned` after this long without a read. Default 5 minutes. */
  streamIdleTimeoutMs?: number;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string "${value}"` : `a ${typeof value}`;
}

/** Throws one WardenConfigError naming every bad field of `options`. */
export function checkWrapOptions(fn: string, options: unknown): WrapOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new WardenConfigError(`${fn}: options must be an object, got ${describe(options)}`, [{ path: '', message: 'expected an object' }]);
  const o = options as Record<string, unknown>;
  const issues: { path: string; message: string }[] = [];
  const bad = (path: string, expected: string) => issues.push({ path, message: `expected ${expected}, got ${describe(o[path])}` });
  const agent = o.agent as { name?: unknown } | undefined;
  if (agent !== undefined && typeof agent !== 'string' && (typeof agent !== 'object' || agent === null || typeof agent.name !== 'string'))
    bad('agent', 'a name or an object with a string "name"');
  if (o.captureContent !== undefined && typeof o.captureContent !== 'boolean') bad('captureContent', 'a boolean');
  if (
    o.redactPatterns !== undefined &&
    (!Array.isArray(o.redactPatterns) ||
      !o.redactPatterns.every((p) => p instanceof RegExp || (typeof p === 'object' && p !== null && (p as { pattern?: unknown }).pattern instanceof RegExp)))
  )
    bad('redactPatterns', 'an array of RegExp or { name, pattern } rules');
  const max = o.maxContentLength;
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 16)) bad('maxContentLength', 'an integer >= 16');
  const provider = o.tracerProvider as { getTracer?: unknown } | undefined;
  if (provider !== undefined && (typeof provider !== 'object' || provider === null || typeof provider.getTracer !== 'function'))
    bad('tracerProvider', 'an OpenTelemetry TracerProvider');
  const idle = o.streamIdleTimeoutMs;
  if (idle !== undefined && (typeof idle !== 'number' || Number.isNaN(idle) || idle < 0)) bad('streamIdleTimeoutMs', 'a number of milliseconds >= 0');
  if (issues.length) throw new WardenConfigError(`${fn}: ${issues.map((i) => `option "${i.path}": ${i.message}`).join('; ')}`, issues);
  return o as WrapOptions;
}

/** An agent named in options: a name, or an AgentIdentity (warden's wrap() options use it too). */
export const agentIdentitySchema = z.object({
  name: z.string().min(1),
  id: z.string().optional(),
  version: z.string().optional(),
  description: z.string().optional(),
  conversationId: z.string().optional(),
  promptVersion: z.string().optional(),
});

const redactRuleSchema = z.union([z.instanceof(RegExp), z.object({ name: z.string().min(1), pattern: z.instanceof(RegExp), accept: z.function().optional() })]);

/** Options of the framework integrations (ai-sdk, langchain): agent, content capture and stream idle timeout. */
const integrationOptionsSchema = z.object({
  agent: z.union([z.string().min(1), agentIdentitySchema]).optional(),
  captureContent: z.boolean().optional(),
  redactPatterns: z.array(redactRuleSchema).optional(),
  maxContentLength: z.number().int().positive().optional(),
  streamIdleTimeoutMs: z.number().int().nonnegative().optional(),
});

/**
 * Validates a framework integration's options once, at wrap time (ai-sdk and langchain each had
 * the same zod schema); throws one WardenConfigError `Invalid <where> options:` naming each bad field.
 */
export function validateIntegrationOptions<O extends ContentCaptureOptions>(options: O | undefined, where: string): O {
  parseConfig(integrationOptionsSchema, options ?? {}, `${where} options`);
  // Every field is optional, so no options are the empty options.
  return options ?? ({} as O);
}
