import { createHash, createHmac } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import {
  AuditFileLock,
  checkpointPathOf,
  checkpointSignature,
  readCheckpoint,
  readLogTail,
  truncateTail,
  writeCheckpoint,
  type AuditCheckpoint,
} from './audit-file';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import * as A from '@warden/core';
import { onWardenEvent, type FinishedSpan, type WardenEvent } from '@warden/core';
import {
  canonicalJson,
  hrTimeToMs,
  numberAttr,
  parentSpanIdOf,
  reportInternalError,
  safely,
  stringAttr,
  stringListAttr,
  type WardenSpanProcessor,
} from '@warden/core/internal';

/** prevHash of the first entry of a log. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** One line of the audit log. */
export interface AuditEntry {
  seq: number;
  /** ISO 8601. */
  time: string;
  /** agent_invocation, tool_execution, model_call, policy_decision, alert, mcp_scan, mcp_pin, entries_dropped, ... */
  type: string;
  prevHash: string;
  hash: string;
  [field: string]: unknown;
}

export interface AuditHashOptions {
  /** Sign the chain with HMAC-SHA256 under this key, so nobody without it can rewrite the whole file. */
  hmacKey?: string | Buffer;
}

export interface AuditLogOptions extends AuditHashOptions {
  /** A file path (appended to; an existing chain is continued) or any Writable stream. */
  destination: string | Writable;
  /** Also record Warden events (policy decisions, alerts, MCP scans) from core's event bus. Default true. */
  subscribe?: boolean;
  now?: () => number;
  /** Bytes waiting for a slow destination above which entries are dropped and counted. Default 8 MiB. */
  maxBufferedBytes?: number;
  /**
   * Keep a checkpoint (entry count + last hash, HMAC-signed when keyed) every this many entries
   * and at close, in `checkpointPath`: an anchor outside the log that shows lines cut off its
   * end. File destinations only. Default 1000; 0 turns checkpoints off.
   */
  checkpointEvery?: number;
  /** Default: `<destination>.checkpoint`. */
  checkpointPath?: string;
}

const RESERVED = new Set(['seq', 'time', 'type', 'prevHash', 'hash']);

/** The hash of an entry: sha256 (or HMAC) over prevHash + the canonical entry without its hash. */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'> & { hash?: string }, options: AuditHashOptions = {}): string {
  const { hash: _ignored, ...body } = entry;
  const h = options.hmacKey !== undefined ? createHmac('sha256', options.hmacKey) : createHash('sha256');
  return h.update(String(entry.prevHash)).update(canonicalJson(body)).digest('hex');
}

/**
 * An append-only JSONL audit log of agent actions, policy decisions and alerts. Each entry
 * carries the hash of the one before it, so an edited, removed, inserted or reordered line
 * breaks the chain that `verifyAuditLog` checks. With `hmacKey` the chain is an HMAC chain:
 * nobody without the key can rewrite the file and recompute it. Each writer starts with a
 * `log_opened` entry (mode, pid), so a log is never empty; a file has one writer at a time
 * (a lock file); a line torn by a crash or a full disk is cut off at the next start and
 * recorded in a `recovered` entry, so a crash never reads as an edit. Writes stream to the
 * destination; when it falls behind by more than `maxBufferedBytes`, entries are dropped and
 * the count is logged as an `entries_dropped` entry once it catches up, so memory stays bounded.
 */
export class AuditLog {
  private readonly stream: Writable;
  private readonly ownsStream: boolean;
  private readonly now: () => number;
  private readonly maxBuffered: number;
  private readonly hashOptions: AuditHashOptions;
  private readonly unsubscribe: (() => void) | undefined;
  private readonly lock: AuditFileLock | undefined;
  private readonly checkpointPath: string | undefined;
  private readonly checkpointEvery: number;
  private prevHash = AUDIT_GENESIS_HASH;
  private nextSeq = 1;
  private droppedSinceLast = 0;
  private droppedTotal = 0;
  private broken = false;
  private closed = false;

