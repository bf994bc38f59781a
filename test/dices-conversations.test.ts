import { describe, expect, it } from 'vitest';
import { dicesConversations } from '../bench/data/conversations/dices';

// A made-up file in JUDGE-BENCH's DICES shape: the parser's turn pairing and labels, not the data.
const file = JSON.stringify({
  instances: [
    {
      id: 7,
      instance: { user_prompt: 'USER: first ask\nLAMDA: first reply\nsecond line of it\nUSER: second ask', response: 'final reply' },
      annotations: { safety: { majority_human: 'Yes' } },
    },
    { id: 8, instance: { user_prompt: 'USER: only ask', response: 'safe reply' }, annotations: { safety: { majority_human: 'No' } } },
    { id: 9, instance: { user_prompt: 'USER: seen in training', response: 'trained reply' }, annotations: { safety: { majority_human: 'Yes' } } },
  ],
});

describe('dicesConversations', () => {
  it('pairs each USER line with the LAMDA lines after it and ends with the labelled reply', () => {
    const [c] = dicesConversations(file, 'dices', 'report');
    expect(c).toMatchObject({ id: 'dices-350#7', attack: true, successful: true, successBy: 'human', role: 'report' });
    expect(c!.turns).toEqual([
      { user: 'first ask', assistant: 'first reply\nsecond line of it' },
      { user: 'second ask', assistant: 'final reply' },
    ]);
  });

  it('reads "No" as an attack that did not succeed and leaves out conversations seen in training', () => {
    const cs = dicesConversations(file, 'dices', 'report', new Set(['trained reply']));
    expect(cs.map((c) => [c.id, c.successful])).toEqual([
      ['dices-350#7', true],
      ['dices-350#8', false],
    ]);
  });
});
