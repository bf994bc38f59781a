import { createHash, createHmac } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import * as A from '@warden/core';
import { onWardenEvent, reportInternalError, safely, type WardenEvent } from '@warden/core';
import { hrTimeToMs, numberAttr, parentSpanIdOf, stringAttr, stringListAttr, type FinishedSpan, type WardenSpanProcessor } from './finished-span';

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
}

const RESERVED = new Set(['seq', 'time', 'type', 'prevHash', 'hash']);
const MAX_TAIL_BYTES = 4 * 1024 * 1024;

/** JSON with object keys sorted at every level: the form that is hashed. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // Same view of a Date (or anything with toJSON) as the JSON.stringify that writes the line.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const keys = Object.keys(value).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** The hash of an entry: sha256 (or HMAC) over prevHash + the canonical entry without its hash. */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'> & { hash?: string }, options: AuditHashOptions = {}): string {
  const { hash: _ignored, ...body } = entry;
  const h = options.hmacKey !== undefined ? createHmac('sha256', options.hmacKey) : createHash('sha256');
  return h.update(String(entry.prevHash)).update(canonicalJson(body)).digest('hex');
}

/** The last non-empty line of a file, read from its end so a large log is not loaded. */
function lastLineOf(path: string): string | undefined {
  const size = statSync(path).size;
  if (size === 0) return undefined;
  const fd = openSync(path, 'r');
  try {
    let text = '';
    let pos = size;
    while (pos > 0 && size - pos < MAX_TAIL_BYTES) {
      const n = Math.min(64 * 1024, pos);
      pos -= n;
      const buf = Buffer.alloc(n);
      readSync(fd, buf, 0, n, pos);
      text = buf.toString('utf8') + text;
      const trimmed = text.replace(/\n+$/, '');
      const nl = trimmed.lastIndexOf('\n');
      if (nl >= 0) return trimmed.slice(nl + 1);
      if (pos === 0) return trimmed;
    }
    throw new Error(`last line of ${path} is longer than ${MAX_TAIL_BYTES} bytes`);
  } finally {
    closeSync(fd);
  }
}

/**
 * An append-only JSONL audit log of agent actions, policy decisions and alerts. Each entry
 * carries the hash of the one before it, so an edited, removed, inserted or reordered line
 * breaks the chain that `verifyAuditLog` checks. Writes stream to the destination; when it
 * falls behind by more than `maxBufferedBytes`, entries are dropped and the count is logged
 * as an `entries_dropped` entry once it catches up, so memory stays bounded.
 */
export class AuditLog {
  private readonly stream: Writable;
  private readonly ownsStream: boolean;
  private readonly now: () => number;
  private readonly maxBuffered: number;
  private readonly hashOptions: AuditHashOptions;
  private readonly unsubscribe: (() => void) | undefined;
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
    if (typeof options.destination === 'string') {
      const path = options.destination;
      if (existsSync(path)) {
        // Continue the existing chain rather than start a second one in the same file.
        const last = lastLineOf(path);
        if (last !== undefined) {
          let entry: Partial<AuditEntry> = {};
          try {
            entry = JSON.parse(last) as Partial<AuditEntry>;
          } catch {
            // reported below as not an audit entry
          }
          if (typeof entry.seq !== 'number' || typeof entry.hash !== 'string')
            throw new A.WardenConfigError(`Audit log ${path}: its last line is not an audit entry (no seq/hash)`);
          this.nextSeq = entry.seq + 1;
          this.prevHash = entry.hash;
        }
      }
      mkdirSync(dirname(path), { recursive: true });
      this.stream = createWriteStream(path, { flags: 'a' });
      this.ownsStream = true;
    } else {
      this.stream = options.destination;
      this.ownsStream = false;
    }
    this.stream.on('error', (e) => {
      this.broken = true;
      reportInternalError('agents.auditLog.write', e);
    });
    this.unsubscribe = options.subscribe === false ? undefined : onWardenEvent((e) => this.recordEvent(e));
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
    this.stream.write(`${JSON.stringify(full)}\n`);
    this.prevHash = hash;
    this.nextSeq++;
    return full;
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

