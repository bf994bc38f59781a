import { describe, expect, it } from 'vitest';
import { toBoundedJson } from './truncate';

describe('toBoundedJson', () => {
  it('returns plain JSON when it fits', () => {
    expect(toBoundedJson({ a: 'b', n: 1 }, 100)).toBe('{"a":"b","n":1}');
  });

  it('cuts long strings and keeps the result valid JSON within the bound', () => {
    const value = [{ role: 'user', parts: [{ type: 'text', content: 'x'.repeat(100_000) }] }];
    const out = toBoundedJson(value, 1000);
    expect(out.length).toBeLessThanOrEqual(1000);
    const parsed = JSON.parse(out) as typeof value;
    expect(parsed[0]!.role).toBe('user');
    expect(parsed[0]!.parts[0]!.content).toMatch(/^x+…\[truncated \d+ chars\]$/);
  });

  it('never splits a surrogate pair', () => {
    const out = toBoundedJson({ t: '😀'.repeat(5000) }, 500);
    const parsed = JSON.parse(out) as { t: string };
    expect(parsed.t).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(out.length).toBeLessThanOrEqual(500);
  });

  it('drops trailing array items when many small items exceed the bound', () => {
    const out = toBoundedJson(Array.from({ length: 10_000 }, (_, i) => ({ i })), 300);
    expect(out.length).toBeLessThanOrEqual(300);
    const parsed = JSON.parse(out) as unknown[];
    expect(String(parsed.at(-1))).toMatch(/items truncated/);
  });

  it('handles cycles, NaN, bigint, functions and binary', () => {
    const a: Record<string, unknown> = { n: NaN, big: 10n, f: () => 1, bin: new Uint8Array(4) };
    a.self = a;
    expect(JSON.parse(toBoundedJson(a, 1000))).toEqual({ n: 'NaN', big: '10', bin: '[binary 4 bytes]', self: '[circular]' });
  });
});
