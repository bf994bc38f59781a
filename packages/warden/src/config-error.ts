import { WardenConfigError } from '@warden/core';
import type { z } from 'zod';

/** `policies[0].allowedTools`-style path of a zod issue. */
function issuePath(path: readonly PropertyKey[], root: string): string {
  let out = root;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(options)';
}

/**
 * Parse `input` with `schema`; on failure throw one WardenConfigError whose message names
 * every bad field, what was expected, and what came.
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string, root = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: issuePath(i.path, root), message: i.message }));
  const lines = issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n');
  throw new WardenConfigError(`Invalid ${what}:\n${lines}`, issues);
}
