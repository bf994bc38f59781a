/**
 * Onboarding of one MCP server connection: list what it offers, scan it, pin each tool's
 * signature, decide allow / warn / block, and watch for changes (rug pulls) afterwards.
 */
import { controlsForKind, type Alert, type Severity } from '@warden/core';
import { activeDrill, newAlertId, publishAlert, publishWardenEvent, reportInternalError } from '@warden/core/internal';
import { McpServerBlockedError, McpToolChangedError } from './errors';
import type { McpAllowlist } from './allowlist';
import type { PinStore, PinnedTool } from './pin-store';
import { atLeast, SEVERITY_RANK } from './scan-rules';
import {
  maxSeverity,
  scanServerDefinition,
  type Finding,
  type PromptDefinition,
  type ResourceDefinition,
  type ServerDefinition,
  type ToolDefinition,
  type TransportDescription,
} from './scanner';
import { otherServersTools, registerSession, rememberServerTools, unregisterSession, type ApprovableSession } from './server-registry';
import { toolSignatureHash } from './signature';

/** allow: record only; warn: alert; block: alert and refuse tool calls; allowlist: block, and admit only servers on the signed allowlist. */
export type OnboardingMode = 'allow' | 'warn' | 'block' | 'allowlist';

const MAX_PAGES = 50;

/** The listing calls onboarding needs; a connected SDK `Client` satisfies it. */
export interface ServerLister {
  listTools(params?: { cursor?: string }, options?: { timeout?: number }): Promise<{ tools: ToolDefinition[]; nextCursor?: string }>;
  listPrompts(params?: { cursor?: string }, options?: { timeout?: number }): Promise<{ prompts: PromptDefinition[]; nextCursor?: string }>;
  listResources(params?: { cursor?: string }, options?: { timeout?: number }): Promise<{ resources: ResourceDefinition[]; nextCursor?: string }>;
  getServerCapabilities(): { tools?: object; prompts?: object; resources?: object } | undefined;
  getInstructions?(): string | undefined;
}

async function paginate<T>(fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string }>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await fetchPage(cursor);
    all.push(...r.items);
    if (!r.nextCursor || r.nextCursor === cursor) break;
    cursor = r.nextCursor;
  }
  return all;
}

export async function listTools(lister: ServerLister, timeout?: number): Promise<ToolDefinition[]> {
  return paginate(async (cursor) => {
    const r = await lister.listTools(cursor ? { cursor } : undefined, { timeout });
    return { items: r.tools, nextCursor: r.nextCursor };
  });
}

/** Everything a server advertises, in the shape the scanner reads. */
export async function listServerDefinition(
  lister: ServerLister,
  timeout?: number,
): Promise<Omit<ServerDefinition, 'server' | 'transport' | 'otherServerTools'>> {
  const caps = lister.getServerCapabilities() ?? {};
  const tools = caps.tools ? await listTools(lister, timeout) : [];
  const prompts = caps.prompts
    ? await paginate(async (cursor) => {
        const r = await lister.listPrompts(cursor ? { cursor } : undefined, { timeout });
        return { items: r.prompts, nextCursor: r.nextCursor };
      })
    : [];
  const resources = caps.resources
    ? await paginate(async (cursor) => {
        const r = await lister.listResources(cursor ? { cursor } : undefined, { timeout });
        return { items: r.resources, nextCursor: r.nextCursor };
      })
    : [];
  return { tools, prompts, resources, instructions: lister.getInstructions?.() };
}

export interface OnboardingOptions {
  identity: string;
  name: string;
  transport: TransportDescription;
  mode: OnboardingMode;
  failOn: Severity;
  pins: PinStore | undefined;
  agent?: string;
  scanTimeoutMs: number;
  /** The signed allowlist: enforced in 'allowlist' mode, alerted on in warn/block. */
  allowlist?: McpAllowlist;
}

/** One connected server as Warden sees it; lives as long as the client's connection. */
export class ServerOnboarding implements ApprovableSession {
  readonly identity: string;
  readonly name: string;
  private readonly options: OnboardingOptions;
  private definition: Omit<ServerDefinition, 'server' | 'transport' | 'otherServerTools'> = {};
  private findings: Finding[] = [];
  private blocking: Finding[] = [];
  // A Map: tool names such as `__proto__` or `constructor` are data, not properties.
  private pinned = new Map<string, PinnedTool>();
  private readonly current = new Map<string, string>();
  private readonly alertedChanges = new Set<string>();
  /** Resolves when the first scan (and any re-scan in flight) is done; never rejects. */
  private pending: Promise<void> = Promise.resolve();
  /** True when no scan is in flight, so a tool call need not wait. */
  private settled = true;
  private onboarded = false;
  /** Why the server is not on the signed allowlist (undefined when it is, or no allowlist is configured). */
  private unsigned: string | undefined;

