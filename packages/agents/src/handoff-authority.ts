import { controlsForKind, type Alert } from '@warden/core';
import {
  activeDrill,
  formatHandoffToken,
  handoffMessage,
  newAlertId,
  parseHandoffToken,
  publishAlert,
  safely,
  signEd25519,
  verifyEd25519,
  type HandoffAuthority,
  type HandoffCheck,
  type HandoffClaim,
} from '@warden/core/internal';
import type { AgentKeySet } from './agent-keys';

export interface HandoffAuthorityOptions {
  /** enforce: an unverified hand-off is refused (HandoffRefusedError) before the callee runs; audit: it runs and is alerted. Default 'audit'. */
  mode?: 'audit' | 'enforce';
  /** A signature older than this is expired. Default 5 minutes. */
  maxAgeMs?: number;
  /** Tolerated clock difference between caller and callee. Default 30 s. */
  clockSkewMs?: number;
  /** One agent_anomaly alert per caller·callee·verdict within this window (default 10 minutes); drills always get theirs. */
  alertCooldownMs?: number;
}

const MAX_ALERT_KEYS = 1000;

/**
 * Signs hand-offs for the agents whose private keys `keys` holds and verifies hand-offs from
 * any agent with a public key in it. A hand-off that is unsigned, signed by someone else,
 * expired or from an agent with no key raises an `agent_anomaly` alert.
 */
export function createHandoffAuthority(keys: AgentKeySet, options: HandoffAuthorityOptions = {}): HandoffAuthority {
  const mode = options.mode ?? 'audit';
  const maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
  const skewMs = options.clockSkewMs ?? 30_000;
  const cooldownMs = options.alertCooldownMs ?? 10 * 60_000;
  const lastAlert = new Map<string, number>();

  const raise = (claim: Omit<HandoffClaim, 'time'>, check: HandoffCheck, now: number): void => {
    const key = `${claim.caller}\u0000${claim.callee}\u0000${check.verdict}`;
    const last = lastAlert.get(key);
    if (!activeDrill()) {
      if (last !== undefined && now - last < cooldownMs) return;
      lastAlert.delete(key);
      if (lastAlert.size >= MAX_ALERT_KEYS) lastAlert.delete(lastAlert.keys().next().value as string);
      lastAlert.set(key, now);
    }
    const alert: Alert = {
      id: newAlertId(now),
      kind: 'agent_anomaly',
      severity: check.verdict === 'forged' ? 'high' : 'medium',
      detector: `identity.${check.verdict}_handoff`,
      subject: { agent: claim.callee, feature: `handoff:${claim.caller}->${claim.callee}` },
      message: `Hand-off from agent "${claim.caller}" to agent "${claim.callee}" has no verified identity: ${check.reason}${mode === 'enforce' ? '; it was refused' : '; audit mode: it ran'}.`,
      score: 1,
      threshold: 1,
      traceIds: [claim.traceId],
      controls: controlsForKind('agent_anomaly'),
      time: new Date(now).toISOString(),
    };
    publishAlert(alert);
  };

  const judge = (claim: Omit<HandoffClaim, 'time'>, token: string | undefined, now: number): HandoffCheck => {
    const publicKey = keys.publicKey(claim.caller);
    if (token === undefined || token === '') return { verdict: 'unsigned', reason: 'the caller sent no signature' };
    if (!publicKey) return { verdict: 'unknown_caller', reason: `no public key is known for agent "${claim.caller}"` };
    const parsed = parseHandoffToken(token);
    if (!parsed) return { verdict: 'forged', reason: 'the signature token is malformed' };
    if (!verifyEd25519(publicKey, handoffMessage({ ...claim, time: parsed.time }), parsed.signature))
      return { verdict: 'forged', reason: `the signature does not verify with agent "${claim.caller}"'s public key for this callee and trace` };
    if (parsed.time > now + skewMs) return { verdict: 'expired', reason: `the signature is dated ${parsed.time - now} ms in the future` };
    if (now - parsed.time > maxAgeMs) return { verdict: 'expired', reason: `the signature is ${now - parsed.time} ms old, above the ${maxAgeMs} ms limit` };
    return { verdict: 'verified', reason: `signed by agent "${claim.caller}"` };
  };

  return {
    mode,
    agents: () => keys.agents(),
    sign(claim: HandoffClaim): string | undefined {
      const key = keys.privateKey(claim.caller);
      if (!key) return undefined;
      return formatHandoffToken(claim.time, signEd25519(key, handoffMessage(claim)));
    },
    verify(claim, token, now): HandoffCheck {
      const check = judge(claim, token, now);
      if (check.verdict !== 'verified') safely('agents.identity.alert', () => raise(claim, check, now));
      return check;
    },
  };
}
