import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { WardenConfigError } from './errors';

/** `policies[0].allowedTools`: a zod issue path as a person reads it, under an optional root. */
export function configPath(path: readonly PropertyKey[], root = ''): string {
  let out = root;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

/**
 * Validate config at the boundary (options, policy files, scan configs) with `schema`; on
 * failure throw one WardenConfigError, `Invalid <what>: <path>: <problem>; ...`, naming every
 * bad field. Every package validates through here, so every message reads the same way.
 */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, what: string, root = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: configPath(i.path, root), message: i.message }));
  throw new WardenConfigError(`Invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}

/**
 * A config file's content: its text read and parsed (JSON unless `parse` says otherwise), each
 * failure a WardenConfigError that starts with `label` ("Policy file policies.yaml: cannot read it (...)").
 */
export function readConfigFile(label: string, path: string, parse: (text: string) => unknown = JSON.parse, format = 'JSON'): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new WardenConfigError(`${label}: cannot read it (${(e as Error).message})`);
  }
  try {
    return parse(text);
  } catch (e) {
    throw new WardenConfigError(`${label}: not valid ${format} (${(e as Error).message})`);
  }
}
