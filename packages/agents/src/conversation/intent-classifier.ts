import { forEachIntentFeature, INTENT_BUCKETS } from './intent-features';
import { INTENT_MODEL } from './intent-weights';

/**
 * The embedded per-turn classifier of harmful or policy-violating intent: logistic
 * regression over hashed word unigrams and bigrams, weights quantized to int8 and shipped in
 * the package (trained by `packages/agents/scripts/train-intent-classifier.ts`; data and
 * provenance in the package README). Pure and allocation-free per call.
 */
export interface IntentModel {
  /** int8 weights, base64, INTENT_BUCKETS of them. */
  weights: string;
  /** Multiply an int8 weight by this to get the logit contribution. */
  scale: number;
  bias: number;
}

function decode(model: IntentModel): Float32Array {
  const bytes = Buffer.from(model.weights, 'base64');
  if (bytes.length !== INTENT_BUCKETS) throw new Error(`intent model has ${bytes.length} weights, expected ${INTENT_BUCKETS}`);
  const out = new Float32Array(INTENT_BUCKETS);
  for (let i = 0; i < INTENT_BUCKETS; i++) out[i] = ((bytes[i]! << 24) >> 24) * model.scale;
  return out;
}

export class IntentClassifier {
  private readonly w: Float32Array;
  private readonly bias: number;
  private sum = 0;
  private seen: Set<number> | undefined;
  // Distinct buckets into a caller's array: a generation mark per bucket instead of a Set per call.
  private readonly mark = new Uint32Array(INTENT_BUCKETS);
  private generation = 0;
  private into: Int32Array | undefined;
  /** How many distinct buckets the last `scoreInto` wrote. */
  collected = 0;
  private readonly add = (bucket: number) => {
    this.sum += this.w[bucket]!;
    if (this.seen && this.seen.size < 96) this.seen.add(bucket);
    else if (this.into && this.collected < this.into.length && this.mark[bucket] !== this.generation) {
      this.mark[bucket] = this.generation;
      this.into[this.collected++] = bucket;
    }
  };

  constructor(model: IntentModel = INTENT_MODEL) {
    this.w = decode(model);
    this.bias = model.bias;
  }

  /** Logit of harmful intent for a normalized (lower-cased) text; collects up to 96 of its feature buckets into `features`. */
  logit(normalized: string, features?: Set<number>): number {
    this.sum = this.bias;
    this.seen = features;
    forEachIntentFeature(normalized, this.add);
    this.seen = undefined;
    return this.sum;
  }

  /** Probability of harmful intent for a normalized text. */
  score(normalized: string, features?: Set<number>): number {
    return 1 / (1 + Math.exp(-this.logit(normalized, features)));
  }

  /** Like `score`, writing the text's first distinct feature buckets into `features` (as many as fit; count in `collected`). */
  scoreInto(normalized: string, features: Int32Array): number {
    this.generation = (this.generation + 1) >>> 0 || 1;
    this.collected = 0;
    this.into = features;
    const logit = this.logit(normalized);
    this.into = undefined;
    return 1 / (1 + Math.exp(-logit));
  }
}

let shared: IntentClassifier | undefined;
/** One decoded copy of the shipped weights per process (128 KiB). */
export function defaultIntentClassifier(): IntentClassifier {
  shared ??= new IntentClassifier();
  return shared;
}
