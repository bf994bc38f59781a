/** Snapshot and restore: the analyzer's state as plain JSON, and back, one damaged entry at a time. */
import { WardenConfigError } from '@warden/core';
import { reportInternalError, safely } from '@warden/core/internal';
import { alarmKey, legacyAlarmSource, type AlarmTable } from './alarms';
import type { ResolvedAnalyzerOptions } from './options';
import type { AgentState, GroupState } from './state';

/** Plain, JSON-serialisable state; `Analyzer.restore(snapshot)` continues from it. */
export interface AnalyzerSnapshot {
  version: 1;
  options: ResolvedAnalyzerOptions;
  alertCounter: number;
  groups: unknown[];
  agents: unknown[];
}

function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x instanceof Float32Array ? Array.from(x) : x === Infinity ? null : x)));
}

export function takeSnapshot(
  options: ResolvedAnalyzerOptions,
  alertCounter: number,
  groups: { entries(): Iterable<[string, GroupState]> },
  agents: { entries(): Iterable<[string, AgentState]> },
): AnalyzerSnapshot {
  return {
    version: 1,
    options: plain(options) as ResolvedAnalyzerOptions,
    alertCounter,
    groups: [...groups.entries()].map(([k, g]) => plain([k, g])) as unknown[],
    agents: [...agents.entries()].map(([k, a]) => plain([k, a])) as unknown[],
  };
}

/** Alarms of snapshots taken before they carried their source are re-keyed; unknown ones are dropped. */
function upgradeAlarms(alarms: AlarmTable): AlarmTable {
  const out: AlarmTable = {};
  for (const key in alarms) {
    const alarm = alarms[key];
    if (!alarm) continue;
    if (alarm.source && typeof alarm.detector === 'string') {
      out[key] = alarm;
      continue;
    }
    const legacy = legacyAlarmSource(key);
    if (!legacy) continue;
    out[alarmKey(legacy.detector, legacy.source)] = { ...alarm, detector: legacy.detector, source: legacy.source };
  }
  return out;
}

export interface LoadedSnapshot {
  alertCounter: number;
  groups: [string, GroupState][];
  agents: [string, AgentState][];
}

export function loadSnapshot(snapshot: AnalyzerSnapshot): LoadedSnapshot {
  if (!snapshot || snapshot.version !== 1 || !Array.isArray(snapshot.groups) || !Array.isArray(snapshot.agents)) {
    throw new WardenConfigError('Invalid analyzer snapshot: expected { version: 1, groups: [], agents: [] } from Analyzer.snapshot()');
  }
  const out: LoadedSnapshot = { alertCounter: Number(snapshot.alertCounter) || 0, groups: [], agents: [] };
  let skipped = 0;
  for (const entry of snapshot.groups) {
    // One damaged entry costs that group its baseline, not the whole restore.
    const loaded = safely('analyzer.restore.group', () => {
      const [k, g] = entry as [string, GroupState];
      if (typeof k !== 'string' || !g || typeof g.count !== 'number' || !g.key || !g.alarms) return false;
      if (!Array.isArray(g.numeric) || !Array.isArray(g.rates) || !Array.isArray(g.categorical)) return false;
      for (const s of g.numeric) {
        if (!s) continue;
        s.baseline = Float32Array.from(s.baseline as unknown as number[]);
        s.scores = Float32Array.from(s.scores as unknown as number[]);
        s.window = Float32Array.from(s.window as unknown as number[]);
        s.collecting = Float32Array.from((s.collecting ?? []) as unknown as number[]);
        s.pending = Float32Array.from((s.pending ?? []) as unknown as number[]);
        // Fields added after version-1 snapshots were first written (null is how JSON keeps Infinity).
        s.spikeThreshold = typeof s.spikeThreshold === 'number' ? s.spikeThreshold : Infinity;
        s.collectingCount ??= 0;
        s.pendingCount ??= 0;
        s.learnedMax ??= 0;
        s.collectingMax ??= 0;
        s.pendingMax ??= 0;
        s.sinceRefresh ??= 0;
        s.crossed ??= false;
        s.refreshes ??= 0;
        s.firstTime ??= 0;
      }
      g.toolCounts ??= [];
      g.traceIds ??= [];
      g.reorder = Array.isArray(g.reorder) ? g.reorder.map((v) => (typeof v === 'number' ? v : NaN)) : [];
      g.alarms = upgradeAlarms(g.alarms);
      out.groups.push([k, g]);
      return true;
    });
    if (!loaded) skipped++;
  }
  for (const entry of snapshot.agents) {
    const [k, a] = (Array.isArray(entry) ? entry : []) as [string, AgentState];
    if (typeof k === 'string' && a && a.tools && Array.isArray(a.models) && a.alarms) {
      a.alarms = upgradeAlarms(a.alarms);
      a.incidents = Array.isArray(a.incidents) ? a.incidents : [];
      a.tools.requestedKnown ??= [];
      a.tools.requestedOverflow ??= false;
      out.agents.push([k, a]);
    } else skipped++;
  }
  if (skipped > 0) reportInternalError('analyzer.restore', new Error(`skipped ${skipped} damaged snapshot entries`));
  return out;
}
