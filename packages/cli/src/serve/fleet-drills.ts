/**
 * `warden serve --drills`: the controls serve itself runs for the fleet (the analyzer's drift
 * and tool-anomaly detectors, with serve's analyzer options) drilled with canary agents, on
 * start and every `everyMs`; verdicts go to the fleet posture. Policies, identities, audit logs
 * and MCP onboarding live in the apps: they drill themselves (warden.drill()).
 */
import { DrillSpanSink, runDrills, type DrillReport } from 'warden';
import { parseAnalyzerOptions } from '@warden/analyzer';
import { reportInternalError } from '@warden/core/internal';
import type { FleetPosture } from './fleet-posture';

export const FLEET_DRILLS = ['drift', 'tool-anomaly'] as const;

/** One drill run of serve's own controls; recorded in the fleet posture. Never throws. */
export async function runFleetDrills(analyzer: Record<string, unknown> | undefined, posture: FleetPosture): Promise<DrillReport | undefined> {
  try {
    const report = await runDrills(
      {
        policies: undefined,
        agentsSeen: [],
        analyzerOptions: parseAnalyzerOptions(analyzer ?? {}),
        multiTurn: undefined,
        auditLog: undefined,
        handoffsSeen: 0,
        mcpServersSeen: 0,
      },
      new DrillSpanSink(),
      FLEET_DRILLS,
    );
    posture.recordDrills(report);
    return report;
  } catch (e) {
    reportInternalError('serve.drills', e);
    return undefined;
  }
}

/** Runs the fleet drills soon after start and then every `everyMs`; returns the stop function. */
export function scheduleFleetDrills(analyzer: Record<string, unknown> | undefined, posture: FleetPosture, everyMs: number, firstAfterMs = 1_000): () => void {
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    void runFleetDrills(analyzer, posture);
    interval = setInterval(() => void runFleetDrills(analyzer, posture), everyMs);
    interval.unref();
  }, firstAfterMs);
  first.unref();
  return () => {
    clearTimeout(first);
    if (interval) clearInterval(interval);
  };
}
