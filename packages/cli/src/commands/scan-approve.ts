/**
 * `warden scan --approve --key <org-key.pem>`: sign the pinned tool signatures of every
 * server that scanned clean into the MCP allowlist that `onboarding: 'allowlist'` enforces.
 */
import { readFile } from 'node:fs/promises';
import {
  atLeast,
  MemoryPinStore,
  signAllowlist,
  writeAllowlist,
  type AllowlistServers,
  type ConfigScanReport,
  type PinnedTool,
  type PinStore,
} from '@warden/mcp';
import type { Severity } from '@warden/core';

/** A pin store that remembers the last pins it loaded or saved per server identity. */
export class RecordingPinStore implements PinStore {
  readonly latest = new Map<string, Record<string, PinnedTool>>();
  constructor(private readonly inner: PinStore = new MemoryPinStore()) {}
  async load(server: string): Promise<Record<string, PinnedTool>> {
    const pins = await this.inner.load(server);
    this.latest.set(server, { ...pins });
    return pins;
  }
  async save(server: string, tools: Record<string, PinnedTool>): Promise<void> {
    this.latest.set(server, { ...tools });
    await this.inner.save(server, tools);
  }
}

export interface ApproveResult {
  path: string;
  signed: string[];
  /** Servers left out, with why. */
  skipped: { name: string; reason: string }[];
}

/** Signs the clean servers' pins with the organisation key and writes the allowlist. */
export async function approveServers(
  report: ConfigScanReport,
  pins: RecordingPinStore,
  failOn: Severity,
  keyFile: string,
  out: string,
): Promise<ApproveResult> {
  const keyPem = await readFile(keyFile, 'utf8').catch((e: Error) => {
    throw new Error(`cannot read the organisation key ${keyFile}: ${e.message}`);
  });
  const servers: AllowlistServers = {};
  const signed: string[] = [];
  const skipped: ApproveResult['skipped'] = [];
  for (const s of report.servers) {
    const risky = report.findings.filter((f) => f.server === s.name && atLeast(f.severity, failOn));
    if (s.status !== 'scanned') skipped.push({ name: s.name, reason: `not scanned (${s.error ?? 'error'})` });
    else if (risky.length > 0) skipped.push({ name: s.name, reason: `${risky.length} finding(s) at or above ${failOn}` });
    else {
      const recorded = pins.latest.get(s.target) ?? {};
      servers[s.target] = { name: s.name, tools: Object.fromEntries(Object.entries(recorded).map(([tool, p]) => [tool, p.hash])) };
      signed.push(s.name);
    }
  }
  await writeAllowlist(out, signAllowlist(servers, keyPem));
  return { path: out, signed, skipped };
}
