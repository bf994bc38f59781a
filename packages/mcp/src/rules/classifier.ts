import { REF } from '../references';
import { CLASSIFIER } from './classifier-weights';
import { featureBuckets } from './classifier-features';
import { defineRule, type TextRule } from './rule';
import { sentences } from './sentences';

// Low: on the npm evaluation half it flagged 2.8% of real descriptions (README "Measured"), so it is
// advice beside the rules, not counted at the default thresholds.
const meta = defineRule(
  'WMCP024',
  'classifier-instruction-like',
  'low',
  'The embedded classifier (logistic regression over word n-grams, shipped weights) scores a sentence as written to steer the model rather than to describe the tool.',
  [REF.LLM01, REF.T0051, REF.MCP03],
);

let weights: Float32Array | undefined;
function decoded(): Float32Array {
  if (!weights) {
    const q = Buffer.from(CLASSIFIER.weights, 'base64');
    weights = new Float32Array(q.length);
    for (let i = 0; i < q.length; i++) weights[i] = ((q[i] << 24) >> 24) * CLASSIFIER.scale;
  }
  return weights;
}

/** Probability that one sentence is instruction-like (written to steer the model). */
export function classifySentence(text: string): number {
  const w = decoded();
  let z = CLASSIFIER.bias;
  for (const b of featureBuckets(text, CLASSIFIER.buckets)) z += w[b];
  return 1 / (1 + Math.exp(-z));
}

export const classifierRule: TextRule = {
  meta,
  prose(text, _ctx, out) {
    if (text.length < 24) return;
    let best: { p: number; start: number; end: number } | undefined;
    for (const s of sentences(text)) {
      if (s.text.trim().length < 12) continue;
      const p = classifySentence(s.text);
      if (p >= CLASSIFIER.threshold && (!best || p > best.p)) best = { p, start: s.start, end: s.start + s.text.length };
    }
    if (best) out.push({ rule: meta, start: best.start, end: best.end, note: `instruction-like sentence (classifier p=${best.p.toFixed(2)})` });
  },
};
