/**
 * Train the embedded classifier (src/rules/classifier-weights.ts): logistic regression over
 * hashed word unigrams/bigrams of single sentences, weights quantised to int8.
 *
 * Data, all with licences that allow it (see README "Embedded classifier"):
 * - positives: sentences of the poisoned definitions of this repo's own corpus
 *   (src/__fixtures__/corpus, Apache-2.0, written by us) and of the *development* sources of
 *   bench/data/poison (MIT- or Apache-2.0-licensed repositories only; labels.json, or the fixture
 *   names for sources labelled so) — after each definition's first sentence,
 *   which usually says what the tool does;
 * - negatives: every sentence of this repo's benign corpus and of the tool descriptions of the
 *   npm MCP server packages in the *training half* (package name hash even) of the harvest
 *   (bench/data/npm-tools), MIT/ISC/Apache-2.0/BSD-licensed packages only.
 * The held-out poison sources and the other half of the npm packages are never read here.
 *
 * Run after prepare.ts and harvest.ts: node --import tsx packages/mcp/scripts/train-classifier.ts
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { featureBuckets } from '../src/rules/classifier-features';
import { sentences } from '../src/rules/sentences';
import { loadCorpus } from '../src/corpus';
import { labelFromFixture } from '../bench/data/poison/structural-labels';

const BUCKETS = 4096;
const POISON = process.env.MCP_POISON_OUT ?? '/work/data/mcp-poison/corpus.json';
const NPM = `${process.env.MCP_NPM_DIR ?? '/work/data/mcp-npm'}/tools.json`;
const PERMISSIVE = /^(?:MIT|ISC|Apache-2\.0|BSD-2-Clause|BSD-3-Clause|0BSD|Unlicense)$/i;

/** npm packages whose name hashes even train the classifier; odd ones are for evaluation only. */
export function isTrainingPackage(name: string): boolean {
  return createHash('sha256').update(name).digest()[0] % 2 === 0;
}

interface Doc {
  text: string;
  poisoned: boolean;
  origin: string;
}

function texts(tool: { description?: string; inputSchema?: unknown }): string {
  const params = Object.values((tool.inputSchema as { properties?: Record<string, { description?: string }> } | undefined)?.properties ?? {})
    .map((p) => p?.description)
    .filter((d): d is string => typeof d === 'string');
  return [tool.description ?? '', ...params].join('\n');
}

function loadDocs(): { docs: Doc[]; counts: Record<string, number> } {
  const docs: Doc[] = [];
  const corpus = loadCorpus();
  for (const e of corpus.poisoned) docs.push({ text: texts(e.tool), poisoned: true, origin: 'repo-corpus' });
  for (const e of corpus.benign) docs.push({ text: texts(e.tool), poisoned: false, origin: 'repo-corpus' });
  if (existsSync(POISON)) {
    const data = JSON.parse(readFileSync(POISON, 'utf8')) as {
      manifest: { repo: string; role: string; licence: string; labelBy?: string }[];
      tools: { source: string; name: string; description: string; params: Record<string, string>; fixture?: string }[];
    };
    const labels = JSON.parse(readFileSync(new URL('../bench/data/poison/labels.json', import.meta.url), 'utf8')) as {
      poisoned: { source: string; name: string; starts?: string }[];
    };
    // Development sources under a permissive licence only; held-out sources are never read here.
    const dev = new Set(
      data.manifest
        .filter((m) => m.role === 'development' && /^(?:MIT|Apache-2\.0)\b/.test(m.licence) && !/not used for training/.test(m.licence))
        .map((m) => m.repo),
    );
    const byFixture = new Set(data.manifest.filter((m) => m.labelBy === 'fixture-name').map((m) => m.repo));
    for (const t of data.tools) {
      if (!dev.has(t.source)) continue;
      // Sources labelled by fixture name: unlabelled fixtures (argument-value attacks, scanner internals) are left out.
      const structural = byFixture.has(t.source) ? labelFromFixture(t.fixture) : undefined;
      if (byFixture.has(t.source) && !structural) continue;
      const poisoned = structural
        ? structural.poisoned
        : labels.poisoned.some((l) => l.source === t.source && l.name === t.name && (!l.starts || t.description.startsWith(l.starts)));
      docs.push({ text: [t.description, ...Object.values(t.params)].join('\n'), poisoned, origin: 'dev-sources' });
    }
  }
  if (existsSync(NPM)) {
    const npm = JSON.parse(readFileSync(NPM, 'utf8')) as {
      packages: { name: string; licence: string; tools: { description?: string; inputSchema?: unknown }[] }[];
    };
    for (const p of npm.packages) {
      if (!isTrainingPackage(p.name) || !PERMISSIVE.test(p.licence)) continue;
      for (const t of p.tools) docs.push({ text: texts(t), poisoned: false, origin: 'npm-train' });
    }
  }
  const counts: Record<string, number> = {};
  for (const d of docs) counts[`${d.origin}:${d.poisoned ? 'poisoned' : 'benign'}`] = (counts[`${d.origin}:${d.poisoned ? 'poisoned' : 'benign'}`] ?? 0) + 1;
  return { docs, counts };
}

