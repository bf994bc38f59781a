/** Analyzer snapshots on disk: written atomically (temp file + rename), read back at start. */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function writeStateFile(path: string, snapshot: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    // 0600: a snapshot holds the fleet's names and behaviour, for this user only.
    await writeFile(tmp, JSON.stringify(snapshot), { mode: 0o600 });
    // rename is atomic on one filesystem: a crash leaves the old snapshot or the new, never half.
    await rename(tmp, path);
  } catch (e) {
    // A failed write (disk full) must not leave its temp file behind to keep the disk full.
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
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
