import type { AgentIdentity, ContentCaptureOptions } from '@warden/core';
import { validateIntegrationOptions } from '@warden/core/internal';

/** Options of `wardenMiddleware`, `wrapAISDKModel` and `wardenTools`. */
export interface WardenAISDKOptions extends ContentCaptureOptions {
  /** The agent these calls belong to, when no agent is active in context (`withAgent`, `traceAgent`). */
  agent?: string | AgentIdentity;
  /** End a stream's span as `abandoned` when nothing was read for this long. Default 5 minutes; 0: never. */
  streamIdleTimeoutMs?: number;
}

/** Validates options once, at wrap time; the error names the bad field (the schema is core's, shared with the other integrations). */
export function validateOptions(options: WardenAISDKOptions | undefined, where: string): WardenAISDKOptions {
  return validateIntegrationOptions(options, where);
}