function sentenceExamples(docs: Doc[]): { x: number[][]; y: number[] } {
  const x: number[][] = [];
  const y: number[] = [];
  for (const d of docs) {
    const ss = sentences(d.text).filter((s) => s.text.trim().length >= 12);
    const used = d.poisoned && ss.length > 1 ? ss.slice(1) : ss;
    for (const s of used) {
      x.push(featureBuckets(s.text, BUCKETS));
      y.push(d.poisoned ? 1 : 0);
    }
  }
  return { x, y };
}

function train(x: number[][], y: number[], epochs = 60): { w: Float64Array; b: number } {
  const w = new Float64Array(BUCKETS);
  let b = 0;
  const pos = y.filter((v) => v === 1).length;
  const weightPos = (y.length - pos) / Math.max(pos, 1);
  const lr = 0.05;
  const l2 = 1e-4;
  const order = x.map((_, i) => i);
  let seed = 7;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const i of order) {
      let z = b;
      for (const f of x[i]) z += w[f];
      const p = 1 / (1 + Math.exp(-z));
      const g = (p - y[i]) * (y[i] === 1 ? weightPos : 1);
      b -= lr * g;
      for (const f of x[i]) w[f] -= lr * (g + l2 * w[f]);
    }
  }
  return { w, b };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { docs, counts } = loadDocs();
  const { x, y } = sentenceExamples(docs);
  const { w, b } = train(x, y);
  let max = 0;
  for (const v of w) max = Math.max(max, Math.abs(v));
  const scale = max / 127;
  const q = Buffer.alloc(BUCKETS);
  for (let i = 0; i < BUCKETS; i++) q.writeInt8(Math.round(w[i] / scale), i);
  const deq = (f: number) => q.readInt8(f) * scale;
  const docScore = (d: Doc) => {
    let best = 0;
    for (const s of sentences(d.text)) {
      if (s.text.trim().length < 12) continue;
      let z = b;
      for (const f of featureBuckets(s.text, BUCKETS)) z += deq(f);
      best = Math.max(best, 1 / (1 + Math.exp(-z)));
    }
    return best;
  };
  // Threshold: at most 0.5% of the training benign definitions above it, and never below 0.5.
  const benignScores = docs
    .filter((d) => !d.poisoned)
    .map(docScore)
    .sort((a, c) => c - a);
  const allowed = Math.floor(benignScores.length * 0.005);
  const threshold = Math.max(0.5, Math.min(0.995, (benignScores[allowed] ?? 0.5) + 1e-6));
  const trainRecall = docs.filter((d) => d.poisoned).filter((d) => docScore(d) >= threshold).length / Math.max(1, docs.filter((d) => d.poisoned).length);
  const trainFp = benignScores.filter((s) => s >= threshold).length / Math.max(1, benignScores.length);
  const file = `/**
 * GENERATED by scripts/train-classifier.ts — do not edit. Weights of the embedded classifier
 * (rules/classifier.ts): logistic regression over ${BUCKETS} hashed unigram/bigram buckets, int8.
 * Trained ${new Date().toISOString().slice(0, 10)} on ${y.length} sentences (${y.filter((v) => v === 1).length} instruction-like) from:
${Object.entries(counts)
  .map(([k, v]) => ` *   ${k}: ${v} definitions`)
  .join('\n')}
 * Training fit: recall ${trainRecall.toFixed(3)} on the training poisoned definitions, ${(trainFp * 100).toFixed(2)}% of training
 * benign definitions flagged at threshold ${threshold.toFixed(3)}. Provenance and licences: README "Embedded classifier".
 */
export const CLASSIFIER = {
  buckets: ${BUCKETS},
  bias: ${b.toFixed(6)},
  scale: ${scale.toExponential(6)},
  threshold: ${threshold.toFixed(4)},
  weights:
    '${q.toString('base64')}',
} as const;
`;
  writeFileSync(new URL('../src/rules/classifier-weights.ts', import.meta.url), file);
  console.log(counts, { sentences: y.length, threshold, trainRecall, trainFp });
}