  constructor(options: OnboardingOptions) {
    this.options = options;
    this.identity = options.identity;
    this.name = options.name;
    registerSession(this);
  }

  get scanFindings(): readonly Finding[] {
    return this.findings;
  }

  get decision(): OnboardingMode {
    if (this.options.mode === 'allowlist') return this.blocking.length > 0 || this.unsigned !== undefined ? 'block' : 'allow';
    return this.blocking.length > 0 ? this.options.mode : 'allow';
  }

  private get blocks(): boolean {
    return this.options.mode === 'block' || this.options.mode === 'allowlist';
  }

  /** Start onboarding (once); later calls return the same promise. */
  onboard(lister: ServerLister): Promise<void> {
    if (this.onboarded) return this.pending;
    this.onboarded = true;
    return this.track(
      this.run('mcp.onboard', async () => {
        this.definition = await listServerDefinition(lister, this.options.scanTimeoutMs);
        this.pinned = new Map(Object.entries(this.options.pins ? await this.options.pins.load(this.identity) : {}));
        await this.comparePins(this.definition.tools ?? []);
        this.rescan();
      }),
    );
  }

  /** The tool list changed (notification, or an app's own tools/list showed new signatures). */
  refreshTools(lister: ServerLister, tools?: ToolDefinition[]): Promise<void> {
    const previous = this.pending;
    return this.track(
      this.run('mcp.refreshTools', async () => {
        await previous;
        if (tools && !this.differs(tools)) return;
        const latest = tools ?? (await listTools(lister, this.options.scanTimeoutMs));
        this.definition = { ...this.definition, tools: latest };
        await this.comparePins(latest);
        this.rescan();
      }),
    );
  }

  private track(work: Promise<void>): Promise<void> {
    this.settled = false;
    this.pending = work;
    void work.then(() => {
      if (this.pending === work) this.settled = true;
    });
    return work;
  }

  /** True when `tools` differ from what this session last saw. */
  differs(tools: readonly ToolDefinition[]): boolean {
    if (tools.length !== this.current.size) return true;
    return tools.some((t) => this.current.get(t.name) !== toolSignatureHash(t));
  }

  /**
   * Throws the typed error when `tool` must not be called; while a scan is in flight, returns
   * a promise that settles (or rejects) once it is done. Synchronous on the hot path.
   */
  gate(tool: string): Promise<void> | undefined {
    if (!this.settled) return this.pending.then(() => this.check(tool));
    this.check(tool);
    return undefined;
  }

  private check(tool: string): void {
    if (!this.blocks) return;
    if (this.options.mode === 'allowlist' && this.unsigned !== undefined) {
      throw new McpServerBlockedError({ server: this.name, tool, findings: [{ ruleId: 'WARDEN-MCP-ALLOWLIST', severity: 'high', message: this.unsigned }] });
    }
    if (this.blocking.length > 0) {
      throw new McpServerBlockedError({
        server: this.name,
        tool,
        findings: this.blocking.map((f) => ({ ruleId: f.ruleId, severity: f.severity, message: f.message })),
      });
    }
    const pin = this.pinned.get(tool);
    const now = this.current.get(tool);
    if (pin && now && pin.hash !== now) throw new McpToolChangedError({ server: this.name, tool, pinnedHash: pin.hash, currentHash: now });
  }

  async approve(tool: string): Promise<boolean> {
    const hash = this.current.get(tool);
    if (!hash) return false;
    this.pinned.set(tool, { hash, pinnedAt: new Date().toISOString() });
    this.alertedChanges.delete(tool);
    await this.savePins();
    this.pinEvent(tool, 'approved');
    return true;
  }

  close(): void {
    unregisterSession(this);
  }