  constructor(options: AuditLogOptions) {
    this.now = options.now ?? Date.now;
    this.maxBuffered = options.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.hashOptions = options.hmacKey !== undefined ? { hmacKey: options.hmacKey } : {};
    this.checkpointEvery = options.checkpointEvery ?? 1000;
    let recovered: Record<string, unknown> | undefined;
    if (typeof options.destination === 'string') {
      const path = options.destination;
      mkdirSync(dirname(path), { recursive: true });
      this.lock = AuditFileLock.acquire(path);
      try {
        if (existsSync(path)) recovered = this.continueChainOf(path);
        // Created owner-only: entries name agents, tools and decisions.
        this.stream = createWriteStream(path, { flags: 'a', mode: 0o600 });
      } catch (e) {
        this.lock.release();
        throw e;
      }
      this.ownsStream = true;
      this.checkpointPath = this.checkpointEvery > 0 ? (options.checkpointPath ?? checkpointPathOf(path)) : undefined;
    } else {
      this.stream = options.destination;
      this.ownsStream = false;
    }
    this.stream.on('error', (e) => {
      this.broken = true;
      reportInternalError('agents.auditLog.write', e);
    });
    this.write('log_opened', { mode: this.mode, pid: process.pid });
    if (recovered) this.write('recovered', recovered);
    this.unsubscribe = options.subscribe === false ? undefined : onWardenEvent((e) => this.recordEvent(e));
  }

  /** 'hmac-sha256' when the chain is keyed, else 'sha256'. */
  get mode(): AuditCheckpoint['alg'] {
    return this.hashOptions.hmacKey !== undefined ? 'hmac-sha256' : 'sha256';
  }

  /**
   * Picks up the chain of an existing file. A line the previous writer never finished (no
   * newline: a crash or a full disk) is cut off and described in a `recovered` entry; a
   * complete last line that is not an audit entry is an edit, and refused.
   */
  private continueChainOf(path: string): Record<string, unknown> | undefined {
    const tail = readLogTail(path);
    let recovered: Record<string, unknown> | undefined;
    if (tail.tornBytes > 0) {
      truncateTail(path, tail.tornBytes);
      recovered = {
        reason: 'torn_last_line',
        truncatedBytes: tail.tornBytes,
        tornSha256: createHash('sha256').update(tail.torn).digest('hex'),
        tornStart: tail.torn.slice(0, 200),
      };
    }
    if (tail.lastLine === undefined) return recovered;
    let entry: Partial<AuditEntry> = {};
    try {
      entry = JSON.parse(tail.lastLine) as Partial<AuditEntry>;
    } catch {
      // reported below as not an audit entry
    }
    if (typeof entry.seq !== 'number' || typeof entry.hash !== 'string')
      throw new A.WardenConfigError(
        `Audit log ${path}: its last complete line is not an audit entry (no seq/hash); run \`warden audit verify ${path}\` to see where it was changed`,
      );
    this.nextSeq = entry.seq + 1;
    this.prevHash = entry.hash;
    return recovered;
  }

  /** Hash of the newest entry: keep it elsewhere (a ticket, a metric) to detect truncation. */
  get lastHash(): string {
    return this.prevHash;
  }

  get entriesWritten(): number {
    return this.nextSeq - 1;
  }

  get droppedEntries(): number {
    return this.droppedTotal;
  }

  /** Appends one entry; never throws. Returns it, or undefined if it was dropped. */
  append(type: string, fields: Record<string, unknown> = {}): AuditEntry | undefined {
    return safely('agents.auditLog.append', () => {
      if (this.closed || this.broken || this.stream.writableLength > this.maxBuffered) {
        this.droppedSinceLast++;
        this.droppedTotal++;
        return undefined;
      }
      if (this.droppedSinceLast > 0) {
        const count = this.droppedSinceLast;
        this.droppedSinceLast = 0;
        this.write('entries_dropped', { count });
      }
      return this.write(type, fields);
    });
  }

