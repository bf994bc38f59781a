/**
 * Process-wide knowledge about MCP servers: the tool names each connected server offers
 * (for shadowing checks) and the live onboarding sessions (for re-approval). Shared across
 * package copies through globalThis; bounded.
 */
const MAX_SERVERS = 256;

export interface KnownServer {
  name: string;
  tools: readonly string[];
}

export interface ApprovableSession {
  readonly identity: string;
  readonly name: string;
  approve(tool: string): Promise<boolean>;
}

/** How a wrapped client onboards servers (what a drill must replay its attacks through). */
export interface OnboardingSettings {
  mode: 'allow' | 'warn' | 'block' | 'allowlist';
  failOn: 'low' | 'medium' | 'high' | 'critical';
  allowlist?: { check(identity: string, live: ReadonlyMap<string, string>): { admitted: boolean; reason: string } };
}

interface RegistryState {
  known: Map<string, KnownServer>;
  sessions: Set<ApprovableSession>;
  settings?: Map<string, OnboardingSettings>;
}

const KEY = Symbol.for('warden.mcp.registry.v1');

function state(): RegistryState {
  const g = globalThis as unknown as Record<symbol, RegistryState | undefined>;
  return (g[KEY] ??= { known: new Map(), sessions: new Set() });
}

export function rememberServerTools(identity: string, server: KnownServer): void {
  const { known } = state();
  known.delete(identity);
  known.set(identity, server);
  while (known.size > MAX_SERVERS) known.delete(known.keys().next().value as string);
}

/** Tool names of every other known server, keyed by server name (identity when names collide). */
export function otherServersTools(identity: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [id, s] of state().known) {
    if (id === identity) continue;
    out[out[s.name] ? id : s.name] = [...s.tools];
  }
  return out;
}

export function forgetKnownServers(): void {
  state().known.clear();
}

export function registerSession(session: ApprovableSession): void {
  const { sessions } = state();
  sessions.add(session);
  if (sessions.size > MAX_SERVERS * 4) sessions.delete(sessions.values().next().value as ApprovableSession);
}

export function unregisterSession(session: ApprovableSession): void {
  state().sessions.delete(session);
}

/**
 * Re-approve a tool whose signature changed: its current signature becomes the pin, and
 * it is callable again in `block` mode. `server` is the server identity or its name.
 * Resolves to true when a live session knew the tool.
 */
export async function approveToolChange(server: string, tool: string): Promise<boolean> {
  let approved = false;
  for (const s of [...state().sessions]) {
    if (s.identity === server || s.name === server) approved = (await s.approve(tool)) || approved;
  }
  return approved;
}

/** Remembers one distinct onboarding configuration (mode · failOn · allowlist); bounded. */
export function registerOnboardingSettings(settings: OnboardingSettings): void {
  const s = state();
  s.settings ??= new Map();
  const key = `${settings.mode}\u0000${settings.failOn}\u0000${settings.allowlist ? 'allowlist' : ''}`;
  s.settings.delete(key);
  s.settings.set(key, settings);
  while (s.settings.size > 16) s.settings.delete(s.settings.keys().next().value as string);
}

/** The onboarding configurations of the MCP clients wrapped in this process. */
export function onboardingSettings(): OnboardingSettings[] {
  return [...(state().settings?.values() ?? [])];
}

/** Forget registered onboarding configurations (tests). */
export function forgetOnboardingSettings(): void {
  state().settings?.clear();
}
