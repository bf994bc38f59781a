/** Turns a tool-usage verdict of an agent into the fields of its alert (message, evidence, alarm source). */
import type { Alert, AlertSubject, ControlId } from '@warden/core';
import type { AlarmSource } from './alarms';
import { DETECTOR_IDS } from './features';
import { describeSubject, pct } from './messages';
import type { ToolVerdict } from './detectors/tool-usage';

/** New-tool alerts open at once per agent; more new tools within the cool-down are learned silently. */
export const MAX_ACTIVE_NEW_TOOL_ALERTS = 5;

export type AlertFields = Omit<Alert, 'id'>;

export function toolAlertFields(
  subject: AlertSubject,
  v: ToolVerdict,
  agentRecords: number,
  traceId: string,
  time: string,
  controls: ControlId[],
): { fields: AlertFields; source: AlarmSource } {
  const who = describeSubject(subject);
  if (v.type === 'new_tool' || v.type === 'too_many_tools') {
    const message =
      v.type === 'too_many_tools'
        ? v.requested
          ? `the model of ${who} requested tool ${v.tool} after ${v.knownCount} distinct requested tool names; further new requested names are not reported (executed tools still are)`
          : `${who} used tool ${v.tool} after ${v.knownCount} distinct tools; further new tools of this agent are not reported`
        : v.allowed
          ? `${who} called tool ${v.tool}, never seen for this agent in ${agentRecords - 1} earlier calls (${v.knownCount} known tools)`
          : `${who} called tool ${v.tool}, which is not in its allowed tools`;
    return {
      source: { family: 'new_tool', tool: v.type === 'new_tool' ? v.tool : undefined, requested: v.requested },
      fields: {
        kind: 'tool_anomaly',
        severity: 'high',
        detector: DETECTOR_IDS.newTool,
        subject: { ...subject, tool: v.tool },
        message,
        score: 1,
        threshold: 1,
        baseline: { knownTools: v.knownCount },
        current: { knownTools: v.knownCount + 1 },
        traceIds: [traceId],
        controls,
        time,
      },
    };
  }
  if (v.type === 'rate_spike') {
    return {
      source: { family: 'tool_rate', tool: v.tool },
      fields: {
        kind: 'tool_anomaly',
        severity: 'medium',
        detector: DETECTOR_IDS.toolRateSpike,
        subject: { ...subject, tool: v.tool },
        message: `${who} called tool ${v.tool} in ${pct(v.currentRate)} of the last ${v.span} calls, against ${pct(v.baselineRate)} in its baseline`,
        score: v.score,
        threshold: v.threshold,
        baseline: { share: v.baselineRate },
        current: { share: v.currentRate, n: v.span },
        traceIds: v.traceIds,
        controls,
        time,
      },
    };
  }
  return {
    source: { family: 'sequence' },
    fields: {
      kind: 'tool_anomaly',
      severity: 'medium',
      detector: DETECTOR_IDS.toolSequence,
      subject: { ...subject, tool: v.to },
      message: `${who} called tools in unusual order: ${v.from} -> ${v.to} had probability ${pct(v.probability)} in its baseline sessions, among ${v.span} unusual transitions`,
      score: v.score,
      threshold: v.threshold,
      baseline: { transitionProbability: v.probability },
      current: { transitions: v.span },
      traceIds: v.traceIds,
      controls,
      time,
    },
  };
}
