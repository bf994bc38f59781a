import { PolicyDeniedError, traceTool, withAgent } from '@warden/core';
import { DRILL_CANARY_PREFIX } from '@warden/core/internal';
import type { Drill, DrillVerdict } from '../drill-deployment';

export const CANARY_TOOL = `${DRILL_CANARY_PREFIX}_tool`;

/**
 * For each agent (with a policy, or seen in traffic): a canary tool outside its policy must be
 * denied before it runs (enforce) or alerted (audit). The canary tool itself does nothing but
 * note that it ran, so even a failing drill touches no real tool.
 */
export const leastPrivilegeDrill: Drill = {
  id: 'least-privilege',
  control: 'L3.least-privilege',
  async run(deployment, run): Promise<DrillVerdict> {
    const policies = new Map((deployment.policies ?? []).map((p) => [p.agent, p]));
    const agents = [...new Set([...policies.keys(), ...deployment.agentsSeen])].filter((a) => a !== '*' && !a.startsWith(DRILL_CANARY_PREFIX));
    if (agents.length === 0) return { status: 'not_applicable', reason: 'no agent identity and no policy to test' };
    const alertIds: string[] = [];
    const passed: string[] = [];
    for (const agent of agents) {
      const policy = policies.get(agent) ?? policies.get('*');
      let executed = false;
      let denied: unknown;
      const canary = traceTool(CANARY_TOOL, async () => {
        executed = true;
      });
      run.collector.clear();
      try {
        await withAgent({ name: agent }, () => canary());
      } catch (e) {
        denied = e;
      }
      const alerts = run.collector.alerts().filter((a) => a.kind === 'policy_violation' && a.subject.agent === agent && a.subject.tool === CANARY_TOOL);
      alertIds.push(...alerts.map((a) => a.id));
      if (!deployment.policies) return { status: 'failed', reason: `no policy is installed: the canary tool ran for agent "${agent}" unchecked`, alertIds };
      if (!policy) return { status: 'failed', reason: `agent "${agent}" has no policy: the canary tool ran unchecked`, alertIds };
      if (policy.mode === 'enforce') {
        if (executed || !PolicyDeniedError.isInstance(denied))
          return { status: 'failed', reason: `agent "${agent}" (enforce): the canary tool ${executed ? 'executed' : 'was not denied'}`, alertIds };
        if (alerts.length === 0)
          return { status: 'failed', reason: `agent "${agent}" (enforce): the canary was denied but no policy_violation alert was raised`, alertIds };
        passed.push(`${agent} denied before it ran`);
      } else {
        if (alerts.length === 0)
          return { status: 'failed', reason: `agent "${agent}" (audit): the canary tool call raised no policy_violation alert`, alertIds };
        passed.push(`${agent} alerted (audit mode)`);
      }
    }
    return { status: 'passed', reason: `canary tool outside policy: ${passed.join(', ')}`, alertIds, details: { agentsTested: agents.length } };
  },
};
