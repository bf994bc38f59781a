import { randomBytes } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import { BAGGAGE_WARDEN_AGENT_NAME, BAGGAGE_WARDEN_HANDOFF_SIGNATURE, extractAgentContext, HandoffRefusedError, traceAgent } from '@warden/core';
import {
  DRILL_CANARY_PREFIX,
  formatHandoffToken,
  generateEd25519KeyPair,
  getHandoffAuthority,
  handoffMessage,
  parseEd25519PrivateKey,
  signEd25519,
} from '@warden/core/internal';
import type { Drill, DrillVerdict } from '../drill-deployment';

const CALLEE = `${DRILL_CANARY_PREFIX}-callee`;

/**
 * Two hand-offs from a real agent identity to a canary callee, over the wire (headers): one
 * signed with a key that is not the agent's (forged), one with no signature. Each must be
 * flagged (agent_anomaly) and, in enforce mode, refused before the callee runs.
 */
export const identityDrill: Drill = {
  id: 'identity',
  control: 'L3.agent-audit',
  async run(deployment, run): Promise<DrillVerdict> {
    const authority = getHandoffAuthority();
    if (!authority) {
      return deployment.handoffsSeen > 0
        ? { status: 'failed', reason: `no agent keys are installed: ${deployment.handoffsSeen} hand-off(s) carry an identity nobody can verify` }
        : { status: 'not_applicable', reason: 'no agent keys are installed and no hand-off was seen' };
    }
    const caller = authority.agents().find((a) => !a.startsWith(DRILL_CANARY_PREFIX));
    if (!caller) return { status: 'failed', reason: 'the agent key set names no agent to impersonate' };
    const attacker = parseEd25519PrivateKey(generateEd25519KeyPair().privateKey, 'drill key');
    const alertIds: string[] = [];
    const outcomes: string[] = [];
    for (const attack of ['forged', 'unsigned'] as const) {
      const traceId = randomBytes(16).toString('hex');
      const headers: Record<string, string> = { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
      let baggage = propagation.createBaggage().setEntry(BAGGAGE_WARDEN_AGENT_NAME, { value: caller });
      if (attack === 'forged') {
        const time = Date.now();
        const token = formatHandoffToken(time, signEd25519(attacker, handoffMessage({ caller, callee: CALLEE, traceId, time })));
        baggage = baggage.setEntry(BAGGAGE_WARDEN_HANDOFF_SIGNATURE, { value: token });
      }
      propagation.inject(propagation.setBaggage(context.active(), baggage), headers, {
        set: (carrier, key, value) => {
          if (key === 'baggage') (carrier as Record<string, string>)[key] = value;
        },
      });
      if (!headers.baggage) return { status: 'failed', reason: 'no W3C baggage propagator is registered: agent identity cannot travel between processes' };
      let ran = false;
      let refused: unknown;
      const callee = traceAgent(CALLEE, async () => {
        ran = true;
      });
      run.collector.clear();
      try {
        await context.with(extractAgentContext(headers), () => callee());
      } catch (e) {
        refused = e;
      }
      const alert = run.collector.alerts().find((a) => a.kind === 'agent_anomaly' && a.traceIds.includes(traceId));
      if (!alert) return { status: 'failed', reason: `a ${attack} hand-off from "${caller}" raised no agent_anomaly alert`, alertIds };
      alertIds.push(alert.id);
      if (authority.mode === 'enforce') {
        if (ran || !HandoffRefusedError.isInstance(refused))
          return { status: 'failed', reason: `a ${attack} hand-off from "${caller}" was not refused in enforce mode`, alertIds };
        outcomes.push(`${attack}: flagged and refused`);
      } else outcomes.push(`${attack}: flagged (audit mode)`);
    }
    return { status: 'passed', reason: `hand-offs impersonating "${caller}": ${outcomes.join('; ')}`, alertIds };
  },
};
