/**
 * The drill runner: each drill runs inside a drill scope (core's runInDrill), so everything
 * it publishes (alerts, decisions, scans) reaches only its collector and every span it makes
 * is stamped warden.drill=true and kept out of exporters, baselines and the posture ledger.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cpuUsage } from 'node:process';
import type { DrillResult } from '@warden/core';
import { DrillCollector, reportInternalError, runInDrill } from '@warden/core/internal';
import type { Drill, DrillDeployment } from './drill-deployment';
import type { DrillSpanSink } from './drill-spans';
import { auditLogDrill } from './scenarios/audit-log';
import { driftDrill, toolAnomalyDrill } from './scenarios/drift';
import { identityDrill } from './scenarios/identity';
import { leastPrivilegeDrill } from './scenarios/least-privilege';
import { mcpOnboardingDrill } from './scenarios/mcp-onboarding';
import { multiTurnDrill } from './scenarios/multi-turn';
import { runtimeMonitoringDrill } from './scenarios/runtime-monitoring';

/** Every drill, in the order they run. */
export const DRILLS: readonly Drill[] = [
  runtimeMonitoringDrill,
  leastPrivilegeDrill,
  mcpOnboardingDrill,
  driftDrill,
  toolAnomalyDrill,
  multiTurnDrill,
  auditLogDrill,
  identityDrill,
];

/** One run of the drill suite. */
export interface DrillReport {
  runId: string;
  /** ISO 8601, when the run finished. */
  time: string;
  /** True when no drill failed (not_applicable drills do not count either way). */
  passed: boolean;
  results: DrillResult[];
  /** CPU time the run cost (user + system), ms. */
  cpuMs: number;
  wallMs: number;
  /** Where the report was archived, when it was. */
  archivedTo?: string;
}

/** Runs every drill (or `only` these ids) against `deployment`. Never throws: a drill that throws has failed. */
export async function runDrills(deployment: DrillDeployment, sink: DrillSpanSink, only?: readonly string[]): Promise<DrillReport> {
  const runId = randomUUID();
  const collector = new DrillCollector(runId);
  const cpu0 = cpuUsage();
  const wall0 = performance.now();
  const results: DrillResult[] = [];
  for (const drill of DRILLS) {
    if (only && !only.includes(drill.id)) continue;
    const t0 = performance.now();
    collector.clear();
    let verdict;
    try {
      verdict = await runInDrill(collector, () => drill.run(deployment, { runId, collector, spans: () => sink.peek(runId) }));
    } catch (e) {
      verdict = { status: 'failed' as const, reason: `the drill itself failed: ${(e as Error)?.message ?? String(e)}` };
    }
    const spans = sink.take(runId);
    results.push({
      id: drill.id,
      control: drill.control,
      status: verdict.status,
      reason: verdict.reason,
      time: new Date().toISOString(),
      durationMs: Math.round((performance.now() - t0) * 10) / 10,
      evidence: {
        spanIds: [...new Set([...(verdict.spanIds ?? []), ...spans.map((s) => s.spanContext().spanId)])].slice(0, 20),
        alertIds: [...new Set(verdict.alertIds ?? [])].slice(0, 20),
        ...(verdict.details ? { details: verdict.details } : {}),
      },
    });
  }
  const cpu = cpuUsage(cpu0);
  return {
    runId,
    time: new Date().toISOString(),
    passed: results.every((r) => r.status !== 'failed'),
    results,
    cpuMs: Math.round((cpu.user + cpu.system) / 100) / 10,
    wallMs: Math.round(performance.now() - wall0),
  };
}

/** Writes the report (and the posture it produced) as JSON; keeps the newest `keep` files. */
export async function archiveDrillReport(dir: string, report: DrillReport, posture: unknown, keep: number): Promise<string | undefined> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `drill-${report.time.replace(/[:.]/g, '-')}-${report.runId.slice(0, 8)}.json`);
    await writeFile(path, `${JSON.stringify({ report: { ...report, archivedTo: path }, posture }, null, 2)}\n`, { mode: 0o600 });
    const files = (await readdir(dir)).filter((f) => /^drill-.*\.json$/.test(f)).sort();
    for (const old of files.slice(0, Math.max(0, files.length - keep))) await rm(join(dir, old), { force: true });
    return path;
  } catch (e) {
    reportInternalError('warden.drills.archive', e);
    return undefined;
  }
}

/** A drill report as one table for a terminal. */
export function formatDrillReport(report: DrillReport): string {
  const mark = { passed: 'PASS', failed: 'FAIL', not_applicable: 'n/a ' } as const;
  const lines = report.results.map((r) => `  ${mark[r.status]}  ${r.id.padEnd(19)} ${r.control.padEnd(22)} ${r.reason}`);
  const failed = report.results.filter((r) => r.status === 'failed').length;
  lines.push(
    `  ${failed === 0 ? 'all applicable drills passed' : `${failed} drill(s) failed`} · ${report.cpuMs} ms CPU · ${report.wallMs} ms${report.archivedTo ? ` · archived ${report.archivedTo}` : ''}`,
  );
  return lines.join('\n');
}
