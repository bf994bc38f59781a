import type { Conversation } from './prepare';

/** Consecutive messages of one side are joined; each user message opens a turn, the other side's reply closes it. */
export function pairTurns(messages: { user: boolean; text: string }[]): Conversation['turns'] {
  const turns: Conversation['turns'] = [];
  let lastUser = false;
  for (const m of messages) {
    if (m.user) {
      if (lastUser && turns.length) turns[turns.length - 1]!.user += `\n${m.text}`;
      else turns.push({ user: m.text });
    } else if (turns.length) {
      const t = turns[turns.length - 1]!;
      t.assistant = t.assistant === undefined ? m.text : `${t.assistant}\n${m.text}`;
    }
    lastUser = m.user;
  }
  return turns;
}