  private async run(where: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      // A server that cannot be listed is not scanned; that must not break the app's connection.
      reportInternalError(where, e);
    }
  }

  private async comparePins(tools: readonly ToolDefinition[]): Promise<void> {
    let dirty = false;
    const seen = new Set<string>();
    const changed: string[] = [];
    for (const tool of tools) {
      const hash = toolSignatureHash(tool);
      seen.add(tool.name);
      this.current.set(tool.name, hash);
      const pin = this.pinned.get(tool.name);
      if (!pin) {
        this.pinned.set(tool.name, { hash, pinnedAt: new Date().toISOString() });
        dirty = true;
        this.pinEvent(tool.name, 'pinned');
      } else if (pin.hash === hash) {
        this.pinEvent(tool.name, 'unchanged');
      } else {
        this.pinEvent(tool.name, 'changed');
        changed.push(tool.name);
      }
    }
    for (const name of [...this.current.keys()]) {
      if (!seen.has(name)) {
        this.current.delete(name);
        this.pinEvent(name, 'removed');
      }
    }
    if (dirty) await this.savePins();
    for (const tool of changed) {
      const key = `${tool}:${this.current.get(tool)}`;
      if (this.options.mode === 'allow' || this.alertedChanges.has(key)) continue;
      this.alertedChanges.add(key);
      this.alert({
        severity: 'high',
        detector: 'mcp.rug_pull',
        tool,
        message: `Tool "${tool}" of MCP server "${this.name}" changed its signature since it was pinned${this.blocks ? '; it is not callable until re-approved' : ''}.`,
        score: 1,
        threshold: 1,
      });
    }
  }

  private rescan(): void {
    const otherServerTools = otherServersTools(this.identity);
    this.findings = scanServerDefinition({ ...this.definition, server: this.name, transport: this.options.transport, otherServerTools });
    this.blocking = this.findings.filter((f) => atLeast(f.severity, this.options.failOn));
    // A drill's canary server must not become a real server's neighbour in shadowing checks.
    if (!activeDrill()) rememberServerTools(this.identity, { name: this.name, tools: (this.definition.tools ?? []).map((t) => t.name) });
    this.checkAllowlist();
    publishWardenEvent({
      type: 'mcp_scan',
      server: this.identity,
      serverName: this.name,
      time: new Date().toISOString(),
      findings: this.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, ...(f.tool !== undefined ? { tool: f.tool } : {}), message: f.message })),
      decision: this.decision === 'allowlist' ? 'block' : this.decision,
      toolCount: this.definition.tools?.length ?? 0,
    });
    if (this.blocking.length > 0 && this.options.mode !== 'allow') {
      const counts: Record<string, number> = {};
      for (const f of this.blocking) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
      const first = [...this.blocking].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity])[0];
      this.alert({
        severity: maxSeverity(this.blocking) ?? this.options.failOn,
        detector: 'mcp.onboarding_scan',
        message: `MCP server "${this.name}" has ${this.blocking.length} finding(s) at or above ${this.options.failOn} (${first.ruleId} ${first.rule}${first.tool ? ` in tool "${first.tool}"` : ''})${this.blocks ? '; its tools are blocked' : ''}.`,
        score: this.blocking.length,
        threshold: 1,
        current: counts,
      });
    }
  }

  /** Checks the live tools against the signed allowlist: records the verdict; alerts when unsigned. */
  private checkAllowlist(): void {
    const allowlist = this.options.allowlist;
    if (!allowlist) return;
    const verdict = allowlist.check(this.identity, this.current);
    const wasUnsigned = this.unsigned;
    this.unsigned = verdict.admitted ? undefined : verdict.reason;
    const refused = !verdict.admitted && this.options.mode === 'allowlist';
    publishWardenEvent({
      type: 'mcp_allowlist',
      server: this.identity,
      serverName: this.name,
      time: new Date().toISOString(),
      signed: verdict.admitted,
      refused,
      reason: verdict.reason,
    });
    if (verdict.admitted || this.options.mode === 'allow' || wasUnsigned === verdict.reason) return;
    this.alert({
      severity: 'high',
      detector: 'mcp.unsigned_server',
      message: `MCP server "${this.name}" is not on the signed allowlist (${verdict.reason})${refused ? '; its tools are refused' : ''}.`,
      score: 1,
      threshold: 1,
    });
  }

  private alert(a: Pick<Alert, 'severity' | 'detector' | 'message' | 'score' | 'threshold' | 'current'> & { tool?: string }): void {
    const now = Date.now();
    publishAlert({
      id: newAlertId(now),
      kind: 'mcp_risk',
      severity: a.severity,
      detector: a.detector,
      subject: { mcpServer: this.name, ...(a.tool ? { tool: a.tool } : {}), ...(this.options.agent ? { agent: this.options.agent } : {}) },
      message: a.message,
      score: a.score,
      threshold: a.threshold,
      ...(a.current ? { current: a.current } : {}),
      traceIds: [],
      controls: controlsForKind('mcp_risk'),
      time: new Date(now).toISOString(),
    });
  }

  private pinEvent(tool: string, change: 'pinned' | 'unchanged' | 'changed' | 'removed' | 'approved'): void {
    publishWardenEvent({ type: 'mcp_pin', server: this.identity, serverName: this.name, time: new Date().toISOString(), tool, change });
  }

  private async savePins(): Promise<void> {
    if (!this.options.pins) return;
    try {
      await this.options.pins.save(this.identity, Object.fromEntries(this.pinned));
    } catch (e) {
      reportInternalError('mcp.savePins', e);
    }
  }
}
