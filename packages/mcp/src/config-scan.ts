/**
 * Scan every server of an `mcpServers` configuration (the format desktop and IDE clients
 * use): start or connect to each, list what it offers, scan it. A server that fails to
 * start or answer is reported and the others are still scanned.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { WARDEN_VERSION, parseConfig, printable } from '@warden/core/internal';
import { z } from 'zod';
import { listServerDefinition, type ServerLister } from './onboarding';
import type { PinStore } from './pin-store';
import { runJudge, type JudgedTool, type JudgeRunOptions, type JudgeStats } from './judge';
import { judgeVerdict } from './rules/judge-verdict';
import { SCAN_RULES } from './scan-rules';
import { scanServerDefinition, type Finding, type ServerDefinition, type ToolDefinition, type TransportDescription } from './scanner';
import { toolSignatureHash } from './signature';

const stdioEntry = z.object({
  type: z.literal('stdio').optional(),
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
});
const httpEntry = z.object({
  type: z.enum(['http', 'streamable-http', 'streamableHttp', 'sse']).optional(),
  url: z.string().url(),
  headers: z.record(z.string(), z.string()).optional(),
});
export const mcpConfigSchema = z.object({
  mcpServers: z.record(z.string(), z.union([stdioEntry, httpEntry], { error: 'expected { command, args?, env? } or { url, type?, headers? }' })),
});
export type McpConfig = z.infer<typeof mcpConfigSchema>;
export type McpServerEntry = McpConfig['mcpServers'][string];

/** Validate a parsed config file; the error names the bad field (`mcpServers.git.command`). */
export function parseMcpConfig(value: unknown): McpConfig {
  return parseConfig(mcpConfigSchema, value, 'MCP configuration');
}

export interface ScannedServer {
  name: string;
  transport: 'stdio' | 'http' | 'sse';
  /** Command line or URL. */
  target: string;
  status: 'scanned' | 'error';
  error?: string;
  tools: number;
  prompts: number;
  resources: number;
  durationMs: number;
}

export interface ConfigScanReport {
  servers: ScannedServer[];
  findings: Finding[];
  /** With `judge`: what was asked, cached, skipped or failed. */
  judge?: JudgeStats;
}

export interface ConfigScanOptions {
  /** Per server: connect and list within this many milliseconds. Default 15 000. */
  timeoutMs?: number;
  /** Compare each tool with its pinned signature (new tools are pinned; changed ones are findings). */
  pins?: PinStore;
  /** With `pins`: accept changed signatures as the new pins instead of reporting them. */
  approveChanges?: boolean;
  /**
   * Optional: a model's verdict on each tool not pinned yet (off by default; see judge.ts).
   * Each definition is sent once; verdicts are cached by signature hash.
   */
  judge?: JudgeRunOptions;
  /** Called as each server is done (scanned or failed), e.g. for a progress line. */
  onServerScanned?(server: ScannedServer, done: number, total: number): void;
}

function hasAuthorization(headers: Record<string, string> | undefined): boolean {
  return Object.keys(headers ?? {}).some((k) => k.toLowerCase() === 'authorization');
}

function describeEntry(entry: McpServerEntry): TransportDescription {
  if ('command' in entry) return { type: 'stdio', command: entry.command, args: entry.args ?? [] };
  return { type: 'http', url: entry.url, authenticated: hasAuthorization(entry.headers) };
}

interface Connected {
  definition: Omit<ServerDefinition, 'server' | 'transport' | 'otherServerTools'>;
  transport: TransportDescription;
}

