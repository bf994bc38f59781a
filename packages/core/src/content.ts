import { Redactor, type RedactionRule } from './redaction';
import { wardenState } from './registry';
import { toBoundedJson } from './truncate';

export const CAPTURE_CONTENT_ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';
export const DEFAULT_MAX_CONTENT_LENGTH = 16_384;

export interface ContentCaptureOptions {
  /**
   * Record prompts, completions, tool arguments and results on spans. Off unless set here,
   * in monitor(), or by OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true.
   */
  captureContent?: boolean;
  /** Extra patterns to redact, on top of the built-in secret, e-mail and card rules. */
  redactPatterns?: readonly (RegExp | RedactionRule)[];
  /** Characters per content attribute; longer values are truncated to valid JSON. */
  maxContentLength?: number;
}

/** The resolved content rule a wrapper applies to one span. */
export interface ContentPolicy {
  readonly enabled: boolean;
  /** Redacts and bounds a value to a JSON string, or undefined when capture is off. */
  serialize(value: unknown): string | undefined;
  /** Redacts a plain string (bounded), or undefined when capture is off. */
  text(value: string): string | undefined;
}

const DISABLED: ContentPolicy = { enabled: false, serialize: () => undefined, text: () => undefined };

function envValue(): string | undefined {
  return typeof process !== 'undefined' ? process.env[CAPTURE_CONTENT_ENV] : undefined;
}

/** What OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT says now: true, false, or undefined when unset or empty. */
export function contentCaptureFromEnv(): boolean | undefined {
  const v = envValue();
  if (v === undefined || v === '') return undefined;
  return v.trim().toLowerCase() === 'true';
}

/**
 * Resolve content capture: the wrapper's own options first, then monitor()'s defaults,
 * then the environment variable; off when nothing says otherwise.
 */
export function resolveContentPolicy(options: ContentCaptureOptions = {}): ContentPolicy {
  const defaults = wardenState().contentDefaults;
  const enabled = options.captureContent ?? defaults.captureContent ?? contentCaptureFromEnv() ?? false;
  if (!enabled) return DISABLED;
  return enabledPolicy(options, defaults);
}

/** The last policy resolved for one options object, and what it was resolved from. */
interface CachedPolicy {
  defaults: ContentCaptureOptions;
  env: string | undefined;
  policy: ContentPolicy;
}

const policyCache = new WeakMap<ContentCaptureOptions, CachedPolicy>();

/**
 * resolveContentPolicy for options that live, unchanged, as long as a wrapped client: the same answer,
 * without building a Redactor per call. setContentDefaults replaces the defaults object and
 * the environment variable is re-read each call, so either changing still takes effect.
 */
export function cachedContentPolicy(options: ContentCaptureOptions): ContentPolicy {
  const defaults = wardenState().contentDefaults;
  // Read only when the options and defaults leave it open, as resolveContentPolicy does.
  const env = options.captureContent === undefined && defaults.captureContent === undefined ? envValue() : undefined;
  const cached = policyCache.get(options);
  if (cached && cached.defaults === defaults && cached.env === env) return cached.policy;
  const policy = resolveContentPolicy(options);
  policyCache.set(options, { defaults, env, policy });
  return policy;
}

function enabledPolicy(options: ContentCaptureOptions, defaults: ContentCaptureOptions): ContentPolicy {
  const redactor = new Redactor([...(defaults.redactPatterns ?? []), ...(options.redactPatterns ?? [])]);
  const max = options.maxContentLength ?? defaults.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH;
  // Cut first, then redact what is kept: the work is bounded by maxContentLength, not by the payload.
  const redact = (text: string) => redactor.redact(text);
  return {
    enabled: true,
    serialize: (value) => toBoundedJson(value, max, redact),
    text: (value) => JSON.parse(toBoundedJson(value, max, redact)) as string,
  };
}

// GenAI message shapes of the semantic conventions (gen_ai.input.messages / output.messages).
export type MessagePart =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown }
  | { type: 'reasoning'; content: string }
  | { type: string; [key: string]: unknown };

export interface InputMessage {
  role: 'system' | 'user' | 'assistant' | 'tool' | string;
  parts: MessagePart[];
  name?: string;
}

export interface OutputMessage extends InputMessage {
  finish_reason: string;
}
