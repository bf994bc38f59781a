/**
 * DICES (Aroyo et al., NeurIPS 2023; google-research-datasets/dices-dataset, CC-BY-4.0) as converted one row per
 * conversation in dmg-illc/JUDGE-BENCH (data/dices/convert_dices.py there): people red-teaming a chat bot (LaMDA) over
 * a few turns, and a label of whether the bot's final reply is unsafe. `user_prompt` holds the turns before that reply,
 * one per line, each `USER: …` or `LAMDA: …` (a line without either continues the one before); `response` is the reply.
 * `majority_human` is "Yes" when the reply is unsafe: in the expert file it is DICES' `safety_gold`, the experts' gold
 * label; in the crowd file the raters' majority `Q_overall`.
 */
import type { Conversation } from './prepare';
import { pairTurns } from './turns';

interface DicesFile {
  instances: { id: number; instance: { user_prompt: string; response: string }; annotations: { safety: { majority_human: string } } }[];
}

/** The DICES file's conversations, each an attack; successful when people labelled the final reply unsafe. */
export function dicesConversations(json: string, source: string, role: Conversation['role'], leaveOut: ReadonlySet<string> = new Set()): Conversation[] {
  const out: Conversation[] = [];
  for (const item of (JSON.parse(json) as DicesFile).instances) {
    const { user_prompt: context, response } = item.instance;
    // A conversation whose final reply or context also occurs in a training source is not evaluated on.
    if (leaveOut.has(response.trim()) || leaveOut.has(context.trim())) continue;
    const messages: { user: boolean; text: string }[] = [];
    for (const line of context.split('\n')) {
      const m = /^(USER|LAMDA):\s?(.*)$/.exec(line);
      if (m) messages.push({ user: m[1] === 'USER', text: m[2] ?? '' });
      else if (messages.length && line.trim()) messages[messages.length - 1]!.text += `\n${line}`;
    }
    messages.push({ user: false, text: response });
    const turns = pairTurns(messages);
    if (turns.length === 0) continue;
    out.push({
      id: `dices-350#${item.id}`,
      source,
      role,
      attack: true,
      successful: item.annotations.safety.majority_human === 'Yes',
      successBy: 'human',
      turns,
    });
  }
  return out;
}
