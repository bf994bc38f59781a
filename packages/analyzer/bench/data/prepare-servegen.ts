/**
 * Copies ServeGen's client data (alibaba/ServeGen at the pinned commit, Apache-2.0) from a git
 * clone into `packages/analyzer/bench/data/.cache/servegen/`, with a manifest of what was
 * copied (commit, licence, files and their SHA-256). Nothing from it is committed.
 *
 *   git clone https://github.com/alibaba/ServeGen /tmp/ServeGen
 *   node --import tsx packages/analyzer/bench/data/prepare-servegen.ts /tmp/ServeGen
 *
 * (A bare mirror works too.) Files whose blobs the clone lacks are listed as missing.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SERVEGEN, SERVEGEN_CACHE } from './servegen';

const FOLDERS = ['data/language/', 'data/reason/', 'data/multimodal/'];

const gitDir = process.argv[2] ?? process.env.SERVEGEN_GIT;
if (!gitDir) {
  console.error(`usage: prepare-servegen.ts <path to a clone of ${SERVEGEN.url}> (commit ${SERVEGEN.commit})`);
  process.exit(2);
}
const git = (args: string[], input?: string) => spawnSync('git', ['-C', gitDir, ...args], { input, maxBuffer: 1 << 30 });

const listing = git(['ls-tree', '-r', '--name-only', SERVEGEN.commit]);
if (listing.status !== 0) {
  console.error(`${gitDir} does not hold commit ${SERVEGEN.commit}: ${listing.stderr.toString().trim()}`);
  process.exit(2);
}
const paths = listing.stdout
  .toString()
  .split('\n')
  .filter((p) => FOLDERS.some((f) => p.startsWith(f)));

// One `git cat-file --batch` for all files: "<sha> blob <size>\n<bytes>\n" or "<name> missing\n".
const batch = git(['cat-file', '--batch'], paths.map((p) => `${SERVEGEN.commit}:${p}`).join('\n') + '\n');
const out = batch.stdout;
let at = 0;
const files: { path: string; sha256: string; bytes: number }[] = [];
const missing: string[] = [];
for (const path of paths) {
  const eol = out.indexOf(10, at);
  const header = out.subarray(at, eol).toString();
  at = eol + 1;
  if (header.endsWith(' missing')) {
    missing.push(path);
    continue;
  }
  const size = Number(header.split(' ')[2]);
  const body = out.subarray(at, at + size);
  at += size + 1;
  const target = join(SERVEGEN_CACHE, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, body);
  files.push({ path, sha256: createHash('sha256').update(body).digest('hex'), bytes: size });
}
writeFileSync(join(SERVEGEN_CACHE, 'manifest.json'), JSON.stringify({ ...SERVEGEN, preparedAt: new Date().toISOString(), files, missing }, null, 1));
console.log(`ServeGen ${SERVEGEN.commit.slice(0, 7)}: ${files.length} files copied to ${SERVEGEN_CACHE}, ${missing.length} missing from the clone`);
