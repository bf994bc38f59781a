import type { HrTime, SpanContext } from '@opentelemetry/api';
import { MULTI_TURN_ESCALATION_DRILL } from '@warden/agents';
import type { FinishedSpan } from '@warden/core';
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  GEN_AI_OPERATION,
} from '@warden/core';
import { ATTR_WARDEN_DRILL, DRILL_CANARY_PREFIX } from '@warden/core/internal';
import type { Drill } from '../drill-deployment';

/**
 * The escalation @warden/agents keeps for drills (a crescendo: harmless start, refusal, return to
 * the refused topic, harmful request). A canary proving the pipeline works end to end, not
 * evidence of detection quality (that is MEASURED_MULTI_TURN_OUTSIDE_RATES in @warden/agents).
 */
export const ESCALATION: { user: string; assistant: string }[] = MULTI_TURN_ESCALATION_DRILL.map((t) => ({ user: t.input ?? '', assistant: t.output ?? '' }));

function hr(ms: number): HrTime {
  return [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
}

function turnSpan(conversationId: string, agent: string, turn: number, time: number, runId: string): FinishedSpan {
  const t = ESCALATION[turn]!;
  const history = ESCALATION.slice(0, turn).flatMap((h) => [
    { role: 'user', parts: [{ type: 'text', content: h.user }] },
    { role: 'assistant', parts: [{ type: 'text', content: h.assistant }] },
  ]);
  const ctx: SpanContext = {
    traceId: `d7110${runId
      .replace(/[^0-9a-f]/g, '')
      .padEnd(27, '0')
      .slice(0, 27)}`,
    spanId: (turn + 1).toString(16).padStart(16, '0'),
    traceFlags: 1,
  };
  return {
    name: 'chat warden-drill-model',
    spanContext: () => ctx,
    attributes: {
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.CHAT,
      [ATTR_GEN_AI_CONVERSATION_ID]: conversationId,
      [ATTR_GEN_AI_AGENT_NAME]: agent,
      [ATTR_GEN_AI_INPUT_MESSAGES]: JSON.stringify([...history, { role: 'user', parts: [{ type: 'text', content: t.user }] }]),
      [ATTR_GEN_AI_OUTPUT_MESSAGES]: JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: t.assistant }] }]),
      [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR_WARDEN_DRILL]: true,
    },
    status: { code: 0 },
    startTime: hr(time - 500),
    endTime: hr(time),
  };
}

/** The escalation, replayed turn by turn through the deployment's conversation detector. */
export const multiTurnDrill: Drill = {
  id: 'multi-turn',
  control: 'L3.drift-alerts',
  async run(deployment, run) {
    const detector = deployment.multiTurn;
    if (!detector) return { status: 'failed', reason: 'no conversation (multi-turn) detector is running' };
    const conversationId = `${DRILL_CANARY_PREFIX}-conversation-${run.runId}`;
    const agent = `${DRILL_CANARY_PREFIX}-chat`;
    const start = Date.now();
    run.collector.clear();
    for (let turn = 0; turn < ESCALATION.length; turn++) {
      detector.onEnd(turnSpan(conversationId, agent, turn, start + turn * 20_000, run.runId));
      const alert = run.collector.alerts().find((a) => a.kind === 'multi_turn' && a.subject.conversationId === conversationId);
      if (alert)
        return {
          status: 'passed',
          reason: `a ${ESCALATION.length}-turn escalation replayed through the conversation detector raised ${alert.detector} at turn ${turn + 1}`,
          alertIds: [alert.id],
          details: { turnOfFirstAlert: turn + 1 },
        };
    }
    return { status: 'failed', reason: `a ${ESCALATION.length}-turn escalation replayed through the conversation detector raised no multi_turn alert` };
  },
};
