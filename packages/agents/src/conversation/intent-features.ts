/**
 * Hashed word n-gram features shared by the intent classifier and its training script, so
 * the weights shipped in the package are read exactly as they were fitted.
 */

/**
 * Number of hashed feature buckets visited (a power of two). A model may have fewer weights (a
 * smaller power of two) and read `bucket & (weights - 1)`: every bucket below is a hash masked to
 * these bits, so masking further gives what hashing into the smaller space would have.
 */
export const FEATURE_BUCKETS = 1 << 17;
/** Weights of the intent model (fewer texts, fewer buckets needed). */
export const INTENT_BUCKETS = 1 << 15;
const MASK = FEATURE_BUCKETS - 1;
/** Words read per text; the normalized slice is already bounded, this bounds the work too. */
const MAX_WORDS = 400;

function isWordChar(c: number): boolean {
  // a-z, 0-9, apostrophe, and any non-ASCII letter (the text is lower-cased already)
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 39 || c > 127;
}

/**
 * Calls `visit(bucket)` for every unigram and bigram of a normalized (lower-cased) text, the
 * five-letter stem of every longer word, and a bias-like bucket for very short texts. Allocation-free.
 */
export function forEachIntentFeature(text: string, visit: (bucket: number) => void): void {
  let prev = 0;
  let words = 0;
  let i = 0;
  const n = text.length;
  while (i < n && words < MAX_WORDS) {
    while (i < n && !isWordChar(text.charCodeAt(i))) i++;
    const start = i;
    // FNV-1a of the word, hashed while scanning it
    let h = 0x811c9dc5;
    for (let c = i < n ? text.charCodeAt(i) : 0; i < n && isWordChar(c); c = text.charCodeAt(++i)) h = Math.imul(h ^ c, 0x01000193);
    h >>>= 0;
    if (i === start) break;
    visit(h & MASK);
    // A long word's first five letters too: "poisonous", "poisoning" and "poison" share a stem.
    if (i - start > 5) {
      let g = 0x9dc5811c;
      for (let k = start; k < start + 5; k++) g = Math.imul(g ^ text.charCodeAt(k), 0x01000193);
      visit((g >>> 0) & MASK);
    }
    if (words > 0) visit((Math.imul(prev ^ 0x9e3779b9, 0x85ebca6b) ^ h) & MASK);
    prev = h;
    words++;
  }
  if (words <= 3) visit(MASK); // short turns ("go on", "and then?") carry little intent by themselves
}
