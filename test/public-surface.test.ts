import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every name a package exports from src/index.ts is listed in its README's "Public surface"
// section, so the documented surface cannot drift from the real one.
const packages = join(import.meta.dirname, '..', 'packages');

function exportedNames(index: string): string[] {
  const source = index.replace(/\/\/[^\n]*/g, '');
  const names: string[] = [];
  for (const m of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s*from/g))
    for (const item of m[1]!.split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(' as ')
        .pop()!
        .trim();
      if (name) names.push(name);
    }
  for (const m of source.matchAll(/export\s+(?:const|function|class)\s+(\w+)/g)) names.push(m[1]!);
  return names;
}

describe('package READMEs list the public surface', () => {
  for (const dir of readdirSync(packages)) {
    it(dir, () => {
      const index = readFileSync(join(packages, dir, 'src', 'index.ts'), 'utf8');
      const readme = readFileSync(join(packages, dir, 'README.md'), 'utf8');
      const section = readme.split('\n## Public surface\n')[1]?.split('\n## ')[0];
      expect(section, `${dir}/README.md has no "## Public surface" section`).toBeDefined();
      const missing = exportedNames(index).filter((name) => !section!.includes(`\`${name}\``));
      expect(missing, `exported by ${dir}/src/index.ts but not listed in its README`).toEqual([]);
    });
  }
});
