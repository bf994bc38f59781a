/**
 * Two rules about what a stdio server is launched from: a package whose name is a near miss
 * of a well-known MCP server package (typosquat, scope swap, look-alike letters), and a
 * package run through a package runner (`npx -y pkg`) with no pinned version.
 */
import { WELL_KNOWN_MCP_PACKAGES } from '../data/well-known-mcp-packages';
import { printable } from '@warden/core/internal';
import { REF } from '../references';
import { defineRule, type ScanRule } from './rule';

export const lookAlikePackage = defineRule(
  'WMCP022',
  'look-alike-package',
  'high',
  'A server launched from a package whose name is a near miss of a well-known MCP server package: one or two edits, another scope, or look-alike characters.',
  [REF.LLM03, REF.MCP04],
);

export const unpinnedPackage = defineRule(
  'WMCP023',
  'unpinned-package',
  'medium',
  'A server launched through npx/pnpm dlx/bunx/uvx without an exact version: whatever is published next runs next.',
  [REF.LLM03, REF.MCP04],
);

export interface PackageLaunch {
  runner: string;
  name: string;
  /** What follows the name's `@`, if anything. */
  version?: string;
}

const RUNNERS: Record<string, readonly string[]> = { npx: [], bunx: [], uvx: [], pnpx: [], pnpm: ['dlx'], yarn: ['dlx'], npm: ['exec', 'x'], bun: ['x'] };
// Runner flags that take a value: the value is not the package.
const VALUE_FLAGS = new Set(['--registry', '--cache', '--userconfig', '-c', '--call', '--from', '--with', '--python', '--node-options']);

/** The package a stdio command line runs through a package runner, if it does. */
export function packageLaunch(command: string, args: readonly string[]): PackageLaunch | undefined {
  const runner = command
    .split(/[\\/]/)
    .pop()!
    .replace(/\.(?:cmd|exe)$/i, '');
  const sub = RUNNERS[runner];
  if (!sub) return undefined;
  let i = 0;
  if (sub.length > 0) {
    if (!sub.includes(args[0] ?? '')) return undefined;
    i = 1;
  }
  let explicit: string | undefined;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      i++;
      break;
    }
    if (a === '-p' || a === '--package') {
      explicit = args[++i];
      continue;
    }
    if (a.startsWith('--package=')) {
      explicit = a.slice('--package='.length);
      continue;
    }
    if (VALUE_FLAGS.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    break;
  }
  const spec = explicit ?? args[i];
  if (!spec || /^[./~]/.test(spec) || /^(?:https?|git|file|github):/.test(spec)) return undefined;
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  const name = at > 0 ? spec.slice(0, at) : spec;
  const version = at > 0 ? spec.slice(at + 1) : undefined;
  return { runner, name: runner === 'uvx' ? name.split(/[=<>!~]/)[0] : name, version: runner === 'uvx' && /==/.test(spec) ? spec.split('==')[1] : version };
}

/** An exact version: 1.2.3, 1.2.3-beta.1 (not a range, a tag or `latest`). */
export function isExactVersion(v: string | undefined): boolean {
  return v !== undefined && /^v?\d+\.\d+\.\d+(?:[-+][\w.-]+)?$/.test(v);
}

const HOMOGLYPH: Record<string, string> = {
  '0': 'o',
  '1': 'l',
  i: 'l',
  '3': 'e',
  '5': 's',
  '@': 'a',
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  і: 'l',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  һ: 'h',
  ӏ: 'l',
  ο: 'o',
  ε: 'e',
  α: 'a',
  ρ: 'p',
};

/** How a package name looks: NFKC, lower case, look-alikes folded (rn→m, vv→w), separators dropped. */
function skeleton(s: string): string {
  return [...s.normalize('NFKC').toLowerCase()]
    .map((c) => HOMOGLYPH[c] ?? c)
    .join('')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w')
    .replace(/[-_.]/g, '');
}

/** Damerau–Levenshtein (optimal string alignment) distance, stopping early past `max`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev2: number[] = new Array(b.length + 1).fill(0);
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    for (let j = 0; j <= b.length; j++) prev2[j] = prev[j];
    prev = cur;
    if (rowMin > max) return max + 1;
  }
  return prev[b.length];
}

const split = (name: string): [scope: string, bare: string] => {
  const m = /^@([^/]+)\/(.+)$/.exec(name);
  return m ? [m[1], m[2]] : ['', name];
};

const WELL_KNOWN = new Set(WELL_KNOWN_MCP_PACKAGES.map(([n]) => n));

// What is left of a bare name once the words every MCP package uses are removed: "github" in
// "server-github"; nothing in "mcp-server". A scope swap only counts for a distinctive name.
const distinctivePart = (bare: string) => bare.replace(/\b(?:mcp|server|model-context-protocol|docs|tools?)\b|[-_.]/g, '');

interface Known {
  name: string;
  scope: string;
  bare: string;
  skeleton: string;
}
const index = (names: Iterable<string>): Known[] =>
  [...names].map((n) => {
    const [scope, bare] = split(n.toLowerCase());
    return { name: n.toLowerCase(), scope, bare, skeleton: skeleton(n) };
  });
const DEFAULT_INDEX = index(WELL_KNOWN);

/** The well-known package `name` imitates, and how; undefined when it is one or resembles none. */
export function nearMiss(name: string, wellKnown?: Iterable<string>): { target: string; how: string } | undefined {
  const known = wellKnown ? index(wellKnown) : DEFAULT_INDEX;
  const lower = name.toLowerCase();
  if (known.some((k) => k.name === lower)) return undefined;
  const [scope, bare] = split(lower);
  const sk = skeleton(lower);
  for (const k of known) {
    if (k.bare === bare && k.scope !== scope && distinctivePart(bare).length >= 4) {
      return {
        target: k.name,
        how: scope ? `same name under scope @${scope} instead of ${k.scope ? `@${k.scope}` : 'no scope'}` : `same name without the @${k.scope} scope`,
      };
    }
    if (k.skeleton === sk) return { target: k.name, how: 'look-alike characters or separators' };
    // Edits within the same scope (or both unscoped), or a near-miss scope with the same name.
    const [a, b] = k.scope === scope ? [bare, k.bare] : k.bare === bare && scope && k.scope ? [scope, k.scope] : ['', ''];
    if (!a) continue;
    const limit = b.length >= 12 ? 2 : b.length >= 6 ? 1 : 0;
    if (limit > 0) {
      const d = editDistance(a, b, limit);
      if (d > 0 && d <= limit) return { target: k.name, how: `${d} character edit(s) away` };
    }
  }
  return undefined;
}

export interface SupplyChainHit {
  rule: ScanRule;
  message: string;
}

/** Findings for one stdio command line. */
export function supplyChainHits(command: string, args: readonly string[]): SupplyChainHit[] {
  const launch = packageLaunch(command, args);
  if (!launch) return [];
  const hits: SupplyChainHit[] = [];
  const miss = nearMiss(launch.name);
  if (miss) {
    hits.push({
      rule: lookAlikePackage,
      message: `Launches package "${printable(launch.name)}", a near miss of the well-known "${miss.target}" (${miss.how}).`,
    });
  }
  if (!isExactVersion(launch.version)) {
    hits.push({
      rule: unpinnedPackage,
      message: `Launches "${printable(launch.name)}" with ${launch.runner} ${launch.version ? `at "${printable(launch.version)}", not an exact version` : 'without a version'}: pin it (${printable(launch.name)}@<version>).`,
    });
  }
  return hits;
}
