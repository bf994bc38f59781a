import { describe, expect, it } from 'vitest';
import { resolveContentPolicy } from './content';
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
    const out = toBoundedJson(
      Array.from({ length: 10_000 }, (_, i) => ({ i })),
      300,
    );
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

describe('toBoundedJson: bounded work on any payload (#13 item 7)', () => {
  it('reads only as many items of a huge array as can be exported', () => {
    let reads = 0;
    const items = Array.from({ length: 200_000 }, (_, i) => i);
    const counted = new Proxy(items, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const out = toBoundedJson(counted, 1000);
    expect(out.length).toBeLessThanOrEqual(1000);
    expect(reads).toBeLessThanOrEqual(1001);
    expect(String((JSON.parse(out) as unknown[]).at(-1))).toBe(`…[${200_000 - (JSON.parse(out) as unknown[]).length + 1} items truncated]`);
  });

  it('hands redaction at most the kept text plus a margin, however big the payload', () => {
    const seen: number[] = [];
    // A rule that matches whole strings and keeps them: it sees exactly the text redaction runs on.
    const policy = resolveContentPolicy({
      captureContent: true,
      maxContentLength: 1000,
      redactPatterns: [{ name: 'probe', pattern: /^[\s\S]+$/g, accept: (m) => (seen.push(m.length), false) }],
    });
    const tenMegabytes = 'a'.repeat(10 * 1024 * 1024);
    const out = policy.serialize([{ content: tenMegabytes }, { content: tenMegabytes }])!;
    expect(out.length).toBeLessThanOrEqual(1000);
    expect(seen.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2 * (1000 + 256));
    expect(out).toContain(`…[truncated ${tenMegabytes.length - (JSON.parse(out) as { content: string }[])[0]!.content.indexOf('…')} chars]`);
  });

  it('redacts a secret that straddles the cut', () => {
    const text = `${'x'.repeat(985)} sk-proj-abcdefghijklmnop1234567890`;
    const out = toBoundedJson({ t: text }, 1000, (s) => s.replace(/sk-proj-[a-z0-9]{16,}/g, '[REDACTED:api_key]'));
    expect(out).not.toContain('sk-proj-abc');
    expect(out.length).toBeLessThanOrEqual(1000);
  });

  it('computes the JSON length exactly for text that JSON escapes, so the cut is tight', () => {
    const text = 'line "one"\n\ttab\\ 😀 \u0001 \uD800 '.repeat(2000);
    for (const max of [200, 1000, 5000]) {
      const out = toBoundedJson({ text }, max);
      expect(out.length).toBeLessThanOrEqual(max);
      // One character more per string would not fit: the result is within one escape of the bound.
      expect(out.length).toBeGreaterThan(max - 8);
      expect(() => JSON.parse(out)).not.toThrow();
    }
  });

  it('cuts long keys and caps deep nesting', () => {
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 100; i++) cur = (cur.d = {}) as Record<string, unknown>;
    const out = toBoundedJson({ ['k'.repeat(5000)]: 1, deep }, 2000);
    expect(out.length).toBeLessThanOrEqual(2000);
    expect(() => JSON.parse(out)).not.toThrow();
  });
});
