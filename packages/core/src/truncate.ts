/**
 * Serialise a JSON-like value to at most `maxLength` characters while keeping the result
 * valid JSON: long strings are cut (with a marker saying how much), and if that is not
 * enough, trailing array items are replaced by one marker.
 *
 * The work is linear in what is kept and capped whatever the input's size: the value is
 * copied within a budget of nodes and characters, the per-string cut is found from lengths
 * computed once (no re-serialising per step), and redaction, when given, runs only on the
 * text that can still be exported, plus a margin so a secret straddling a cut is still seen.
 */
const marker = (n: number) => `…[truncated ${n} chars]`;
/** Characters kept past a cut before redacting, so a secret that straddles the cut is recognised. */
const REDACTION_MARGIN = 256;
/** Deeper values are not copied: no real message nests that far. */
const MAX_DEPTH = 32;

/** A string in the bounded copy: its text (maybe already cut) and how many characters were cut off before. */
class Leaf {
  /** Sorted positions of characters JSON escapes, and the extra characters each costs; undefined when none. */
  private escapes: { at: number[]; extraBefore: number[] } | undefined | null = null;
  constructor(
    public text: string,
    public dropped: number,
  ) {}

  setText(text: string): void {
    this.text = text;
    this.escapes = null;
  }

  private escapeIndex(): { at: number[]; extraBefore: number[] } | undefined {
    if (this.escapes !== null) return this.escapes;
    NEEDS_ESCAPE.lastIndex = 0;
    let m: RegExpExecArray | null;
    const at: number[] = [];
    const extraBefore: number[] = [0];
    let extra = 0;
    while ((m = NEEDS_ESCAPE.exec(this.text)) !== null) {
      at.push(m.index);
      extra += escapeCost(m[0]);
      extraBefore.push(extra);
    }
    this.escapes = at.length ? { at, extraBefore } : undefined;
    return this.escapes;
  }

  /** Characters this leaf adds to the JSON when strings are cut at `cap`, quotes included. */
  jsonLength(cap: number): number {
    const kept = cutPoint(this.text, cap);
    const esc = this.escapeIndex();
    let len = kept + 2;
    if (esc) len += esc.extraBefore[lowerBound(esc.at, kept)]!;
    const cut = this.text.length - kept + this.dropped;
    return cut > 0 ? len + marker(cut).length : len;
  }

  render(cap: number): string {
    const kept = cutPoint(this.text, cap);
    const cut = this.text.length - kept + this.dropped;
    return cut > 0 ? this.text.slice(0, kept) + marker(cut) : this.text;
  }
}

/** Stands for the items of an array left out of the copy. */
class OmittedItems extends Leaf {
  constructor(readonly count: number) {
    super(`…[${count} items truncated]`, 0);
  }
}

// Characters JSON.stringify escapes: quote, backslash, controls, and lone surrogates.
const NEEDS_ESCAPE = /["\\\u0000-\u001f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function escapeCost(ch: string): number {
  const c = ch.charCodeAt(0);
  if (ch === '"' || ch === '\\' || c === 8 || c === 9 || c === 10 || c === 12 || c === 13) return 1; // \" \\ \b \t \n \f \r
  return 5; // \u00XX or \uDXXX
}