async function inspect(
  _name: string,
  entry: McpServerEntry,
  timeoutMs: number,
  onTarget: (t: ScannedServer['transport'], target: string) => void,
): Promise<Connected> {
  const client = new Client({ name: 'warden-scan', version: WARDEN_VERSION });
  let transport: StdioClientTransport | StreamableHTTPClientTransport | SSEClientTransport;
  let description: TransportDescription;
  let stderr = '';
  if ('command' in entry) {
    const stdio = new StdioClientTransport({
      command: entry.command,
      args: entry.args ?? [],
      env: { ...getDefaultEnvironment(), ...entry.env },
      cwd: entry.cwd,
      stderr: 'pipe',
    });
    stdio.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 2_000) stderr += chunk.toString('utf8');
    });
    transport = stdio;
    description = describeEntry(entry);
    onTarget('stdio', [entry.command, ...(entry.args ?? [])].join(' '));
  } else {
    const url = new URL(entry.url);
    const requestInit = entry.headers ? { headers: entry.headers } : undefined;
    transport = entry.type === 'sse' ? new SSEClientTransport(url, { requestInit }) : new StreamableHTTPClientTransport(url, { requestInit });
    description = describeEntry(entry);
    onTarget(entry.type === 'sse' ? 'sse' : 'http', url.href);
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const work = (async () => {
      await client.connect(transport, { timeout: timeoutMs });
      return listServerDefinition(client as unknown as ServerLister, timeoutMs);
    })();
    work.catch(() => undefined);
    const definition = await Promise.race([work, deadline]);
    return { definition, transport: description };
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } } | undefined)?.cause;
    const reason = `${e instanceof Error ? e.message : String(e)}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
    const detail = stderr.trim().split('\n').slice(-1)[0];
    throw new Error(detail ? `${reason} (stderr: ${detail.slice(0, 200)})` : reason);
  } finally {
    clearTimeout(timer);
    await client.close().catch(() => undefined);
  }
}

/** Connect to every configured server, scan each, and scan for shadowing across them. */
export async function scanMcpConfig(config: McpConfig, options: ConfigScanOptions = {}): Promise<ConfigScanReport> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const names = Object.keys(config.mcpServers);
  let done = 0;
  const results = await Promise.all(
    names.map(async (name) => {
      const server: ScannedServer = { name, transport: 'stdio', target: '', status: 'scanned', tools: 0, prompts: 0, resources: 0, durationMs: 0 };
      const started = performance.now();
      try {
        const connected = await inspect(name, config.mcpServers[name], timeoutMs, (t, target) => {
          server.transport = t;
          server.target = target;
        });
        server.tools = connected.definition.tools?.length ?? 0;
        server.prompts = connected.definition.prompts?.length ?? 0;
        server.resources = connected.definition.resources?.length ?? 0;
        return { server, connected, transport: connected.transport };
      } catch (e) {
        server.status = 'error';
        server.error = e instanceof Error ? e.message : String(e);
        return { server, connected: undefined, transport: describeEntry(config.mcpServers[name]) };
      } finally {
        server.durationMs = Math.round(performance.now() - started);
        options.onServerScanned?.(server, ++done, names.length);
      }
    }),
  );
  const toolsByServer: Record<string, string[]> = Object.fromEntries(
    results.flatMap((r) => (r.connected ? [[r.server.name, (r.connected.definition.tools ?? []).map((t) => t.name)]] : [])),
  );
  const findings: Finding[] = [];
  for (const r of results) {
    // Transport findings need no answer from the server, so an unreachable one still gets them.
    findings.push(...scanServerDefinition({ ...r.connected?.definition, server: r.server.name, transport: r.transport, otherServerTools: toolsByServer }));
  }
  let judgeStats: JudgeStats | undefined;
  if (options.judge) {
    // Before pinning: a tool pinned in an earlier scan was approved then and is not sent again.
    const judged: JudgedTool[] = [];
    for (const r of results) {
      if (!r.connected) continue;
      const pinned = options.pins ? new Map(Object.entries(await options.pins.load(r.server.target))) : new Map<string, { hash: string }>();
      for (const tool of r.connected.definition.tools ?? []) {
        const hash = toolSignatureHash(tool);
        judged.push({ server: r.server.name, tool, hash, pinned: pinned.get(tool.name)?.hash === hash });
      }
    }
    const { verdicts, stats } = await runJudge(judged, options.judge);
    judgeStats = stats;
    for (const v of verdicts) {
      findings.push({
        server: v.server,
        tool: v.tool,
        ruleId: judgeVerdict.id,
        rule: judgeVerdict.name,
        severity: judgeVerdict.severity,
        message: `${judgeVerdict.name}: ${stats.model} judged tool "${printable(v.tool)}" malicious: ${printable(v.verdict.reason).slice(0, 300)}`,
        location: `tools[${v.tool}]`,
        span: { start: 0, end: 0 },
        evidence: printable(v.verdict.reason).slice(0, 200),
        references: judgeVerdict.references,
      });
    }
  }
  if (options.pins) {
    for (const r of results) {
      if (r.connected)
        findings.push(
          ...(await comparePins(options.pins, r.server.name, r.server.target, r.connected.definition.tools ?? [], options.approveChanges === true)),
        );
    }
  }
  return { servers: results.map((r) => r.server), findings, ...(judgeStats ? { judge: judgeStats } : {}) };
}

/** Pin new tools; report (or, when approving, re-pin) tools whose signature changed. Same identity as the wrapper: command + args, or URL. */
async function comparePins(store: PinStore, server: string, identity: string, tools: readonly ToolDefinition[], approve: boolean): Promise<Finding[]> {
  // A Map, not the stored object: tool names such as `__proto__` or `constructor` are data, not properties.
  const pinned = new Map(Object.entries(await store.load(identity)));
  const findings: Finding[] = [];
  let dirty = false;
  const now = new Date().toISOString();
  for (const tool of tools) {
    const hash = toolSignatureHash(tool);
    const pin = pinned.get(tool.name);
    if (pin && pin.hash === hash) continue;
    if (pin && !approve) {
      const rule = SCAN_RULES.toolSignatureChanged;
      findings.push({
        server,
        tool: tool.name,
        ruleId: rule.id,
        rule: rule.name,
        severity: rule.severity,
        message: `${rule.name}: tool "${printable(tool.name)}" changed since it was pinned at ${pin.pinnedAt}; review it and re-run with --approve-changes.`,
        location: `tools[${tool.name}]`,
        span: { start: 0, end: 0 },
        evidence: `sha256 ${pin.hash.slice(0, 12)}… → ${hash.slice(0, 12)}…`,
        references: rule.references,
      });
      continue;
    }
    pinned.set(tool.name, { hash, pinnedAt: now });
    dirty = true;
  }
  if (dirty) await store.save(identity, Object.fromEntries(pinned));
  return findings;
}
