/**
 * The onboarding scan: a pure function from what a server advertises (tools, prompts,
 * resources, instructions, transport) to findings. No network, no model, no clock.
 */
import type { Severity } from '@warden/core';
import { printable } from '@warden/core/internal';
import type { FrameworkReference } from './references';
import type { FieldContext, RawMatch, ScanRule } from './rules/rule';
import { supplyChainHits } from './rules/supply-chain';
import { insecureTransport, isLoopback, missingAuthentication } from './rules/transport';
import { SEVERITY_RANK, TEXT_RULES } from './scan-rules';

export interface ToolDefinition {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}

export interface PromptDefinition {
  name: string;
  title?: string;
  description?: string;
  arguments?: readonly { name: string; description?: string }[];
}

export interface ResourceDefinition {
  uri: string;
  name?: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

/** How the client reaches the server; only what the transport rules need. */
export type TransportDescription =
  | { type: 'stdio'; command: string; args?: readonly string[] }
  | { type: 'http'; url: string; authenticated: boolean }
  | { type: 'other' };

export interface ServerDefinition {
  /** Server name or identity, copied onto each finding. */
  server?: string;
  tools?: readonly ToolDefinition[];
  prompts?: readonly PromptDefinition[];
  resources?: readonly ResourceDefinition[];
  instructions?: string;
  transport?: TransportDescription;
  /** Tool names of the other servers connected in this process, by server (for shadowing). */
  otherServerTools?: Readonly<Record<string, readonly string[]>>;
}

export interface Finding {
  server?: string;
  tool?: string;
  prompt?: string;
  resource?: string;
  ruleId: string;
  rule: string;
  severity: Severity;
  message: string;
  /** Where in the definition: `tools[name].inputSchema.properties.path.description`. */
  location: string;
  /** Offsets of the offending text inside the field at `location`. */
  span: { start: number; end: number };
  /** The offending text with a little context, invisible characters made visible. */
  evidence: string;
  references: readonly FrameworkReference[];
}

interface TextField {
  text: string;
  location: string;
  /** A property name rather than prose. */
  isKey?: boolean;
  tool?: string;
  prompt?: string;
  resource?: string;
}

const MAX_FIELDS = 4_000;
const MAX_SCHEMA_DEPTH = 12;
const MAX_FINDINGS_PER_FIELD = 12;
const MAX_TEXT = 100_000;

const visible = printable;

/** All prose-rule matches in one piece of text (also used on decoded payloads). */
function proseMatches(text: string, ctx: Omit<FieldContext, 'depth' | 'rescan'>, depth: number): RawMatch[] {
  const out: RawMatch[] = [];
  const full: FieldContext = { ...ctx, depth, rescan: (t, d) => proseMatches(t, { ...ctx, others: new Map() }, d) };
  const spaced = /\s/.test(text);
  for (const rule of TEXT_RULES) if (spaced || !rule.phrasesOnly) rule.prose?.(text, full, out);
  return out;
}

function nameMatches(text: string, ctx: Omit<FieldContext, 'depth' | 'rescan'>): RawMatch[] {
  const out: RawMatch[] = [];
  const full: FieldContext = { ...ctx, depth: 0, rescan: () => [] };
  for (const rule of TEXT_RULES) rule.name?.(text, full, out);
  return out;
}

function excerpt(text: string, start: number, end: number): string {
  const from = Math.max(0, start - 24);
  const to = Math.min(text.length, Math.max(end, start + 1) + 24);
  let s = visible(text.slice(from, to).replace(/\s+/g, ' '));
  if (s.length > 200) s = s.slice(0, 199) + '…';
  return `${from > 0 ? '…' : ''}${s}${to < text.length ? '…' : ''}`;
}

function schemaFields(schema: unknown, location: string, base: Omit<TextField, 'text' | 'location'>, out: TextField[], depth: number): void {
  if (out.length >= MAX_FIELDS || depth > MAX_SCHEMA_DEPTH || schema === null || schema === undefined) return;
  if (typeof schema === 'string') {
    out.push({ ...base, text: schema, location });
    return;
  }
  if (Array.isArray(schema)) {
    schema.forEach((v, i) => schemaFields(v, `${location}[${i}]`, base, out, depth + 1));
    return;
  }
  if (typeof schema !== 'object') return;
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [prop, sub] of Object.entries(value as Record<string, unknown>)) {
        out.push({ ...base, text: prop, location: `${location}.properties.${prop}`, isKey: true });
        schemaFields(sub, `${location}.properties.${prop}`, base, out, depth + 1);
      }
    } else if (key !== '$schema' && key !== 'type' && key !== 'format' && key !== 'pattern') {
      schemaFields(value, `${location}.${key}`, base, out, depth + 1);
    }
  }
}

