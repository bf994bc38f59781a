/**
 * A least-recently-used table keyed by a fixed number of string parts (service, agent,
 * operation, model, tool): nested Maps for lookup and a doubly linked list for the order.
 *
 * The analyzer looks a group up on every record whose group differs from the one before. Joining
 * the parts into one key string costs a concatenation, its flattening and hashing (about 0.25 µs
 * for a 5-part key); nested Maps hash each part, and a part the app passes again (a model name,
 * an operation) has its hash cached. Marking an entry used moves two pointers instead of
 * deleting and re-inserting the key, which on a Map leaves a hole per use and makes it rehash
 * every few thousand uses. Iteration runs from the least recently used entry to the most
 * recent, as with a Map re-inserted on every use; `key` is the parts joined by U+0001.
 */
interface LruNode<T> {
  readonly parts: readonly string[];
  value: T;
  older: LruNode<T> | undefined;
  newer: LruNode<T> | undefined;
}

type Level = Map<string, unknown>;

export const KEY_SEPARATOR = '\u0001';

export class LruIndex<T> {
  private readonly root: Level = new Map();
  private oldest: LruNode<T> | undefined;
  private newest: LruNode<T> | undefined;
  private count = 0;

  /** `depth`: how many key parts (2 to 5); lookups pass exactly that many. */
  constructor(private readonly depth: 2 | 5) {}

  get size(): number {
    return this.count;
  }

  /** The value, without marking it used. */
  peek(a: string, b: string, c = '', d = '', e = ''): T | undefined {
    return this.find(a, b, c, d, e)?.value;
  }

  /** The value, marked as the most recently used. */
  use(a: string, b: string, c = '', d = '', e = ''): T | undefined {
    const node = this.find(a, b, c, d, e);
    if (node === undefined) return undefined;
    if (node !== this.newest) {
      this.unlink(node);
      this.append(node);
    }
    return node.value;
  }

  /** Sets the value under `parts` (exactly `depth` of them) and marks it the most recently used. */
  set(parts: readonly string[], value: T): void {
    let level = this.root;
    for (let i = 0; i < this.depth - 1; i++) {
      let next = level.get(parts[i]) as Level | undefined;
      if (next === undefined) level.set(parts[i], (next = new Map()));
      level = next;
    }
    const leaf = parts[this.depth - 1];
    const existing = level.get(leaf) as LruNode<T> | undefined;
    if (existing !== undefined) {
      existing.value = value;
      if (existing !== this.newest) {
        this.unlink(existing);
        this.append(existing);
      }
      return;
    }
    const node: LruNode<T> = { parts: parts.slice(0, this.depth), value, older: undefined, newer: undefined };
    level.set(leaf, node);
    this.count++;
    this.append(node);
  }

  /** Removes the least recently used entry; false when empty. */
  deleteOldest(): boolean {
    const node = this.oldest;
    if (node === undefined) return false;
    this.unlink(node);
    this.count--;
    this.remove(this.root, node.parts, 0);
    return true;
  }

  /** Values, least recently used first. */
  *values(): IterableIterator<T> {
    for (let n = this.oldest; n !== undefined; n = n.newer) yield n.value;
  }

  /** [key, value] pairs, least recently used first; the key is the parts joined by KEY_SEPARATOR. */
  *entries(): IterableIterator<[string, T]> {
    for (let n = this.oldest; n !== undefined; n = n.newer) yield [n.parts.join(KEY_SEPARATOR), n.value];
  }

  private find(a: string, b: string, c: string, d: string, e: string): LruNode<T> | undefined {
    const l1 = this.root.get(a) as Level | undefined;
    if (l1 === undefined) return undefined;
    if (this.depth === 2) return l1.get(b) as LruNode<T> | undefined;
    const l2 = l1.get(b) as Level | undefined;
    const l3 = l2?.get(c) as Level | undefined;
    const l4 = l3?.get(d) as Level | undefined;
    return l4?.get(e) as LruNode<T> | undefined;
  }

  /** Deletes the leaf under `parts` and every Map the deletion leaves empty. */
  private remove(level: Level, parts: readonly string[], i: number): void {
    if (i === this.depth - 1) {
      level.delete(parts[i]);
      return;
    }
    const next = level.get(parts[i]) as Level | undefined;
    if (next === undefined) return;
    this.remove(next, parts, i + 1);
    if (next.size === 0) level.delete(parts[i]);
  }

  private unlink(node: LruNode<T>): void {
    if (node.older) node.older.newer = node.newer;
    else this.oldest = node.newer;
    if (node.newer) node.newer.older = node.older;
    else this.newest = node.older;
    node.older = undefined;
    node.newer = undefined;
  }

  private append(node: LruNode<T>): void {
    node.older = this.newest;
    if (this.newest) this.newest.newer = node;
    else this.oldest = node;
    this.newest = node;
  }
}