  /** Stops recording; ends the file stream it opened (a stream passed in is left open). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.unsubscribe?.();
    await this.flush();
    this.closed = true;
    if (!this.ownsStream || this.broken) return;
    await new Promise<void>((resolve) => {
      this.stream.once('error', () => resolve());
      this.stream.end(() => resolve());
    });
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
  /** 1-based line number of the first line that breaks the chain. */
  firstBadLine?: number;
  problem?: string;
}

export interface VerifyAuditLogOptions extends AuditHashOptions {
  /** Where the file starts when it continues an earlier (rotated) log. Default: seq 1 and the genesis hash. */
  start?: { seq: number; prevHash: string };
  /** The hash the last entry must have (an anchor kept elsewhere): detects lines cut off the end. */
  expectLastHash?: string;
}

/** Checks lines one at a time, so a file of any size is verified in constant memory. */
class ChainVerifier {
  private line = 0;
  private entries = 0;
  private prevHash: string;
  private nextSeq: number;
  private pendingBlank = 0;
  result: AuditVerification | undefined;

  constructor(private readonly options: VerifyAuditLogOptions) {
    this.prevHash = options.start?.prevHash ?? AUDIT_GENESIS_HASH;
    this.nextSeq = options.start?.seq ?? 1;
  }

  private fail(problem: string): void {
    this.result = { ok: false, entries: this.entries, lastHash: this.prevHash, firstBadLine: this.line, problem };
  }

  feed(raw: string): void {
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
      return this.fail(`line ${this.line} is not valid JSON`);
    }
    if (typeof entry !== 'object' || entry === null || typeof entry.seq !== 'number' || typeof entry.prevHash !== 'string' || typeof entry.hash !== 'string')
      return this.fail(`line ${this.line} is not an audit entry (seq, prevHash and hash are required)`);
    if (auditEntryHash(entry, this.options) !== entry.hash)
      return this.fail(`line ${this.line} (seq ${entry.seq}) was edited: its hash does not match its content`);
    if (entry.prevHash !== this.prevHash)
      return this.fail(
        `line ${this.line} (seq ${entry.seq}) does not follow the entry before it: expected seq ${this.nextSeq}; a line was removed, inserted or moved here`,
      );
    if (entry.seq !== this.nextSeq) return this.fail(`line ${this.line}: expected seq ${this.nextSeq}, found ${entry.seq}`);
    this.prevHash = entry.hash;
    this.nextSeq++;
    this.entries++;
  }

  finish(): AuditVerification {
    if (this.result) return this.result;
    if (this.options.expectLastHash !== undefined && this.options.expectLastHash !== this.prevHash) {
      this.line++;
      this.fail(`the log ends at seq ${this.nextSeq - 1} but the expected last hash is not there: entries were cut off the end`);
      return this.result as unknown as AuditVerification;
    }
    return { ok: true, entries: this.entries, lastHash: this.prevHash };
  }
}

/** Verifies the hash chain of audit log text (already in memory). */
export function verifyAuditLogText(text: string, options: VerifyAuditLogOptions = {}): AuditVerification {
  const v = new ChainVerifier(options);
  let start = 0;
  while (start < text.length && !v.result) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    v.feed(text.slice(start, end));
    start = end + 1;
  }
  return v.finish();
}

/**
 * Verifies an audit log: a file path (streamed line by line), or the log's text itself
 * (anything containing a newline or starting with `{`). Reports the first line that
 * breaks the chain: edited, removed, inserted or reordered entries.
 */
export async function verifyAuditLog(fileOrText: string, options: VerifyAuditLogOptions = {}): Promise<AuditVerification> {
  if (fileOrText.includes('\n') || fileOrText.trimStart().startsWith('{') || fileOrText === '') return verifyAuditLogText(fileOrText, options);
  const v = new ChainVerifier(options);
  const input = createReadStream(fileOrText, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      v.feed(line);
      if (v.result) break;
    }
  } catch (e) {
    return { ok: false, entries: 0, lastHash: AUDIT_GENESIS_HASH, problem: `cannot read ${fileOrText}: ${(e as Error).message}` };
  } finally {
    lines.close();
    input.destroy();
  }
  return v.finish();
}
