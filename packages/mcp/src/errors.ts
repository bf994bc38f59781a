import { WardenError, type Severity } from '@warden/core';

/** A tools/call refused because the server's onboarding scan found risks at or above `failOn` in `block` mode. */
export class McpServerBlockedError extends WardenError {
  readonly server: string;
  readonly tool: string;
  readonly findings: readonly { ruleId: string; severity: Severity; message: string }[];
  constructor(details: { server: string; tool: string; findings: readonly { ruleId: string; severity: Severity; message: string }[] }) {
    const first = details.findings[0];
    super(
      `MCP server "${details.server}" is blocked by its onboarding scan (${details.findings.length} finding(s)${first ? `, e.g. ${first.ruleId} ${first.severity}: ${first.message}` : ''}); tool "${details.tool}" was not called.`,
    );
    this.name = 'McpServerBlockedError';
    this.server = details.server;
    this.tool = details.tool;
    this.findings = details.findings;
  }
  static override isInstance(e: unknown): e is McpServerBlockedError {
    return WardenError.isInstance(e) && e.name === 'McpServerBlockedError';
  }
}

/** A tools/call refused because the tool's signature changed since it was pinned and is not yet re-approved. */
export class McpToolChangedError extends WardenError {
  readonly server: string;
  readonly tool: string;
  readonly pinnedHash: string;
  readonly currentHash: string;
  constructor(details: { server: string; tool: string; pinnedHash: string; currentHash: string }) {
    super(
      `Tool "${details.tool}" of MCP server "${details.server}" changed since it was pinned (sha256 ${details.pinnedHash.slice(0, 12)}… → ${details.currentHash.slice(0, 12)}…); approve it with approveToolChange() before calling it.`,
    );
    this.name = 'McpToolChangedError';
    this.server = details.server;
    this.tool = details.tool;
    this.pinnedHash = details.pinnedHash;
    this.currentHash = details.currentHash;
  }
  static override isInstance(e: unknown): e is McpToolChangedError {
    return WardenError.isInstance(e) && e.name === 'McpToolChangedError';
  }
}
