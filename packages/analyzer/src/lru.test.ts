import { describe, expect, it } from 'vitest';
import { LruIndex } from './lru';

describe('LruIndex', () => {
  it('orders entries by last use, evicts the least recently used and prunes its empty maps', () => {
    const lru = new LruIndex<number>(5);
    lru.set(['s', 'a', 'chat', 'm1', ''], 1);
    lru.set(['s', 'a', 'chat', 'm2', ''], 2);
    lru.set(['s', 'b', 'chat', 'm1', ''], 3);
    expect(lru.use('s', 'a', 'chat', 'm1', '')).toBe(1);
    expect(lru.peek('s', 'a', 'chat', 'm2', '')).toBe(2); // peek does not count as use
    expect([...lru.values()]).toEqual([2, 3, 1]);
    expect(lru.deleteOldest()).toBe(true);
    expect(lru.peek('s', 'a', 'chat', 'm2', '')).toBeUndefined();
    expect(lru.size).toBe(2);
    expect([...lru.entries()]).toEqual([
      ['s\u0001b\u0001chat\u0001m1\u0001', 3],
      ['s\u0001a\u0001chat\u0001m1\u0001', 1],
    ]);
    lru.set(['s', 'b', 'chat', 'm1', ''], 4); // replacing a value marks it used
    expect([...lru.values()]).toEqual([1, 4]);
    expect(lru.deleteOldest()).toBe(true);
    expect(lru.deleteOldest()).toBe(true);
    expect(lru.deleteOldest()).toBe(false);
    expect(lru.size).toBe(0);
    expect((lru as unknown as { root: Map<string, unknown> }).root.size).toBe(0);
  });

  it('keeps parts apart that a joined key string would run together', () => {
    const lru = new LruIndex<string>(2);
    lru.set(['a\u0001b', ''], 'x');
    lru.set(['a', 'b'], 'y');
    expect(lru.peek('a\u0001b', '')).toBe('x');
    expect(lru.peek('a', 'b')).toBe('y');
    expect(lru.size).toBe(2);
  });
});
