import type { AgentIdentity, ContentCaptureOptions } from '@warden/core';
import { validateIntegrationOptions } from '@warden/core/internal';

/** Options of `WardenCallbackHandler` and `wrapLangChain`. */
export interface WardenLangChainOptions extends ContentCaptureOptions {
  /** The agent these calls belong to, when no agent is active in context (`withAgent`, `traceAgent`). */
  agent?: string | AgentIdentity;
  /**
   * End a model run's span as `abandoned` when no callback came for this long (a stream the
   * app stopped reading sends none). Default DEFAULT_STREAM_IDLE_TIMEOUT_MS (5 minutes); 0: never.
   */
  streamIdleTimeoutMs?: number;
}

/** Validates options once, at wrap time; the error names the bad field (the schema is core's, shared with the other integrations). */
export function validateOptions(options: WardenLangChainOptions | undefined, where: string): WardenLangChainOptions {
  return validateIntegrationOptions(options, where);
}
