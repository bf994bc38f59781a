/**
 * Signed agent hand-offs: the interface traceAgent calls when one agent invokes another.
 * The caller signs (caller, callee, trace id, time) with its Ed25519 key; the callee checks
 * the signature against the caller's public key. monitor({ identity }) installs the authority
 * (keys live in @warden/agents); without one, hand-offs are recorded as before, unsigned.
 */
import type { AgentIdentity } from './agent-context';
import { wardenState } from './registry';

/** Outcome of checking a hand-off: only `verified` means the caller proved who it is. */
export type HandoffVerdict = 'verified' | 'unsigned' | 'forged' | 'expired' | 'unknown_caller';
export const HANDOFF_VERDICTS: readonly HandoffVerdict[] = ['verified', 'unsigned', 'forged', 'expired', 'unknown_caller'];

/** What a hand-off signature covers. */
export interface HandoffClaim {
  caller: string;
  callee: string;
  traceId: string;
  /** Milliseconds since the epoch when the caller signed. */
  time: number;
}

export interface HandoffCheck {
  verdict: HandoffVerdict;
  /** One sentence: why (evidence for the span, the alert and the refusal). */
  reason: string;
}

export interface HandoffAuthority {
  /** enforce: a hand-off that is not verified is refused before the callee runs; audit: it runs and is alerted. */
  readonly mode: 'audit' | 'enforce';
  /** A signature token for `claim`, or undefined when this process holds no private key for the caller. */
  sign(claim: HandoffClaim): string | undefined;
  /** Agents whose public keys are known (drills forge a hand-off from one of them). */
  agents(): string[];
  /** Checks a token (undefined = none came) for caller → callee in `traceId` at `now`; raises agent_anomaly when not verified. */
  verify(claim: Omit<HandoffClaim, 'time'>, token: string | undefined, now: number): HandoffCheck;
}

/** The exact bytes a hand-off signature is made over. */
export function handoffMessage(claim: HandoffClaim): string {
  return `warden-handoff/v1\n${claim.caller}\n${claim.callee}\n${claim.traceId}\n${claim.time}`;
}

/** Token = `<time ms>.<base64url signature>`: the time travels with the signature it is part of. */
export function formatHandoffToken(time: number, signature: string): string {
  return `${time}.${signature}`;
}

export function parseHandoffToken(token: string): { time: number; signature: string } | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot > 16) return undefined;
  const time = Number(token.slice(0, dot));
  if (!Number.isSafeInteger(time) || time <= 0) return undefined;
  return { time, signature: token.slice(dot + 1) };
}

export function setHandoffAuthority(authority: HandoffAuthority | undefined): void {
  wardenState().handoffAuthority = authority;
}

export function getHandoffAuthority(): HandoffAuthority | undefined {
  return wardenState().handoffAuthority;
}

const ATTESTED = Symbol.for('warden.core.attestedAgents.v1');

function attestedSet(): WeakSet<AgentIdentity> {
  const g = globalThis as unknown as Record<symbol, WeakSet<AgentIdentity> | undefined>;
  return (g[ATTESTED] ??= new WeakSet());
}

/**
 * Marks an identity as established by traceAgent (Warden's agent entry point), as opposed to
 * one any code claimed with withAgent(): only an attested identity signs its hand-offs.
 */
export function attestAgent(identity: AgentIdentity): void {
  attestedSet().add(identity);
}

export function isAttestedAgent(identity: AgentIdentity | undefined): boolean {
  return identity !== undefined && attestedSet().has(identity);
}
