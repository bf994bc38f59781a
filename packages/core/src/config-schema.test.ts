import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configPath, parseConfig } from './config-schema';
import { WardenConfigError } from './errors';

describe('parseConfig', () => {
  const schema = z.object({ policies: z.array(z.object({ agent: z.string(), allowedTools: z.array(z.string()) })) }).strict();

  it('returns the parsed value', () => {
    expect(parseConfig(schema, { policies: [] }, 'config')).toEqual({ policies: [] });
  });

  it('throws one WardenConfigError naming every bad field, indices in brackets', () => {
    let error: unknown;
    try {
      parseConfig(schema, { policies: [{ agent: 'a', allowedTools: [1] }], extra: true }, 'monitor() options');
    } catch (e) {
      error = e;
    }
    expect(WardenConfigError.isInstance(error)).toBe(true);
    const e = error as WardenConfigError;
    expect(e.message).toMatch(/^Invalid monitor\(\) options: /);
    expect(e.issues.map((i) => i.path)).toEqual(['policies[0].allowedTools[0]', '(root)']);
    expect(e.message).toMatch(/policies\[0\]\.allowedTools\[0\]: .*string/);
    expect(e.message).toMatch(/\(root\): .*extra/);
  });

  it('prefixes a root and names the root itself when the path is empty', () => {
    expect(configPath([0, 'mode'], 'policies')).toBe('policies[0].mode');
    expect(configPath([], '')).toBe('(root)');
    expect(configPath(['a', 'b'])).toBe('a.b');
  });
});
