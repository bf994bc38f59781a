import { GEN_AI_OPERATION, ATTR_GEN_AI_OPERATION_NAME, traceAgent } from '@warden/core';
import { DRILL_CANARY_PREFIX } from '@warden/core/internal';
import type { Drill } from '../drill-deployment';

/** A canary agent invocation must reach Warden's span processors as a span (nothing unseen). */
export const runtimeMonitoringDrill: Drill = {
  id: 'runtime-monitoring',
  control: 'L3.runtime-monitoring',
  async run(_deployment, run) {
    const canary = traceAgent(`${DRILL_CANARY_PREFIX}-probe`, async () => 'ok');
    await canary();
    const span = run.spans().find((s) => s.attributes[ATTR_GEN_AI_OPERATION_NAME] === GEN_AI_OPERATION.INVOKE_AGENT);
    if (!span) return { status: 'failed', reason: "a canary agent invocation produced no span in Warden's processors: telemetry does not reach Warden" };
    return { status: 'passed', reason: 'a canary agent invocation was recorded as an invoke_agent span by Warden', spanIds: [span.spanContext().spanId] };
  },
};
