import { describe, expect, it } from 'vitest';
import { evaluateCorpus, loadCorpus } from './corpus';

describe('scanner on the poisoned/benign corpus', () => {
  const corpus = loadCorpus();

  it('holds at least 50 poisoned and 50 benign definitions', () => {
    expect(corpus.poisoned.length).toBeGreaterThanOrEqual(50);
    expect(corpus.benign.length).toBeGreaterThanOrEqual(50);
    const categories = new Set(corpus.benign.map((e) => e.category));
    for (const c of ['file', 'git', 'fetch', 'database', 'email', 'calendar', 'search']) expect(categories).toContain(c);
  });

  // Floors are what the scanner measured when the corpus was written (see README); a drop is a regression.
  it('keeps precision and recall at or above the measured floors', () => {
    const r = evaluateCorpus(corpus);
    expect(r.recall).toBeGreaterThanOrEqual(0.95);
    expect(r.precision).toBeGreaterThanOrEqual(0.95);
    expect(r.falsePositives.length).toBeLessThanOrEqual(3);
  });
});
