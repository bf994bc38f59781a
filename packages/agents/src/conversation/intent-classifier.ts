import { FEATURE_BUCKETS, forEachIntentFeature } from './intent-features';
import { DIALOGUE_MODEL } from './dialogue-weights';
import { INTENT_MODEL } from './intent-weights';

/**
 * The embedded per-turn classifier of harmful or policy-violating intent: logistic
 * regression over hashed word unigrams and bigrams, weights quantized to int8 and shipped in
 * the package (trained by `packages/agents/scripts/train-intent-classifier.ts`; data and
 * provenance in the package README). Pure and allocation-free per call.
 */
export interface IntentModel {
  /** int8 weights, base64; a power of two of them, at most FEATURE_BUCKETS. */
  weights: string;
  /** Multiply an int8 weight by this to get the logit contribution. */
  scale: number;
  bias: number;
}

/**
 * The weights stay int8 (a quarter of the memory, so the 2^17 of the dialogue model stay in cache):
 * each is read through a table of its 256 possible values times the scale, rounded to float32 as a
 * decoded Float32Array would hold them, so sums are bit-identical to that.
 */
function decode(model: IntentModel): { q: Int8Array; values: Float32Array } {
  const bytes = Buffer.from(model.weights, 'base64');
  const n = bytes.length;
  if (n < 2 || n > FEATURE_BUCKETS || (n & (n - 1)) !== 0) throw new Error(`intent model has ${n} weights, expected a power of two up to ${FEATURE_BUCKETS}`);
  const q = new Int8Array(n);
  for (let i = 0; i < n; i++) q[i] = (bytes[i]! << 24) >> 24;
  const values = new Float32Array(256);
  for (let k = -128; k < 128; k++) values[k + 128] = k * model.scale;
  return { q, values };
}

/** What one `scoreInto` pass wrote besides its own probability; owned by the caller, so a shared classifier keeps no per-call result. */
export interface ScorePass {
  /** How many distinct buckets were written into `features`. */
  collected: number;
  /** The companion model's probability for the same text (0 without one). */
  also: number;
}

export class IntentClassifier {
  private readonly q: Int8Array;
  private readonly values: Float32Array;
  private readonly bias: number;
  private sum = 0;
  private seen: Set<number> | undefined;
  // Distinct buckets into a caller's array: a generation mark per bucket instead of a Set per call.
  private readonly mask: number;
  private mark: Uint32Array | undefined;
  private generation = 0;
  private into: Int32Array | undefined;
  private collected = 0;
  // A second model summed in the same pass over the text: hashing the words is most of the cost.
  private also: IntentClassifier | undefined;
  private readonly add = (feature: number) => {
    const bucket = feature & this.mask;
    this.sum += this.values[this.q[bucket]! + 128]!;
    const also = this.also;
    if (also) also.sum += also.values[also.q[feature & also.mask]! + 128]!;
    if (this.seen && this.seen.size < 96) this.seen.add(bucket);
    else if (this.into && this.mark && this.collected < this.into.length && this.mark[bucket] !== this.generation) {
      this.mark[bucket] = this.generation;
      this.into[this.collected++] = bucket;
    }
  };

  constructor(model: IntentModel = INTENT_MODEL) {
    const { q, values } = decode(model);
    this.q = q;
    this.values = values;
    this.bias = model.bias;
    this.mask = q.length - 1;
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

  /**
   * Like `score`, writing the text's first distinct feature buckets into `features` (as many as fit;
   * count in `pass.collected`). With `also` (another model over the same features), scores the text
   * with it in the same pass: its probability goes to `pass.also`, exactly what `also.score` would give.
   */
  scoreInto(normalized: string, features: Int32Array, also?: IntentClassifier, pass?: ScorePass): number {
    this.mark ??= new Uint32Array(this.q.length); // only models that collect features pay for it
    this.generation = (this.generation + 1) >>> 0 || 1;
    this.collected = 0;
    this.into = features;
    const other = also !== this ? also : undefined;
    if (other) other.sum = other.bias;
    this.also = other;
    const logit = this.logit(normalized);
    this.also = undefined;
    this.into = undefined;
    if (pass) {
      pass.collected = this.collected;
      pass.also = other ? 1 / (1 + Math.exp(-other.sum)) : also ? 1 / (1 + Math.exp(-logit)) : 0;
    }
    return 1 / (1 + Math.exp(-logit));
  }
}

let shared: IntentClassifier | undefined;
/** One decoded copy of the shipped weights per process (32 KiB, and 128 KiB for the marks of `scoreInto`). */
export function defaultIntentClassifier(): IntentClassifier {
  shared ??= new IntentClassifier();
  return shared;
}

let sharedDialogue: IntentClassifier | undefined;
/**
 * The second embedded model, same features: harm in a chat (said by the user or the model), fitted
 * on the intent model's data plus benign small talk between people, so chat reads as chat, and
 * DiaSafety's labelled chat (toxic contexts, unsafe and safe bot replies; provenance and licences in
 * the package README). One decoded copy per process (131 072 int8
 * weights, 128 KiB).
 */
export function defaultDialogueClassifier(): IntentClassifier {
  sharedDialogue ??= new IntentClassifier(DIALOGUE_MODEL);
  return sharedDialogue;
}
