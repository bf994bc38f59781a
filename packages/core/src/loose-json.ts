// OpenAI and Anthropic SDKs are both Stainless-generated: their payloads are read with the same lenient accessors.
import type { MessagePart } from './content';

/** Readers for fields of SDK payloads that may be missing, null or oddly typed. */
export type Dict = Record<string, unknown>;

export function asDict(value: unknown): Dict | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Dict) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Tool arguments arrive as a JSON string; keep the string when it does not parse. */
export function parseArguments(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Appends to a bounded buffer of streamed text (content capture keeps at most `max` chars). */
export function appendBounded(buffer: string, piece: string, max: number): string {
  if (buffer.length >= max) return buffer;
  const next = buffer + piece;
  return next.length > max ? next.slice(0, max) : next;
}

/**
 * Message content as semconv parts, the same walk for every SDK: a string is one text part; in
 * an array, each object with a `type` becomes the part `partOf` makes of it, anything else is skipped.
 */
export function messageParts(content: unknown, partOf: (type: string, part: Dict) => MessagePart): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  const parts: MessagePart[] = [];
  for (const raw of asArray(content)) {
    const part = asDict(raw);
    const type = part && asString(part.type);
    if (type) parts.push(partOf(type, part));
  }
  return parts;
}