  private write(type: string, fields: Record<string, unknown>): AuditEntry {
    const entry: Omit<AuditEntry, 'hash'> = { seq: this.nextSeq, time: new Date(this.now()).toISOString(), type, prevHash: this.prevHash };
    const body: Record<string, unknown> = { seq: entry.seq, time: entry.time, type };
    for (const [k, v] of Object.entries(fields)) if (!RESERVED.has(k) && v !== undefined) body[k] = v;
    body.prevHash = entry.prevHash;
    const hash = auditEntryHash(body as Omit<AuditEntry, 'hash'>, this.hashOptions);
    const full = { ...body, hash } as AuditEntry;
    const due = this.checkpointPath !== undefined && full.seq % this.checkpointEvery === 0;
    // The checkpoint is written once its entry is on disk, so a crash never leaves an anchor
    // pointing past the end of the log.
    this.stream.write(`${JSON.stringify(full)}\n`, due ? () => this.checkpoint(full) : undefined);
    this.prevHash = hash;
    this.nextSeq++;
    return full;
  }

  private checkpoint(last: Pick<AuditEntry, 'seq' | 'hash' | 'time'>): void {
    if (this.checkpointPath === undefined || this.broken) return;
    safely('agents.auditLog.checkpoint', () => {
      const cp: AuditCheckpoint = { seq: last.seq, hash: last.hash, time: last.time, alg: this.mode };
      if (this.hashOptions.hmacKey !== undefined) cp.signature = checkpointSignature(cp, this.hashOptions.hmacKey);
      writeCheckpoint(this.checkpointPath as string, cp);
    });
  }

  /** Records a Warden event from the core bus (policy decisions, alerts, scans). */
  recordEvent(event: WardenEvent): void {
    if (event.type === 'alert') {
      this.append('alert', { alert: event.alert });
      return;
    }
    const { type, time: _time, ...fields } = event;
    this.append(type, { ...fields, eventTime: event.time });
  }

  /** Resolves when everything appended so far has been handed to the destination. */
  flush(): Promise<void> {
    if (this.broken || this.stream.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.stream.off('error', done);
        resolve();
      };
      this.stream.once('error', done);
      this.stream.write('', () => done());
    });
  }

  /** Stops recording; writes the final checkpoint, ends the file stream it opened (a stream passed in is left open) and releases the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.unsubscribe?.();
    await this.flush();
    this.closed = true;
    if (this.nextSeq > 1 && !this.broken && this.checkpointPath !== undefined) {
      this.checkpoint({ seq: this.nextSeq - 1, hash: this.prevHash, time: new Date(this.now()).toISOString() });
    }
    if (this.ownsStream && !this.broken) {
      await new Promise<void>((resolve) => {
        this.stream.once('error', () => resolve());
        this.stream.end(() => resolve());
      });
    }
    this.lock?.release();
  }
}

const SPAN_ENTRY_TYPE: Record<string, string> = {
  [A.GEN_AI_OPERATION.INVOKE_AGENT]: 'agent_invocation',
  [A.GEN_AI_OPERATION.CREATE_AGENT]: 'agent_creation',
  [A.GEN_AI_OPERATION.EXECUTE_TOOL]: 'tool_execution',
  [A.GEN_AI_OPERATION.CHAT]: 'model_call',
  [A.GEN_AI_OPERATION.TEXT_COMPLETION]: 'model_call',
  [A.GEN_AI_OPERATION.GENERATE_CONTENT]: 'model_call',
  [A.GEN_AI_OPERATION.EMBEDDINGS]: 'model_call',
};

/** The audit fields of a GenAI span: identities, tool, model, outcome. Never content. */
export function auditFieldsOfSpan(span: FinishedSpan): Record<string, unknown> {
  const a = span.attributes;
  const ctx = span.spanContext();
  const errorType = stringAttr(a, A.ATTR_ERROR_TYPE);
  return {
    operation: stringAttr(a, A.ATTR_GEN_AI_OPERATION_NAME),
    span: span.name,
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: parentSpanIdOf(span),
    agent: stringAttr(a, A.ATTR_GEN_AI_AGENT_NAME),
    agentId: stringAttr(a, A.ATTR_GEN_AI_AGENT_ID),
    agentVersion: stringAttr(a, A.ATTR_GEN_AI_AGENT_VERSION),
    callerAgent: stringAttr(a, A.ATTR_WARDEN_CALLER_AGENT_NAME),
    callerAgentId: stringAttr(a, A.ATTR_WARDEN_CALLER_AGENT_ID),
    conversationId: stringAttr(a, A.ATTR_GEN_AI_CONVERSATION_ID),
    tool: stringAttr(a, A.ATTR_GEN_AI_TOOL_NAME),
    toolCallId: stringAttr(a, A.ATTR_GEN_AI_TOOL_CALL_ID),
    mcpServer: stringAttr(a, A.ATTR_WARDEN_MCP_SERVER),
    provider: stringAttr(a, A.ATTR_GEN_AI_PROVIDER_NAME),
    model: stringAttr(a, A.ATTR_GEN_AI_RESPONSE_MODEL) ?? stringAttr(a, A.ATTR_GEN_AI_REQUEST_MODEL),
    toolCallsRequested: stringListAttr(a, A.ATTR_WARDEN_TOOL_CALLS_NAMES),
    finishReasons: stringListAttr(a, A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS),
    inputTokens: numberAttr(a, A.ATTR_GEN_AI_USAGE_INPUT_TOKENS),
    outputTokens: numberAttr(a, A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS),
    policyDecision: stringAttr(a, A.ATTR_WARDEN_POLICY_DECISION),
    policyRule: stringAttr(a, A.ATTR_WARDEN_POLICY_RULE),
    outcome: errorType || span.status.code === 2 ? 'error' : 'ok',
    errorType,
    startTime: new Date(hrTimeToMs(span.startTime)).toISOString(),
    durationMs: Math.round((hrTimeToMs(span.endTime) - hrTimeToMs(span.startTime)) * 1000) / 1000,
  };
}

