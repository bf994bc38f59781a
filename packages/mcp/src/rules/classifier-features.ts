/**
 * The embedded classifier's features, shared by the classifier rule and its training script
 * (scripts/train-classifier.ts): word unigrams and bigrams of one sentence, with URLs, e-mail
 * addresses, paths and numbers folded to placeholders, hashed (FNV-1a) into a fixed number of buckets.
 */
import { fnv1a } from '@warden/core/internal';
export function normalizeForFeatures(text: string): string {
  return text
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, ' zurl ')
    .replace(/[\w.+-]+@[\w-]+\.[\w.-]+/g, ' zemail ')
    .replace(/(?:~|\.{1,2})?\/[\w.\-/]+/g, ' zpath ')
    .replace(/\d+/g, ' znum ');
}

/** Distinct bucket indices of a sentence's unigrams and bigrams (at most 200 tokens read). */
export function featureBuckets(text: string, buckets: number): number[] {
  const words =
    normalizeForFeatures(text)
      .match(/[a-z][a-z']*/g)
      ?.slice(0, 200) ?? [];
  const out = new Set<number>();
  for (let i = 0; i < words.length; i++) {
    out.add(fnv1a(words[i]) % buckets);
    if (i > 0) out.add(fnv1a(`${words[i - 1]} ${words[i]}`) % buckets);
  }
  return [...out];
}
