/** Analyzer snapshots on disk: written atomically (temp file + rename), read back at start. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function writeStateFile(path: string, snapshot: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(snapshot));
  // rename is atomic on one filesystem: a crash leaves the old snapshot or the new, never half.
  await rename(tmp, path);
}

/** The stored snapshot, or undefined when there is none yet. */
export async function readStateFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return JSON.parse(text) as unknown;
}
