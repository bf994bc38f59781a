/**
 * How a failure is recorded on a span. An error's message is often text the provider or a
 * tool echoed back (the prompt, an argument, a connection string), so it is content: with
 * capture off the span gets the error's type and codes only; with capture on, its message
 * and stack go through redaction and the content bound like any other content.
 */
import { SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { resolveContentPolicy, type ContentPolicy } from './content';
import { boundedName } from './names';
import { defaultRedactor } from './redaction';
import { safely } from './registry';
import * as A from './semconv';

/** Frames of a stack kept when content is off: where it failed, which is code, not content. */
const MAX_STACK_FRAMES = 32;
// A code is kept only when it looks like one (ECONNRESET, invalid_api_key, rate_limit_exceeded).
const CODE_SHAPED = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A low-cardinality error.type: the error's class name, or _OTHER. */
export function errorTypeOf(err: unknown): string {
  if (err && typeof err === 'object') {
    const name = (err as Error).name;
    const ctor = (err as object).constructor?.name;
    if (typeof name === 'string' && name && name !== 'Error') return boundedName(name);
    if (ctor && ctor !== 'Object' && ctor !== 'Error') return boundedName(ctor);
    if (typeof name === 'string' && name) return boundedName(name);
  }
  return '_OTHER';
}

export interface ErrorCodes {
  /** HTTP status of a provider error (400, 429, ...). */
  status?: number;
  /** The provider's or the runtime's error code (invalid_api_key, ECONNRESET, -32602). */
  code?: string;
  /** The provider's error category (invalid_request_error, overloaded_error). */
  kind?: string;
}

function codeShaped(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  return typeof v === 'string' && CODE_SHAPED.test(v) ? v : undefined;
}

/** The machine-readable parts of an error (openai/anthropic APIError, Node system errors, JSON-RPC errors). */
export function errorCodesOf(err: unknown): ErrorCodes {
  const out: ErrorCodes = {};
  if (!err || typeof err !== 'object') return out;
  const e = err as { status?: unknown; statusCode?: unknown; code?: unknown; type?: unknown; error?: unknown };
  // status: openai/anthropic APIError; statusCode: the AI SDK's APICallError.
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status === 'number' && Number.isInteger(status) && status >= 100 && status < 600) out.status = status;
  const code = codeShaped(e.code);
  if (code) out.code = code;
  const kind = codeShaped(e.type) ?? codeShaped((e.error as { error?: { type?: unknown } } | undefined)?.error?.type);
  if (kind) out.kind = kind;
  return out;
}

/** `TypeName (status 400, code invalid_api_key, invalid_request_error)`: what the error is, without its text. */
export function errorSummary(type: string, codes: ErrorCodes): string {
  const facts: string[] = [];
  if (codes.status !== undefined) facts.push(`status ${codes.status}`);
  if (codes.code !== undefined) facts.push(`code ${codes.code}`);
  if (codes.kind !== undefined) facts.push(codes.kind);
  return facts.length ? `${type} (${facts.join(', ')})` : type;
}

/** The frames of a stack without the message at its head (which may span several lines). */
function framesOf(stack: string): string {
  const lines = stack.split('\n', MAX_STACK_FRAMES * 4);
  const frames: string[] = [];
  for (const line of lines) {
    if (/^\s+at /.test(line)) frames.push(line);
    if (frames.length >= MAX_STACK_FRAMES) break;
  }
  return defaultRedactor.redact(frames.join('\n'));
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return String(err);
  } catch {
    return '';
  }
}

/**
 * Marks `span` failed by `err`: error.type, an ERROR status and the `exception` event. With
 * content off (the default) the status and event say the error's type and codes, and the
 * stack its frames; with content on they carry the message and stack, redacted and bounded.
 * `errorType` overrides error.type where the protocol has its own code (a JSON-RPC error
 * number). Returns the error type. Never throws: a span that cannot record is Warden's failure.
 */
export function recordSpanFailure(span: Span, err: unknown, errorType?: string, content?: ContentPolicy): string {
  const type = errorType ?? errorTypeOf(err);
  safely('core.recordSpanFailure', () => recordUnsafe(span, err, type, content ?? resolveContentPolicy()));
  return type;
}

function recordUnsafe(span: Span, err: unknown, type: string, content: ContentPolicy): void {
  const codes = errorCodesOf(err);
  const summary = errorSummary(type, codes);
  const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack : undefined;
  let message = summary;
  let stacktrace = stack === undefined ? undefined : framesOf(stack);
  if (content.enabled) {
    const text = content.text(messageOf(err));
    if (text) message = `${summary}: ${text}`;
    if (stack !== undefined) stacktrace = content.text(stack) ?? stacktrace;
  }
  span.setAttribute(A.ATTR_ERROR_TYPE, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  const event: Attributes = { [A.ATTR_EXCEPTION_TYPE]: type, [A.ATTR_EXCEPTION_MESSAGE]: message };
  if (stacktrace) event[A.ATTR_EXCEPTION_STACKTRACE] = stacktrace;
  span.addEvent(A.EVENT_EXCEPTION, event);
}