/**
 * A SpanProcessor that appends every agent invocation, tool execution and model call (the
 * metadata, never content) to an AuditLog. The log's owner closes it; shutdown only flushes.
 */
export class AuditLogSpanProcessor implements WardenSpanProcessor {
  constructor(private readonly log: AuditLog) {}

  onStart(): void {}

  onEnd(span: FinishedSpan): void {
    safely('agents.auditLog.onEnd', () => {
      const operation = stringAttr(span.attributes, A.ATTR_GEN_AI_OPERATION_NAME);
      const type = operation !== undefined ? SPAN_ENTRY_TYPE[operation] : undefined;
      if (type) this.log.append(type, auditFieldsOfSpan(span));
    });
  }

  forceFlush(): Promise<void> {
    return this.log.flush();
  }

  shutdown(): Promise<void> {
    return this.log.flush();
  }
}

export interface AuditVerification {
  ok: boolean;
  /** Entries read (all of them when ok; up to the bad line otherwise). */
  entries: number;
  /** Hash of the last good entry: compare with an anchor kept elsewhere to detect truncation. */
  lastHash: string;
  /** What was verified: an HMAC chain (with the key given) or a plain sha256 chain, which anyone with write access could recompute. */
  mode: 'hmac-sha256' | 'sha256';
  /** 1-based line number of the first line that breaks the chain. */
  firstBadLine?: number;
  problem?: string;
  /** The last line is incomplete: the writer stopped mid-line (a crash or a full disk), not an edit. */
  torn?: boolean;
  /** `recovered` entries: starts that cut off a line torn by a crash. */
  recoveries?: number;
  /** The checkpoint the log was checked against, when there was one. */
  checkpoint?: { seq: number; path?: string };
}

export interface VerifyAuditLogOptions extends AuditHashOptions {
  /** Where the file starts when it continues an earlier (rotated) log. Default: seq 1 and the genesis hash. */
  start?: { seq: number; prevHash: string };
  /** The hash the last entry must have (an anchor kept elsewhere): detects lines cut off the end. */
  expectLastHash?: string;
  /**
   * A checkpoint the log must contain (entry `seq` with `hash`; signed under the key for a keyed
   * log): a file path or the checkpoint itself. For a file, `<file>.checkpoint` is used when it
   * exists unless this is false.
   */
  checkpoint?: string | AuditCheckpoint | false;
}

/** Checks lines one at a time, so a file of any size is verified in constant memory. */
class ChainVerifier {
  private line = 0;
  private entries = 0;
  private recoveries = 0;
  private prevHash: string;
  private nextSeq: number;
  private pendingBlank = 0;
  private checkpointSeen = false;
  private readonly mode: AuditVerification['mode'];
  result: AuditVerification | undefined;

