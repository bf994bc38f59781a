/**
 * FNV-1a (32-bit) of a string's UTF-16 code units: the one cheap, stable hash Warden's packages
 * share for bucketing and sampling (session keys, service tags, sampled conversation ids, hashed
 * words). Not for anything an attacker could exploit by choosing collisions.
 */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
