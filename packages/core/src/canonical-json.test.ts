import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });

  it('reads values as JSON.stringify does, so parsing it back gives the same value', () => {
    const value = {
      when: new Date(Date.UTC(2026, 0, 2)),
      gone: undefined,
      fn: () => 1,
      sym: Symbol('s'),
      list: [undefined, () => 1, Number.NaN, Number.POSITIVE_INFINITY, 'é😀\u0000'],
      nested: { z: null, a: true },
    };
    const canonical = canonicalJson(value);
    expect(JSON.parse(canonical)).toEqual(JSON.parse(JSON.stringify(value)));
    expect(canonical).toBe('{"list":[null,null,null,null,"é😀\\u0000"],"nested":{"a":true,"z":null},"when":"2026-01-02T00:00:00.000Z"}');
  });

  it('is the same for the same value built in another key order', () => {
    expect(canonicalJson({ x: { q: 1, p: [1, { k: 'v', j: 'w' }] }, y: 2 })).toBe(canonicalJson({ y: 2, x: { p: [1, { j: 'w', k: 'v' }], q: 1 } }));
  });
});
