import { extname } from 'node:path';
import { WardenConfigError } from '@warden/core';
import { parseConfig, readConfigFile } from '@warden/core/internal';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * Argument rules that fit in a JSON/YAML policy file, one per argument name. A value that
 * is absent passes unless `required`; a value of the wrong type fails the rule.
 */
export const argRuleSchema = z
  .object({
    /** The value is a path that, with `..` and `.` resolved, stays inside this directory. */
    under: z.string().min(1).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    /** A regular expression (source) the string value must match. */
    pattern: z
      .string()
      .refine((p) => {
        try {
          new RegExp(p);
          return true;
        } catch {
          return false;
        }
      }, 'expected a valid regular expression')
      .optional(),
    oneOf: z
      .array(z.union([z.string(), z.number(), z.boolean()]))
      .min(1)
      .optional(),
    /** Maximum characters of a string, or items of an array. */
    maxLength: z.number().int().nonnegative().optional(),
    required: z.boolean().optional(),
  })
  .strict();
export type ArgRule = z.infer<typeof argRuleSchema>;

/** What a zod (or zod-like) schema offers: a safeParse. Checked structurally so any copy of zod works. */
export interface ArgumentSchema {
  safeParse(value: unknown): { success: boolean; error?: { issues?: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

const argumentSchema = z.custom<ArgumentSchema>(
  (v) => typeof v === 'object' && v !== null && typeof (v as Partial<ArgumentSchema>).safeParse === 'function',
  'expected a zod schema',
);

/** A tool call waiting for a person's decision. */
export interface ApprovalRequest {
  agent?: string;
  tool: string;
  arguments?: unknown;
  source: string;
  mcpServer?: string;
  callId?: string;
  traceId?: string;
}
/** Resolves true to let the call run; anything else (false, a throw, a timeout) denies it. */
export type ApprovalHook = (call: ApprovalRequest) => boolean | Promise<boolean>;

const approvalHook = z.custom<ApprovalHook>((v) => typeof v === 'function', 'expected a function (call) => boolean | Promise<boolean>');

/** Tool names: exact, or a prefix ending in `*` (`fs.*`), or `*` for any. */
const toolPattern = z.string().min(1);

export const policySchema = z
  .object({
    /** The agent identity (gen_ai.agent.name) this policy governs; `*` covers agents without their own policy. */
    agent: z.string().min(1),
    /** enforce: a denied call throws PolicyDeniedError before it runs; audit: it runs and an alert is raised. */
    mode: z.enum(['audit', 'enforce']).default('enforce'),
    /** Tools the agent may call; everything else is denied. */
    allowedTools: z.array(toolPattern).default([]),
    /** MCP servers whose tools the agent may call; tools from other servers are denied. */
    allowedMcpServers: z.array(z.string().min(1)).default([]),
    /** Per tool: a zod schema for its arguments, or simple rules per argument name. */
    args: z.record(z.string(), z.union([argumentSchema, z.record(z.string(), argRuleSchema)])).default({}),
    /** Tools that run only after `approve` resolves true. */
    requireApproval: z.array(toolPattern).default([]),
    approve: approvalHook.optional(),
    /** How long to wait for `approve` before denying. */
    approvalTimeoutMs: z.number().int().positive().default(60_000),
  })
  .strict();

export const policiesSchema = z.array(policySchema).superRefine((policies, ctx) => {
  const seen = new Set<string>();
  policies.forEach((p, i) => {
    if (seen.has(p.agent)) ctx.addIssue({ code: 'custom', path: [i, 'agent'], message: `duplicate policy for agent "${p.agent}"` });
    seen.add(p.agent);
  });
});

/** A policy as written (defaults optional). */
export type PolicyInput = z.input<typeof policySchema>;
/** A validated policy, defaults filled in. */
export type Policy = z.output<typeof policySchema>;

/** Validates policies; the error names the field, e.g. `policies[0].allowedTools`. */
export function parsePolicies(input: unknown, root = 'policies'): Policy[] {
  return parseConfig(policiesSchema, input, 'policies', root);
}

/**
 * Reads policies from a .json, .yaml or .yml file: either a list of policies or
 * `{ policies: [...] }`. Approval hooks cannot live in a file; pass `approve` to
 * createPolicyGuard for tools listed in `requireApproval`.
 */
export function loadPolicies(file: string): Policy[] {
  const ext = extname(file).toLowerCase();
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml')
    throw new WardenConfigError(`Policy file ${file}: expected a .json, .yaml or .yml file, got "${ext || 'no extension'}"`);
  const data = ext === '.json' ? readConfigFile(`Policy file ${file}`, file) : readConfigFile(`Policy file ${file}`, file, (text) => parseYaml(text), 'YAML');
  const list = data !== null && typeof data === 'object' && !Array.isArray(data) && 'policies' in data ? (data as { policies: unknown }).policies : data;
  try {
    return parsePolicies(list);
  } catch (e) {
    if (WardenConfigError.isInstance(e)) throw new WardenConfigError(`Policy file ${file}: ${e.message}`, e.issues);
    throw e;
  }
}
