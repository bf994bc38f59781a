/**
 * The file side of an audit log: one writer per file (a lock file), recovery of a line torn
 * by a crash or a full disk, and the checkpoint anchor kept beside the log.
 */
import { createHmac } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { WardenConfigError } from '@warden/core';

const MAX_TAIL_BYTES = 4 * 1024 * 1024;

/** A checkpoint: the log held `seq` entries, the last with `hash`. Signed when the log is keyed. */
export interface AuditCheckpoint {
  seq: number;
  hash: string;
  time: string;
  /** 'hmac-sha256' for a keyed log, 'sha256' otherwise. */
  alg: 'hmac-sha256' | 'sha256';
  /** HMAC-SHA256 over `seq:hash:time` under the log's key (keyed logs only). */
  signature?: string;
}

export function checkpointSignature(cp: Pick<AuditCheckpoint, 'seq' | 'hash' | 'time'>, key: string | Buffer): string {
  return createHmac('sha256', key).update(`${cp.seq}:${cp.hash}:${cp.time}`).digest('hex');
}

/** Where the checkpoint of a log file lives by default. */
export function checkpointPathOf(logPath: string): string {
  return `${logPath}.checkpoint`;
}

/** Replaces the checkpoint file atomically (temp file + rename), readable by the owner only. */
export function writeCheckpoint(path: string, cp: AuditCheckpoint): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(cp)}\n`, { mode: 0o600 });
  try {
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
}

/** Reads a checkpoint file; a clear error for anything malformed. */
export function readCheckpoint(path: string): AuditCheckpoint {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new WardenConfigError(`Audit checkpoint ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not valid JSON'}`);
  }
  const cp = raw as Partial<AuditCheckpoint>;
  if (
    typeof cp !== 'object' ||
    cp === null ||
    !Number.isInteger(cp.seq) ||
    (cp.seq as number) < 1 ||
    typeof cp.hash !== 'string' ||
    !/^[0-9a-f]{64}$/.test(cp.hash) ||
    typeof cp.time !== 'string' ||
    (cp.alg !== 'sha256' && cp.alg !== 'hmac-sha256') ||
    (cp.signature !== undefined && typeof cp.signature !== 'string')
  )
    throw new WardenConfigError(
      `Audit checkpoint ${path}: expected { seq: integer ≥ 1, hash: 64 hex digits, time, alg: "sha256" | "hmac-sha256", signature? }`,
    );
  return cp as AuditCheckpoint;
}

/**
 * One writer per log file: a second writer would fork the chain (both continue from the same
 * last hash). The lock file holds the writer's pid; a lock left by a process that is gone
 * (a crash) is taken over.
 */
export class AuditFileLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(readonly path: string) {
    process.once('exit', this.onExit);
  }

  static acquire(logPath: string): AuditFileLock {
    const path = `${logPath}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        return new AuditFileLock(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const holder = Number.parseInt(safeRead(path), 10);
        if (Number.isInteger(holder) && holder > 0 && processAlive(holder))
          throw new WardenConfigError(
            `Audit log ${logPath} is being written by process ${holder}${holder === process.pid ? ' (this one: another AuditLog on the same file)' : ''}; two writers would fork its hash chain (lock file ${path})`,
          );
        // A stale lock from a process that is gone: take it over.
        try {
          unlinkSync(path);
        } catch {
          // someone else took it over first; the next attempt sees theirs
        }
      }
    }
    throw new WardenConfigError(`Audit log ${logPath}: could not take the lock file ${path}`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    try {
      if (Number.parseInt(safeRead(this.path), 10) === process.pid) unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The end of an existing log: its last complete line, and what a crash left after it. */
export interface LogTail {
  /** The last complete (newline-terminated) line, if any. */
  lastLine: string | undefined;
  /** Bytes after the last newline: a line the writer never finished. */
  tornBytes: number;
  /** Those bytes, when few enough to keep as evidence. */
  torn: string;
}

/** Reads the end of a log from its last bytes, so a large log is not loaded. */
export function readLogTail(path: string): LogTail {
  const size = statSync(path).size;
  if (size === 0) return { lastLine: undefined, tornBytes: 0, torn: '' };
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.alloc(0);
    let pos = size;
    let tornBytes = -1;
    while (pos > 0 && size - pos <= MAX_TAIL_BYTES) {
      const n = Math.min(64 * 1024, pos);
      pos -= n;
      const chunk = Buffer.alloc(n);
      readSync(fd, chunk, 0, n, pos);
      buf = Buffer.concat([chunk, buf]);
      if (tornBytes < 0) {
        const nl = buf.lastIndexOf(0x0a);
        if (nl < 0) {
          if (pos === 0) return { lastLine: undefined, tornBytes: buf.length, torn: buf.toString('utf8') };
          continue;
        }
        tornBytes = buf.length - nl - 1;
      }
      // The line before the torn bytes: between the previous newline and the last one.
      const end = buf.length - tornBytes - 1;
      const start = buf.lastIndexOf(0x0a, end - 1);
      if (start >= 0 || pos === 0) {
        const torn = buf.subarray(buf.length - tornBytes).toString('utf8');
        return { lastLine: buf.subarray(start + 1, end).toString('utf8'), tornBytes, torn };
      }
    }
    throw new WardenConfigError(`Audit log ${path}: its last line is longer than ${MAX_TAIL_BYTES} bytes`);
  } finally {
    closeSync(fd);
  }
}

/** Cuts a torn last line off the file (it is recorded in a `recovered` entry instead). */
export function truncateTail(path: string, tornBytes: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, statSync(path).size - tornBytes);
  } finally {
    closeSync(fd);
  }
}
