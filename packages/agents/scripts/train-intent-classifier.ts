/**
 * Fits the two embedded classifiers and writes their weights:
 *
 * - src/conversation/intent-weights.ts — harmful or policy-violating intent in single prompts: the
 *   `train` sources of bench/data/conversations/prepare.ts except the dialogue ones (harmful
 *   prompts and questions, hateful statements and tweets vs benign instructions and questions).
 * - src/conversation/dialogue-weights.ts — harm in a chat: all of those plus benign small talk
 *   between people (PersonaChat, Wizard of Wikipedia, Wizard of Internet, Topical-Chat valid_rare)
 *   and DiaSafety's labelled chat (toxic contexts and unsafe bot replies vs safe replies).
 *   A second model rather than one: fitted together, the hundred thousand chat utterances drown
 *   the few hundred harmful requests ("how do I make a pipe bomb" fell from 0.95 to 0.2), so the
 *   scorer reads a turn with both and takes the higher. Bot-Adversarial Dialogue's valid split
 *   and Multi-Session Chat were trained on until the licence audit dropped them (no licence is
 *   stated for either; see the package README's provenance table); DiaSafety (Apache-2.0) took
 *   their place.
 *
 * Run bench/data/conversations/prepare.ts first. Deterministic (seeded shuffle).
 *
 *   node --import tsx packages/agents/scripts/train-intent-classifier.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FEATURE_BUCKETS, forEachIntentFeature, INTENT_BUCKETS } from '../src/conversation/intent-features';
import { normalizeText } from '../src/conversation/normalize-text';

const root = resolve(import.meta.dirname, '../../..');
const cache = resolve(root, 'bench/data/conversations/.cache');
const manifest = JSON.parse(readFileSync(resolve(cache, 'manifest.json'), 'utf8')) as {
  sources: { url: string; commit: string; licence: string; role: string; files: string[] }[];
};
const items = readFileSync(resolve(cache, 'train.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { text: string; harmful: boolean; source: string });

/** Dialogue sources: the small-talk sets (read from andreamad8/FSB and alexa/Topical-Chat) and DiaSafety's labelled chat. */
const DIALOGUE_REPOS = ['andreamad8/FSB', 'alexa/Topical-Chat', 'thu-coai/DiaSafety'];
const isDialogue = (source: string) => DIALOGUE_REPOS.some((r) => source.startsWith(`${r}:`));
/** The dialogue model's weights: three times the texts of the intent model, so more buckets (fewer collisions between chat words and harmful ones). */
const DIALOGUE_BUCKETS = FEATURE_BUCKETS;

interface Example {
  feats: Int32Array;
  y: number;
  question: boolean;
  tweet: boolean;
}

