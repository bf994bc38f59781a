/**
 * Names recorded on every span (agent, model, tool, provider, conversation id) come from the app
 * or from a model's output; an unbounded one (100k characters were seen) would ride on every
 * span and metric point. They are identifiers, not content: cut to a fixed length.
 */
export const MAX_NAME_LENGTH = 256;

/** `name` cut to MAX_NAME_LENGTH characters (never splitting a surrogate pair), marked with a trailing `…`. */
export function boundedName(name: string): string {
  if (name.length <= MAX_NAME_LENGTH) return name;
  let end = MAX_NAME_LENGTH - 1;
  const c = name.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${name.slice(0, end)}…`;
}