  constructor(
    private readonly options: VerifyAuditLogOptions,
    private readonly checkpoint?: { cp: AuditCheckpoint; path?: string },
  ) {
    this.prevHash = options.start?.prevHash ?? AUDIT_GENESIS_HASH;
    this.nextSeq = options.start?.seq ?? 1;
    this.mode = options.hmacKey !== undefined ? 'hmac-sha256' : 'sha256';
    if (checkpoint) this.checkCheckpointSignature(checkpoint.cp);
  }

  private fail(problem: string, extra: Partial<AuditVerification> = {}): void {
    this.result = { ...this.summary(), ok: false, ...(this.line > 0 ? { firstBadLine: this.line } : {}), problem, ...extra };
  }

  private summary(): AuditVerification {
    return {
      ok: true,
      entries: this.entries,
      lastHash: this.prevHash,
      mode: this.mode,
      ...(this.recoveries ? { recoveries: this.recoveries } : {}),
      ...(this.checkpoint ? { checkpoint: { seq: this.checkpoint.cp.seq, ...(this.checkpoint.path ? { path: this.checkpoint.path } : {}) } } : {}),
    };
  }

  private checkCheckpointSignature(cp: AuditCheckpoint): void {
    if (cp.alg !== this.mode)
      return this.fail(
        cp.alg === 'hmac-sha256'
          ? 'the checkpoint is of a keyed (HMAC) log: verify it with its key'
          : 'the checkpoint is of an unkeyed log, but a key was given: the keyed log may have been replaced',
      );
    if (this.options.hmacKey !== undefined && cp.signature !== checkpointSignature(cp, this.options.hmacKey))
      this.fail('the checkpoint signature does not verify under the key: the checkpoint was forged or the key is wrong');
  }

  /** `last` marks the final piece of a text that did not end with a newline. */
  feed(raw: string, last = false): void {
    if (this.result) return;
    this.line++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') {
      this.pendingBlank = this.pendingBlank || this.line;
      return;
    }
    if (this.pendingBlank) {
      this.line = this.pendingBlank;
      return this.fail(`line ${this.line} is empty inside the log`);
    }
    let entry: AuditEntry;
    try {
      entry = JSON.parse(text) as AuditEntry;
    } catch {
      if (last)
        return this.fail(
          `line ${this.line} is incomplete: the writer stopped mid-line (a crash or a full disk), not an edit; the ${this.entries} entries before it verify, and the next start of the log cuts it off and records a \`recovered\` entry`,
          { torn: true },
        );
      return this.fail(`line ${this.line} is not valid JSON`);
    }
    if (typeof entry !== 'object' || entry === null || typeof entry.seq !== 'number' || typeof entry.prevHash !== 'string' || typeof entry.hash !== 'string')
      return this.fail(`line ${this.line} is not an audit entry (seq, prevHash and hash are required)`);
    if (entry.type === 'log_opened' && typeof entry.mode === 'string' && entry.mode !== this.mode)
      return this.fail(
        entry.mode === 'hmac-sha256'
          ? `line ${this.line}: this log is keyed (HMAC); verify it with its key`
          : `line ${this.line}: this part of the log is not keyed, but a key was given: a plain chain was written or substituted here`,
      );
    if (auditEntryHash(entry, this.options) !== entry.hash)
      return this.fail(`line ${this.line} (seq ${entry.seq}) was edited: its hash does not match its content`);
    if (entry.prevHash !== this.prevHash)
      return this.fail(
        `line ${this.line} (seq ${entry.seq}) does not follow the entry before it: expected seq ${this.nextSeq}; a line was removed, inserted or moved here`,
      );
    if (entry.seq !== this.nextSeq) return this.fail(`line ${this.line}: expected seq ${this.nextSeq}, found ${entry.seq}`);
    if (this.checkpoint && entry.seq === this.checkpoint.cp.seq) {
      if (entry.hash !== this.checkpoint.cp.hash)
        return this.fail(`line ${this.line} (seq ${entry.seq}) is not the entry the checkpoint recorded: the log was rewritten from here on`);
      this.checkpointSeen = true;
    }
    if (entry.type === 'recovered') this.recoveries++;
    this.prevHash = entry.hash;
    this.nextSeq++;
    this.entries++;
  }

  finish(): AuditVerification {
    if (this.result) return this.result;
    if (this.entries === 0) {
      this.fail('the log has no entries: a log written by Warden always starts with a log_opened entry, so it was emptied or never written');
      return this.result as unknown as AuditVerification;
    }
    if (this.checkpoint && !this.checkpointSeen) {
      this.line++;
      this.fail(`the log ends at seq ${this.nextSeq - 1} but its checkpoint recorded seq ${this.checkpoint.cp.seq}: entries were cut off the end`);
      return this.result as unknown as AuditVerification;
    }
    if (this.options.expectLastHash !== undefined && this.options.expectLastHash !== this.prevHash) {
      this.line++;
      this.fail(`the log ends at seq ${this.nextSeq - 1} but the expected last hash is not there: entries were cut off the end`);
      return this.result as unknown as AuditVerification;
    }
    return this.summary();
  }
}