function collectFields(def: ServerDefinition): TextField[] {
  const out: TextField[] = [];
  const push = (f: TextField) => {
    if (out.length < MAX_FIELDS && f.text) out.push({ ...f, text: f.text.length > MAX_TEXT ? f.text.slice(0, MAX_TEXT) : f.text });
  };
  if (def.instructions) push({ text: def.instructions, location: 'instructions' });
  for (const t of def.tools ?? []) {
    const at = `tools[${t.name}]`;
    push({ text: t.name, location: `${at}.name`, tool: t.name, isKey: true });
    if (t.title) push({ text: t.title, location: `${at}.title`, tool: t.name });
    if (t.description) push({ text: t.description, location: `${at}.description`, tool: t.name });
    schemaFields(t.inputSchema, `${at}.inputSchema`, { tool: t.name }, out, 0);
    schemaFields(t.outputSchema, `${at}.outputSchema`, { tool: t.name }, out, 0);
    schemaFields(t.annotations, `${at}.annotations`, { tool: t.name }, out, 0);
  }
  for (const p of def.prompts ?? []) {
    const at = `prompts[${p.name}]`;
    push({ text: p.name, location: `${at}.name`, prompt: p.name, isKey: true });
    if (p.title) push({ text: p.title, location: `${at}.title`, prompt: p.name });
    if (p.description) push({ text: p.description, location: `${at}.description`, prompt: p.name });
    for (const a of p.arguments ?? []) {
      push({ text: a.name, location: `${at}.arguments.${a.name}`, prompt: p.name, isKey: true });
      if (a.description) push({ text: a.description, location: `${at}.arguments.${a.name}.description`, prompt: p.name });
    }
  }
  for (const r of def.resources ?? []) {
    const at = `resources[${r.uri}]`;
    for (const k of ['name', 'title', 'description'] as const) {
      const v = r[k];
      if (v) push({ text: v, location: `${at}.${k}`, resource: r.uri });
    }
  }
  return out;
}

function transportFindings(def: ServerDefinition): Finding[] {
  const t = def.transport;
  if (t?.type === 'stdio') {
    const line = [t.command, ...(t.args ?? [])].join(' ');
    return supplyChainHits(t.command, t.args ?? []).map((h) => ({
      server: def.server,
      ruleId: h.rule.id,
      rule: h.rule.name,
      severity: h.rule.severity,
      message: h.message,
      location: 'transport.command',
      span: { start: 0, end: line.length },
      evidence: printable(line).slice(0, 200),
      references: h.rule.references,
    }));
  }
  if (!t || t.type !== 'http') return [];
  let url: URL;
  try {
    url = new URL(t.url);
  } catch {
    return [];
  }
  if (isLoopback(url.hostname)) return [];
  const out: Finding[] = [];
  const make = (rule: ScanRule, message: string): Finding => ({
    server: def.server,
    ruleId: rule.id,
    rule: rule.name,
    severity: rule.severity,
    message,
    location: 'transport.url',
    span: { start: 0, end: t.url.length },
    evidence: printable(t.url),
    references: rule.references,
  });
  if (url.protocol === 'http:') out.push(make(insecureTransport, `Server reached over plain http:// at ${printable(url.host)}, not loopback.`));
  if (!t.authenticated)
    out.push(make(missingAuthentication, `Remote server ${printable(url.host)} is reached without an Authorization header or auth provider.`));
  return out;
}

