/** The README's rule table is what users read: it lists every rule once, as the code defines it. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCAN_RULES } from './scan-rules';

describe('README rule table', () => {
  it('lists every scan rule exactly once, with its id, name and severity', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `(WMCP\d{3})` \| ([a-z-]+) \| (\w+) \|/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    const rules = Object.values(SCAN_RULES)
      .map((r) => `${r.id} ${r.name} ${r.severity}`)
      .sort();
    expect(rows).toEqual([...new Set(rows)]);
    expect([...rows].sort()).toEqual(rules);
  });
});
