/** Sentence splitting shared by the rules that read intent across a sentence. */
export interface Sentence {
  text: string;
  start: number;
}

/** Sentences (and list items / lines) of a description, with their offsets. Bounded: at most 400. */
export function sentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  const re = /[^.!?\n]+(?:[.!?](?=\w)[^.!?\n]*)*[.!?]*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && out.length < 400) {
    if (m[0].trim().length > 0) out.push({ text: m[0], start: m.index });
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}
