/**
 * The poisoned/benign tool-definition corpus (test data) and the precision/recall of the
 * scanner on it; shared by the corpus test and the benchmark. Not part of the public API.
 */
import { readFileSync } from 'node:fs';
import type { Severity } from '@warden/core';
import { scanServerDefinition, type ToolDefinition } from './scanner';
import { atLeast } from './scan-rules';

export interface CorpusEntry {
  id: string;
  category: string;
  tool: ToolDefinition;
  otherServerTools?: Record<string, string[]>;
}

export interface Corpus {
  poisoned: CorpusEntry[];
  benign: CorpusEntry[];
}

export function loadCorpus(): Corpus {
  const read = (name: string) => JSON.parse(readFileSync(new URL(`./__fixtures__/corpus/${name}.json`, import.meta.url), 'utf8')) as CorpusEntry[];
  return { poisoned: read('poisoned'), benign: read('benign') };
}

export interface CorpusResult {
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: string[];
  falseNegatives: string[];
}

/** A definition counts as flagged when one finding is at or above `threshold`. */
export function evaluateCorpus(corpus: Corpus, threshold: Severity = 'medium'): CorpusResult {
  const flagged = (e: CorpusEntry) =>
    scanServerDefinition({ server: 'corpus', tools: [e.tool], otherServerTools: e.otherServerTools }).some((f) => atLeast(f.severity, threshold));
  const falseNegatives = corpus.poisoned.filter((e) => !flagged(e)).map((e) => e.id);
  const falsePositives = corpus.benign.filter(flagged).map((e) => e.id);
  const truePositives = corpus.poisoned.length - falseNegatives.length;
  return {
    precision: truePositives / (truePositives + falsePositives.length || 1),
    recall: truePositives / corpus.poisoned.length,
    truePositives,
    falsePositives,
    falseNegatives,
  };
}
