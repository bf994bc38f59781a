/**
 * Serialise a JSON-like value to at most `maxLength` characters while keeping the result
 * valid JSON: long strings are cut (with a marker saying how much), and if that is not
 * enough, trailing array items are replaced by one marker.
 */
const MARKER = (n: number) => `…[truncated ${n} chars]`;

function safeClone(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  const obj = value as object;
  if (seen.has(obj) || depth > 32) return '[circular]';
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v) => safeClone(v, seen, depth + 1) ?? null);
    if (obj instanceof Date) return obj.toISOString();
    if (ArrayBuffer.isView(obj)) return `[binary ${(obj as ArrayBufferView).byteLength} bytes]`;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const c = safeClone(v, seen, depth + 1);
      if (c !== undefined) out[k] = c;
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

function capStrings(value: unknown, cap: number): unknown {
  if (typeof value === 'string') {
    // Count code points so a cut never splits a surrogate pair.
    const chars = Array.from(value);
    return chars.length > cap ? chars.slice(0, cap).join('') + MARKER(chars.length - cap) : value;
  }
  if (Array.isArray(value)) return value.map((v) => capStrings(v, cap));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = capStrings(v, cap);
    return out;
  }
  return value;
}

function longestString(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((m: number, v) => Math.max(m, longestString(v)), 0);
  if (value && typeof value === 'object') return Object.values(value).reduce((m: number, v) => Math.max(m, longestString(v)), 0);
  return 0;
}

export function toBoundedJson(value: unknown, maxLength: number): string {
  const clean = safeClone(value, new WeakSet(), 0) ?? null;
  let json = JSON.stringify(clean);
  if (json.length <= maxLength) return json;

  // Binary-search the largest per-string cap that fits.
  let lo = 0;
  let hi = longestString(clean);
  let best: string | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const candidate = JSON.stringify(capStrings(clean, mid));
    if (candidate.length <= maxLength) {
      best = candidate;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (best !== undefined) return best;

  // Still too long: too many items. Keep a prefix of the (top-level) array.
  const capped = capStrings(clean, 64);
  if (Array.isArray(capped)) {
    const withPrefix = (keep: number) => JSON.stringify([...capped.slice(0, keep), `…[${capped.length - keep} items truncated]`]);
    // Binary-search the longest prefix that fits (a linear scan is quadratic on big arrays).
    let lo = 0;
    let hi = capped.length - 1;
    let fit: string | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      json = withPrefix(mid);
      if (json.length <= maxLength) {
        fit = json;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (fit !== undefined) return fit;
  }
  return JSON.stringify(`…[truncated ${JSON.stringify(clean).length} chars]`);
}
