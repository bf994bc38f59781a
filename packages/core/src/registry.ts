/**
 * Process-wide Warden state shared by every copy of the packages (ESM and CJS builds, or
 * two installed versions), kept on globalThis under a registered symbol.
 */
import type { ContentCaptureOptions } from './content';
import type { ToolGuard } from './guard';
import type { HandoffAuthority } from './handoff';

export interface InternalErrorEvent {
  error: unknown;
  /** Where in Warden it happened, e.g. "openai.recordResponse". */
  where: string;
}

interface WardenGlobalState {
  contentDefaults: ContentCaptureOptions;
  errorListeners: Set<(e: InternalErrorEvent) => void>;
  errorCount: number;
  reportedOnce: Set<string>;
  toolGuard: ToolGuard | undefined;
  handoffAuthority?: HandoffAuthority;
}

const KEY = Symbol.for('warden.core.state.v1');

export function wardenState(): WardenGlobalState {
  const g = globalThis as unknown as Record<symbol, WardenGlobalState | undefined>;
  let s = g[KEY];
  if (!s) {
    s = { contentDefaults: {}, errorListeners: new Set(), errorCount: 0, reportedOnce: new Set(), toolGuard: undefined };
    g[KEY] = s;
  }
  return s;
}

/** Set process-wide defaults for content capture (monitor() does this from its options). */
export function setContentDefaults(options: ContentCaptureOptions): void {
  wardenState().contentDefaults = { ...options };
}

/**
 * Report a failure inside Warden. It is counted and handed to listeners (monitor()'s
 * `error` event), never thrown into the host app.
 */
export function reportInternalError(where: string, error: unknown): void {
  const s = wardenState();
  s.errorCount++;
  for (const l of s.errorListeners) {
    try {
      l({ error, where });
    } catch {
      // A failing listener must not turn into a failure of the host app.
    }
  }
  if (s.errorListeners.size === 0 && !s.reportedOnce.has(where)) {
    s.reportedOnce.add(where);
    // Report once per place when nobody listens, so a broken setup is still visible.
    try {
      process.emitWarning(`warden: internal error in ${where}: ${String((error as Error)?.message ?? error)}`);
    } catch {
      /* no process warnings available */
    }
  }
}

export function onInternalError(listener: (e: InternalErrorEvent) => void): () => void {
  const s = wardenState();
  s.errorListeners.add(listener);
  return () => s.errorListeners.delete(listener);
}

/** Runs `fn`, reporting (not throwing) any failure. For Warden's own bookkeeping only. */
export function safely<T>(where: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    reportInternalError(where, e);
    return undefined;
  }
}