function resolveCheckpoint(option: VerifyAuditLogOptions['checkpoint'], file: string | undefined): { cp: AuditCheckpoint; path?: string } | undefined {
  if (option === false) return undefined;
  if (typeof option === 'object') return { cp: option };
  const path = option ?? (file !== undefined ? checkpointPathOf(file) : undefined);
  if (path === undefined || (option === undefined && !existsSync(path))) return undefined;
  return { cp: readCheckpoint(path), path };
}

/** Verifies the hash chain of audit log text (already in memory). */
export function verifyAuditLogText(text: string, options: VerifyAuditLogOptions = {}): AuditVerification {
  let checkpoint: ReturnType<typeof resolveCheckpoint>;
  try {
    checkpoint = resolveCheckpoint(options.checkpoint, undefined);
  } catch (e) {
    return unreadable(options, (e as Error).message);
  }
  const v = new ChainVerifier(options, checkpoint);
  let start = 0;
  while (start < text.length && !v.result) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    v.feed(text.slice(start, end), nl === -1);
    start = end + 1;
  }
  return v.finish();
}

function unreadable(options: VerifyAuditLogOptions, problem: string): AuditVerification {
  return { ok: false, entries: 0, lastHash: AUDIT_GENESIS_HASH, mode: options.hmacKey !== undefined ? 'hmac-sha256' : 'sha256', problem };
}

/** Whether a file's last byte is a newline (a writer that finished its last line). */
function endsWithNewline(path: string): boolean {
  const size = statSync(path).size;
  if (size === 0) return true;
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, size - 1);
    return b[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

/**
 * Verifies an audit log: a file path (streamed line by line), or the log's text itself
 * (anything containing a newline or starting with `{`). Reports the first line that
 * breaks the chain (edited, removed, inserted or reordered entries), a torn last line (a
 * crash, told apart from an edit), a mode other than the one asked for (a key given for a
 * plain chain, or none for a keyed one), and lines cut off the end against a checkpoint.
 */
export async function verifyAuditLog(fileOrText: string, options: VerifyAuditLogOptions = {}): Promise<AuditVerification> {
  if (fileOrText.includes('\n') || fileOrText.trimStart().startsWith('{') || fileOrText === '') return verifyAuditLogText(fileOrText, options);
  let checkpoint: ReturnType<typeof resolveCheckpoint>;
  let finished: boolean;
  try {
    finished = endsWithNewline(fileOrText);
    checkpoint = resolveCheckpoint(options.checkpoint, fileOrText);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return unreadable(options, err.code ? `cannot read ${fileOrText}: ${err.message}` : err.message);
  }
  const v = new ChainVerifier(options, checkpoint);
  const input = createReadStream(fileOrText, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let pending: string | undefined;
  try {
    for await (const line of lines) {
      if (pending !== undefined) v.feed(pending);
      pending = line;
      if (v.result) break;
    }
    if (pending !== undefined && !v.result) v.feed(pending, !finished);
  } catch (e) {
    return unreadable(options, `cannot read ${fileOrText}: ${(e as Error).message}`);
  } finally {
    lines.close();
    input.destroy();
  }
  return v.finish();
}
