/**
 * Errors Warden throws on purpose. Each has a stable `name` and an `isInstance` check that
 * works across copies of the package (ESM and CJS builds), as `instanceof` does not.
 */
const MARKER = Symbol.for('warden.error');

export class WardenError extends Error {
  readonly [MARKER] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WardenError';
  }
  static isInstance(e: unknown): e is WardenError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** A bad option or config file; the message names the field and what was expected. */
export class WardenConfigError extends WardenError {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'WardenConfigError';
  }
  static override isInstance(e: unknown): e is WardenConfigError {
    return WardenError.isInstance(e) && e.name === 'WardenConfigError';
  }
}

export class UnsupportedClientError extends WardenError {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedClientError';
  }
  static override isInstance(e: unknown): e is UnsupportedClientError {
    return WardenError.isInstance(e) && e.name === 'UnsupportedClientError';
  }
}

/** Thrown before a tool runs when an `enforce` policy denies the call. */
export class PolicyDeniedError extends WardenError {
  readonly agent: string | undefined;
  readonly tool: string;
  /** Which rule denied it: tool_not_allowed, mcp_server_not_allowed, argument, approval_denied, approval_failed. */
  readonly rule: string;
  readonly reason: string;
  constructor(details: { agent?: string; tool: string; rule: string; reason: string }) {
    super(`Policy denied tool "${details.tool}"${details.agent ? ` for agent "${details.agent}"` : ''}: ${details.reason}`);
    this.name = 'PolicyDeniedError';
    this.agent = details.agent;
    this.tool = details.tool;
    this.rule = details.rule;
    this.reason = details.reason;
  }
  static override isInstance(e: unknown): e is PolicyDeniedError {
    return WardenError.isInstance(e) && e.name === 'PolicyDeniedError';
  }
}

/** Thrown before a callee agent runs when an `enforce` identity check refuses its hand-off (unsigned, expired or forged). */
export class HandoffRefusedError extends WardenError {
  readonly caller: string;
  readonly callee: string;
  /** unsigned, forged, expired or unknown_caller. */
  readonly verdict: string;
  readonly reason: string;
  constructor(details: { caller: string; callee: string; verdict: string; reason: string }) {
    super(`Hand-off from agent "${details.caller}" to agent "${details.callee}" refused: ${details.reason}`);
    this.name = 'HandoffRefusedError';
    this.caller = details.caller;
    this.callee = details.callee;
    this.verdict = details.verdict;
    this.reason = details.reason;
  }
  static override isInstance(e: unknown): e is HandoffRefusedError {
    return WardenError.isInstance(e) && e.name === 'HandoffRefusedError';
  }
}