function describeField(f: TextField): string {
  if (f.location === 'instructions') return 'server instructions';
  const owner =
    f.tool !== undefined ? `tool "${visible(f.tool)}"` : f.prompt !== undefined ? `prompt "${visible(f.prompt)}"` : `resource "${visible(f.resource ?? '')}"`;
  // The owner's name may itself contain "]": strip the exact prefix, not a pattern.
  const prefix = f.tool !== undefined ? `tools[${f.tool}]` : f.prompt !== undefined ? `prompts[${f.prompt}]` : `resources[${f.resource}]`;
  const rest = printable(f.location.startsWith(prefix) ? f.location.slice(prefix.length).replace(/^\./, '') : f.location);
  return `${owner} ${rest || 'definition'}`;
}

/** Scan what one server advertises. Pure: the same definition always gives the same findings. */
export function scanServerDefinition(def: ServerDefinition): Finding[] {
  const ownTools = new Set((def.tools ?? []).map((t) => t.name));
  const ownProperties = new Set<string>();
  for (const t of def.tools ?? []) {
    const properties = (t.inputSchema as { properties?: unknown } | undefined)?.properties;
    if (properties && typeof properties === 'object' && !Array.isArray(properties)) for (const k of Object.keys(properties)) ownProperties.add(k);
  }
  const others = new Map<string, string>();
  for (const [server, tools] of Object.entries(def.otherServerTools ?? {})) {
    if (server === def.server) continue;
    for (const tool of tools) if (!others.has(tool)) others.set(tool, server);
  }
  const findings: Finding[] = [];
  for (const field of collectFields(def)) {
    const ctx = { location: field.location, tool: field.tool, ownTools, ownProperties, others };
    const raw = field.isKey ? nameMatches(field.text, ctx) : proseMatches(field.text, ctx, 0);
    const kept: RawMatch[] = [];
    raw.sort((a, b) => a.start - b.start || SEVERITY_RANK[b.severity ?? b.rule.severity] - SEVERITY_RANK[a.severity ?? a.rule.severity]);
    for (const m of raw) {
      if (kept.some((k) => k.rule === m.rule && m.start < k.end && k.start < m.end)) continue;
      kept.push(m);
      if (kept.length >= MAX_FINDINGS_PER_FIELD) break;
    }
    for (const m of kept) {
      const rule = m.rule;
      const quoted = visible(field.text.slice(m.start, m.end)).slice(0, 80);
      findings.push({
        server: def.server,
        ...(field.tool !== undefined ? { tool: field.tool } : {}),
        ...(field.prompt !== undefined ? { prompt: field.prompt } : {}),
        ...(field.resource !== undefined ? { resource: field.resource } : {}),
        ruleId: rule.id,
        rule: rule.name,
        severity: m.severity ?? rule.severity,
        message: `${rule.name} in ${describeField(field)}: ${m.note ?? `"${quoted}"`}`,
        location: field.location,
        span: { start: m.start, end: m.end },
        evidence: excerpt(field.text, m.start, m.end),
        references: rule.references,
      });
    }
  }
  findings.push(...transportFindings(def));
  return findings;
}

/** The highest severity among findings, or undefined when there are none. */
export function maxSeverity(findings: readonly Pick<Finding, 'severity'>[]): Severity | undefined {
  let best: Severity | undefined;
  for (const f of findings) if (!best || SEVERITY_RANK[f.severity] > SEVERITY_RANK[best]) best = f.severity;
  return best;
}
