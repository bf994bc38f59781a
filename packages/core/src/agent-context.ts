import { context, createContextKey, type Context } from '@opentelemetry/api';

/** Who is acting: carried through async context so nested calls know their agent. */
export interface AgentIdentity {
  name: string;
  id?: string;
  version?: string;
  description?: string;
  conversationId?: string;
  /** A version label of the agent's prompt; a change starts a new baseline. */
  promptVersion?: string;
}

const AGENT_KEY = createContextKey('warden.agent');

export function getActiveAgent(ctx: Context = context.active()): AgentIdentity | undefined {
  return ctx.getValue(AGENT_KEY) as AgentIdentity | undefined;
}

export function setActiveAgent(ctx: Context, agent: AgentIdentity): Context {
  return ctx.setValue(AGENT_KEY, agent);
}

/** Run `fn` with `agent` as the active agent identity. */
export function withAgent<T>(agent: AgentIdentity, fn: () => T): T {
  return context.with(setActiveAgent(context.active(), agent), fn);
}

/** Normalise the `agent` option of a wrapper: a name or an identity. */
export function toAgentIdentity(agent: string | AgentIdentity | undefined): AgentIdentity | undefined {
  if (agent === undefined) return undefined;
  return typeof agent === 'string' ? { name: agent } : agent;
}

/** The agent a call belongs to: the one active in context, else the wrapper's default. */
export function resolveAgent(fallback: string | AgentIdentity | undefined): AgentIdentity | undefined {
  return getActiveAgent() ?? toAgentIdentity(fallback);
}