/** Index of the first element of sorted `xs` that is >= `x`. */
function lowerBound(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where to cut `text` to keep at most `cap` characters without splitting a surrogate pair. */
function cutPoint(text: string, cap: number): number {
  if (text.length <= cap) return text.length;
  const c = text.charCodeAt(cap - 1);
  return cap > 0 && c >= 0xd800 && c <= 0xdbff ? cap - 1 : cap;
}

/** Characters a key adds to an object in the JSON: `"key":` plus a comma. */
function keyLength(key: string): number {
  return JSON.stringify(key).length + 2;
}

type Node = Leaf | string | number | boolean | null | Node[] | { [key: string]: Node };

interface Budget {
  nodes: number;
  chars: number;
  /** Longest text a single string keeps in the copy. */
  perString: number;
  /** Set when the copy left something out: a cut string, items or keys. */
  cut: boolean;
}

/** Copy of `value` with strings as Leaf, within the budget; undefined for what JSON drops. */
function copy(value: unknown, seen: WeakSet<object>, depth: number, budget: Budget): Node | undefined {
  budget.nodes--;
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
      return leafOf(value, budget);
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : leafOf(String(value), budget);
    case 'bigint':
      return leafOf(value.toString(), budget);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  const obj = value as object;
  if (seen.has(obj) || depth > MAX_DEPTH) return leafOf('[circular]', budget);
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      const out: Node[] = [];
      const n = obj.length;
      for (let i = 0; i < n; i++) {
        if (budget.nodes <= 0) {
          budget.cut = true;
          out.push(new OmittedItems(n - i));
          break;
        }
        out.push(copy(obj[i], seen, depth + 1, budget) ?? null);
      }
      return out;
    }
    if (obj instanceof Date) return leafOf(Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString(), budget);
    if (ArrayBuffer.isView(obj)) return leafOf(`[binary ${obj.byteLength} bytes]`, budget);
    const out: { [key: string]: Node } = {};
    for (const key in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
      if (budget.nodes <= 0) {
        budget.cut = true;
        out['…'] = leafOf('[more keys truncated]', budget);
        break;
      }
      if (key.length > budget.perString) budget.cut = true;
      const k = key.length > budget.perString ? key.slice(0, cutPoint(key, budget.perString)) + marker(key.length - budget.perString) : key;
      const c = copy((obj as Record<string, unknown>)[key], seen, depth + 1, budget);
      if (c !== undefined) out[k] = c;
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

function leafOf(text: string, budget: Budget): Leaf | string {
  const keep = Math.max(0, Math.min(text.length, budget.perString, budget.chars));
  const kept = cutPoint(text, keep);
  budget.chars -= kept;
  if (kept === text.length) return text;
  budget.cut = true;
  return new Leaf(text.slice(0, kept), text.length - kept);
}

/** The copy with its whole strings as Leaf too. */
function asLeaves(node: Node): Node {
  if (typeof node === 'string') return new Leaf(node, 0);
  if (node === null || typeof node !== 'object' || node instanceof Leaf) return node;
  if (Array.isArray(node)) return node.map(asLeaves);
  const out: { [key: string]: Node } = {};
  for (const k in node) out[k] = asLeaves(node[k]!);
  return out;
}

/** A copy (of whole strings only) with every string redacted. */
function redactWhole(node: Node, redact: (text: string) => string): Node {
  if (typeof node === 'string') return redact(node);
  if (node === null || typeof node !== 'object' || node instanceof Leaf) return node;
  if (Array.isArray(node)) return node.map((v) => redactWhole(v, redact));
  const out: { [key: string]: Node } = {};
  for (const k in node) out[k] = redactWhole(node[k]!, redact);
  return out;
}

/** The copy's leaves, and the JSON length of everything but them. */
function measure(node: Node, leaves: Leaf[]): number {
  if (typeof node === 'string') return JSON.stringify(node).length;
  if (node instanceof Leaf) {
    leaves.push(node);
    return 0;
  }
  if (node === null) return 4;
  if (typeof node === 'number' || typeof node === 'boolean') return JSON.stringify(node).length;
  if (Array.isArray(node)) {
    let len = 2 + Math.max(0, node.length - 1);
    for (const v of node) len += measure(v, leaves);
    return len;
  }
  let len = 2;
  let keys = 0;
  for (const k in node) {
    len += keyLength(k);
    keys++;
    len += measure(node[k]!, leaves);
  }
  return keys > 0 ? len - 1 : len; // no comma after the last key
}

function render(node: Node, cap: number): unknown {
  if (node instanceof Leaf) return node.render(cap);
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((v) => render(v, cap));
  const out: Record<string, unknown> = {};
  for (const k in node) out[k] = render(node[k]!, cap);
  return out;
}

/** The largest per-string cap at which the JSON fits in `maxLength`, or -1 if none does. */
function largestCap(structure: number, leaves: Leaf[], maxLength: number): number {
  const total = (cap: number) => {
    let len = structure;
    for (const leaf of leaves) len += leaf.jsonLength(cap);
    return len;
  };
  let hi = 0;
  for (const leaf of leaves) if (leaf.text.length > hi) hi = leaf.text.length;
  if (total(hi) <= maxLength) return hi;
  let lo = 0;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (total(mid) <= maxLength) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** Too many items for any cut of the strings: keep the longest prefix of a top-level array that fits. */
function arrayPrefix(all: Node[], maxLength: number): string | undefined {
  const cap = 64;
  const last = all[all.length - 1];
  const omitted = last instanceof OmittedItems ? last.count : 0;
  const node = omitted ? all.slice(0, -1) : all;
  const items = node.length + omitted;
  let len = 2;
  let keep = 0;
  for (; keep < node.length; keep++) {
    const leaves: Leaf[] = [];
    let item = measure(node[keep]!, leaves);
    for (const leaf of leaves) item += leaf.jsonLength(cap);
    const rest = JSON.stringify(`…[${items - keep - 1} items truncated]`).length;
    if (len + item + 1 + rest > maxLength) break;
    len += item + 1;
  }
  if (keep === 0) return undefined;
  const out = node.slice(0, keep).map((v) => render(v, cap));
  out.push(`…[${items - keep} items truncated]`);
  const json = JSON.stringify(out);
  return json.length <= maxLength ? json : undefined;
}

/**
 * `value` as JSON of at most `maxLength` characters. `redact`, when given, is applied to every
 * string that is exported, after the strings are cut to what can be exported.
 */
export function toBoundedJson(value: unknown, maxLength: number, redact?: (text: string) => string): string {
  const max = Math.max(0, Math.floor(maxLength));
  // Each node costs at least one character of output, so a copy never needs more nodes than that.
  const whole: Budget = { nodes: max + 1, chars: 2 * max + REDACTION_MARGIN, perString: max + REDACTION_MARGIN, cut: false };

  // The common case: nothing had to be left out, and the whole value, redacted, fits.
  const copied = copy(value, new WeakSet(), 0, whole) ?? null;
  if (!whole.cut) {
    const json = JSON.stringify(redact ? redactWhole(copied, redact) : copied);
    if (json.length <= max) return json;
  }

  // Otherwise cut: the same copy, with every string as a Leaf that can be cut.
  const root = asLeaves(copied);
  const leaves: Leaf[] = [];
  const structure = measure(root, leaves);
  let cap = largestCap(structure, leaves, max);

  if (redact) {
    // Redact only what the cut keeps (plus a margin), then cut again: redaction changes lengths.
    const keep = cap < 0 ? 64 : cap;
    for (const leaf of leaves) {
      const kept = cutPoint(leaf.text, keep + REDACTION_MARGIN);
      const dropped = leaf.dropped + leaf.text.length - kept;
      leaf.setText(redact(kept === leaf.text.length ? leaf.text : leaf.text.slice(0, kept)));
      leaf.dropped = dropped;
    }
    cap = largestCap(structure, leaves, max);
  }

  if (cap >= 0) {
    const json = JSON.stringify(render(root, cap));
    if (json.length <= max) return json;
  }
  if (Array.isArray(root)) {
    const json = arrayPrefix(root, max);
    if (json !== undefined) return json;
  }
  let size = structure;
  for (const leaf of leaves) size += leaf.jsonLength(Number.MAX_SAFE_INTEGER);
  const fallback = JSON.stringify(`…[truncated ${size} chars]`);
  return fallback.length <= max ? fallback : '""';
}
