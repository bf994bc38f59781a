import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every name a package exports from src/index.ts is listed in its README's "Public surface"
// section, and every name it exports from src/internal.ts (its `./internal` subpath, plumbing
// for Warden's own packages) in its "Internal" section, so the documented surfaces cannot drift
// from the real ones. An internal name is there because another package's source needs it.
const packages = join(import.meta.dirname, '..', 'packages');
const dirs = readdirSync(packages);

function exportedNames(source: string): string[] {
  const code = source.replace(/\/\/[^\n]*/g, '');
  const names: string[] = [];
  for (const m of code.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s*from/g))
    for (const item of m[1]!.split(',')) {
      const name = item
        .trim()
        .replace(/^type\s+/, '')
        .split(' as ')
        .pop()!
        .trim();
      if (name) names.push(name);
    }
  for (const m of code.matchAll(/export\s+(?:const|function|class)\s+(\w+)/g)) names.push(m[1]!);
  return names;
}

/** The README section under `## <heading>…`, up to the next `## `. */
function section(readme: string, heading: string): string | undefined {
  const start = readme.indexOf(`\n## ${heading}`);
  if (start < 0) return undefined;
  const body = readme.slice(readme.indexOf('\n', start + 1));
  const end = body.indexOf('\n## ');
  return end < 0 ? body : body.slice(0, end);
}

/** The names a section lists on its `- Values:` and `- Types:` lines. */
function listedNames(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => /^- (Values|Types):/.test(line))
    .flatMap((line) => [...line.replace(/\([^)]*\)/g, '').matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((m) => m[1]!));
}

function read(dir: string, file: string): string | undefined {
  const path = join(packages, dir, file);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** Names each package's non-test source imports from `spec`. */
function importedFrom(spec: string): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  const walk = (dir: string, pkg: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, pkg);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const source = readFileSync(path, 'utf8');
        for (const m of source.matchAll(/(?:import|export)\s+(?:type\s+)?\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
          if (m[2] !== spec) continue;
          for (const item of m[1]!.split(',')) {
            const name = item
              .trim()
              .replace(/^type\s+/, '')
              .split(' as ')[0]!
              .trim();
            if (name) byName.set(name, [...(byName.get(name) ?? []), pkg]);
          }
        }
      }
    }
  };
  for (const dir of dirs) walk(join(packages, dir, 'src'), dir);
  return byName;
}

/** Checks the README section under `heading` lists every name `entry` exports and no other; returns the names. */
function expectListed(dir: string, entry: string, heading: string): string[] {
  const names = exportedNames(read(dir, entry)!);
  const listed = section(read(dir, 'README.md')!, heading);
  expect(listed, `${dir}/README.md has no "## ${heading}" section`).toBeDefined();
  expect(
    names.filter((name) => !listed!.includes(`\`${name}\``)),
    `exported by ${dir}/${entry} but not listed under "${heading}" in its README`,
  ).toEqual([]);
  expect(
    listedNames(listed!).filter((name) => !names.includes(name)),
    `listed under "${heading}" in ${dir}/README.md but not exported by ${entry}`,
  ).toEqual([]);
  return names;
}

describe('package READMEs list the public surface', () => {
  for (const dir of dirs) {
    it(dir, () => {
      expectListed(dir, 'src/index.ts', 'Public surface');
    });
  }
});

describe('./internal entries: listed, built, and used by another package', () => {
  for (const dir of dirs) {
    const internal = read(dir, 'src/internal.ts');
    const pkg = JSON.parse(read(dir, 'package.json')!) as {
      name: string;
      exports: Record<string, unknown>;
      typesVersions?: Record<string, Record<string, string[]>>;
    };
    if (!internal) {
      it(`${dir} has no ./internal export without src/internal.ts`, () => expect(pkg.exports['./internal']).toBeUndefined());
      continue;
    }
    it(dir, () => {
      const names = expectListed(dir, 'src/internal.ts', 'Internal');
      const publicNames = new Set(exportedNames(read(dir, 'src/index.ts')!));
      expect(
        names.filter((name) => publicNames.has(name)),
        'exported from both src/index.ts and src/internal.ts',
      ).toEqual([]);

      const users = importedFrom(`${pkg.name}/internal`);
      expect(
        names.filter((name) => !(users.get(name) ?? []).some((user) => user !== dir)),
        `exported by ${dir}/src/internal.ts but imported by no other package's source (tests import ../src directly)`,
      ).toEqual([]);

      // The same conditions as the root entry, so ESM and CJS consumers both get code and types,
      // and typesVersions for consumers still on moduleResolution node10 (no `exports`).
      expect(pkg.exports['./internal']).toEqual({
        import: { types: './dist/internal.d.ts', default: './dist/internal.js' },
        require: { types: './dist/internal.d.cts', default: './dist/internal.cjs' },
      });
      expect(pkg.typesVersions?.['*']?.internal).toEqual(['./dist/internal.d.ts']);
    });
  }
});

describe('imports go one way (core ← integrations ← warden ← cli)', () => {
  const names = new Map<string, string>(); // package name → dir
  const deps = new Map<string, string[]>(); // dir → Warden packages its source imports
  for (const dir of dirs) names.set((JSON.parse(read(dir, 'package.json')!) as { name: string }).name, dir);
  const warden = (spec: string) => names.get(spec.replace(/\/internal$/, ''));
  for (const dir of dirs) {
    const used = new Set<string>();
    const walk = (path: string): void => {
      for (const entry of readdirSync(path, { withFileTypes: true })) {
        const child = join(path, entry.name);
        if (entry.isDirectory()) walk(child);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
          for (const m of readFileSync(child, 'utf8').matchAll(/from\s*'([^']+)'/g)) {
            const target = warden(m[1]!);
            if (target && target !== dir) used.add(target);
          }
      }
    };
    walk(join(packages, dir, 'src'));
    deps.set(dir, [...used]);
  }

  it('each package imports only Warden packages it depends on', () => {
    const undeclared = dirs.flatMap((dir) => {
      // devDependencies too: fixtures and simulated streams in src/ use @warden/testing.
      const pkg = JSON.parse(read(dir, 'package.json')!) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
      const declared = new Set(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).map((name) => names.get(name)));
      return deps
        .get(dir)!
        .filter((target) => !declared.has(target))
        .map((target) => `${dir} → ${target}`);
    });
    expect(undeclared).toEqual([]);
  });

  it('no cycles', () => {
    const cycles: string[] = [];
    const visit = (dir: string, path: string[]): void => {
      if (path.includes(dir)) {
        cycles.push([...path.slice(path.indexOf(dir)), dir].join(' → '));
        return;
      }
      for (const target of deps.get(dir)!) visit(target, [...path, dir]);
    };
    for (const dir of dirs) visit(dir, []);
    expect(cycles).toEqual([]);
  });
});