function fit(selected: typeof items, buckets: number): { q: Buffer; scale: number; bias: number; summary: string } {
  let seed = 12;
  const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const seen = new Set<string>();
  const data: Example[] = [];
  for (const it of selected) {
    const t = normalizeText(it.text).text;
    if (seen.has(t)) continue;
    seen.add(t);
    const f: number[] = [];
    forEachIntentFeature(t, (b) => f.push(b & (buckets - 1)));
    data.push({
      feats: Int32Array.from(f),
      y: it.harmful ? 1 : 0,
      question: /\?\s*$/.test(t),
      tweet: it.source.startsWith('t-davidson/'),
    });
  }
  for (let i = data.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [data[i], data[j]] = [data[j]!, data[i]!];
  }
  const holdout = data.slice(0, Math.floor(data.length / 10));
  const train = data.slice(holdout.length);
  const pos = train.filter((d) => d.y === 1).length;
  const neg = train.length - pos;
  // Half-way class balancing (square root of the ratio): full balancing inflates the harmful
  // probability of every benign turn that merely shares the imperative style of the harmful set.
  const wPos = Math.sqrt(neg / pos);
  const wNeg = 1;

  const w = new Float64Array(buckets);
  const g2 = new Float64Array(buckets).fill(1e-8);
  let bias = 0;
  let gb = 1e-8;
  const lr = 0.3;
  const l2 = 1e-5;
  const logit = (f: Int32Array) => {
    let s = bias;
    for (const b of f) s += w[b]!;
    return s;
  };
  for (let epoch = 0; epoch < 12; epoch++) {
    for (const d of train) {
      const p = 1 / (1 + Math.exp(-logit(d.feats)));
      const g = (p - d.y) * (d.y ? wPos : wNeg);
      for (const b of d.feats) {
        const gi = g + l2 * w[b]!;
        g2[b]! += gi * gi;
        w[b]! -= (lr * gi) / Math.sqrt(g2[b]!);
      }
      gb += g * g;
      bias -= (lr * g) / Math.sqrt(gb);
    }
  }

  let maxAbs = 0;
  for (const v of w) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs / 127;
  const q = Buffer.alloc(buckets);
  for (let i = 0; i < buckets; i++) q.writeInt8(Math.max(-127, Math.min(127, Math.round(w[i]! / scale))), i);

  // Held-out accuracy of the quantized model (single texts, not conversations).
  const qlogit = (f: Int32Array) => {
    let s = bias;
    for (const b of f) s += q.readInt8(b) * scale;
    return s;
  };
  const rates = (ds: Example[]) => {
    let tp = 0,
      fp = 0,
      fn = 0,
      tn = 0;
    for (const d of ds) {
      const yes = qlogit(d.feats) > 0;
      if (yes && d.y) tp++;
      else if (yes) fp++;
      else if (d.y) fn++;
      else tn++;
    }
    return { recall: tp / (tp + fn), fpr: fp / (fp + tn), pos: tp + fn, neg: fp + tn };
  };
  const fmt = (r: ReturnType<typeof rates>) => `recall ${r.recall.toFixed(3)}, false-positive rate ${r.fpr.toFixed(3)}`;
  const all = rates(holdout);
  // Also for questions alone: the known weakness was question-mood harmful requests read as benign.
  const questions = rates(holdout.filter((d) => d.question));
  const prompts = rates(holdout.filter((d) => !d.tweet));
  const summary = `${train.length} texts (${pos} harmful, ${neg} benign); held-out ${holdout.length}: ${fmt(all)}; without the tweets (${prompts.pos} harmful, ${prompts.neg} benign): ${fmt(prompts)}; its questions (${questions.pos} harmful, ${questions.neg} benign): ${fmt(questions)}`;
  return { q, scale, bias, summary };
}

const trainSources = manifest.sources.filter((s) => s.role === 'train');
const cite = (ss: typeof trainSources) => ss.map((s) => `${s.url}@${s.commit.slice(0, 12)} (${s.licence.split(';')[0]})`).join(', ');
const write = (file: string, name: string, what: string, model: ReturnType<typeof fit>, sources: string) => {
  writeFileSync(
    resolve(root, 'packages/agents/src/conversation', file),
    `// Generated by packages/agents/scripts/train-intent-classifier.ts — do not edit by hand.
// ${what}
// Trained on ${model.summary}.
// Sources: ${sources}.
import type { IntentModel } from './intent-classifier';

export const ${name}: IntentModel = {
  scale: ${model.scale},
  bias: ${model.bias},
  weights:
    '${model.q.toString('base64')}',
};
`,
  );
  console.log(`${file}: ${model.summary}`);
};

const isDialogueSource = (s: (typeof trainSources)[number]) => DIALOGUE_REPOS.some((r) => s.url.endsWith(`/${r}`));
write(
  'intent-weights.ts',
  'INTENT_MODEL',
  'Harmful or policy-violating intent in single prompts.',
  fit(
    items.filter((it) => !isDialogue(it.source)),
    INTENT_BUCKETS,
  ),
  cite(trainSources.filter((s) => !isDialogueSource(s))),
);
write(
  'dialogue-weights.ts',
  'DIALOGUE_MODEL',
  'Harm in a chat: the single-prompt sets plus small talk between people as benign.',
  fit(items, DIALOGUE_BUCKETS),
  cite(trainSources),
);
