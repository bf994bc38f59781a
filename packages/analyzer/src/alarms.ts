/**
 * Alarm bookkeeping: one open alarm per detector (and per tool for the per-tool detectors),
 * each remembering what raised it as a typed source, so nothing is parsed back out of a key.
 */
import type { AlertKind, AlertSubject } from '@warden/core';
import { DETECTOR_IDS } from './features';

/** What an alarm watches: enough to ask the detector whether it is quiet again. */
export type AlarmSource =
  | { family: 'numeric'; feature: string; statistic: 'cusum' | 'ks' | 'spike' }
  | { family: 'rate'; feature: string }
  | { family: 'categorical'; feature: string }
  /** `tool` undefined: the one "too many tools" report of an agent. */
  | { family: 'new_tool'; tool?: string; requested?: boolean }
  | { family: 'tool_rate'; tool: string }
  | { family: 'sequence' };

export interface ActiveAlarm {
  source: AlarmSource;
  detector: string;
  alertId: string;
  kind: AlertKind;
  subject: AlertSubject;
  raisedAt: number;
  lastCross: number;
  message: string;
  /** Calls that re-triggered this alarm while it was open (a disallowed tool called again), counting the first. */
  occurrences?: number;
}

/**
 * Open alarms of a group or agent, by alarmKey(). A closed alarm's key stays with the value
 * undefined (keys are bounded: one per detector, and per tracked tool): a `delete` turns the
 * table into a dictionary, and every record enumerates it (hasAlarms, resolveQuiet) through the
 * runtime's slow key collection, about 3 k instructions per record. JSON drops the undefined keys,
 * so snapshots are unchanged.
 */
export type AlarmTable = Record<string, ActiveAlarm | undefined>;

const TOO_MANY_TOOLS = '\u0001(too many tools)';

/** The table key of an alarm: the detector id, plus the tool for per-tool detectors. */
export function alarmKey(detector: string, source: AlarmSource): string {
  if (source.family === 'tool_rate') return `${detector}\u0001${source.tool}`;
  if (source.family === 'new_tool') return source.tool === undefined ? `${detector}${TOO_MANY_TOOLS}` : `${detector}\u0001${source.tool}`;
  return detector;
}

/**
 * One alert per change: when `key` has an open alarm, the new crossing extends it (at `at`) and
 * true is returned, so the caller builds no evidence nobody will see.
 */
export function extendOpenAlarm(t: AlarmTable, key: string, at: number): boolean {
  const active = t[key];
  if (active === undefined) return false;
  active.lastCross = at;
  return true;
}

export function hasAlarms(t: AlarmTable): boolean {
  for (const key in t) if (t[key] !== undefined) return true;
  return false;
}

/** Open new-tool alerts for tools the model only requested, or for tools executed (separate budgets). */
export function countNewToolAlarms(t: AlarmTable, requested: boolean): number {
  let n = 0;
  for (const key in t) {
    const s = t[key]?.source;
    if (s?.family === 'new_tool' && (s.requested === true) === requested) n++;
  }
  return n;
}

const EMPTY_SET: ReadonlySet<string> = new Set();

/** Tools whose rate detector is in an active alarm (those stop learning their baseline). */
export function alarmedToolRates(t: AlarmTable): ReadonlySet<string> {
  let set: Set<string> | undefined;
  for (const key in t) {
    const s = t[key]?.source;
    if (s?.family === 'tool_rate') (set ??= new Set()).add(s.tool);
  }
  return set ?? EMPTY_SET;
}

/**
 * Snapshots written before alarms carried their source keyed them `detector` or
 * `detector:tool`: rebuild the source once, on restore.
 */
export function legacyAlarmSource(key: string): { detector: string; source: AlarmSource } | undefined {
  const colon = key.indexOf(':');
  const detector = colon >= 0 ? key.slice(0, colon) : key;
  const rest = colon >= 0 ? key.slice(colon + 1) : '';
  if (detector === DETECTOR_IDS.newTool) return { detector, source: { family: 'new_tool', tool: rest === '(too many tools)' ? undefined : rest } };
  if (detector === DETECTOR_IDS.toolRateSpike) return { detector, source: { family: 'tool_rate', tool: rest } };
  if (detector === DETECTOR_IDS.toolSequence) return { detector, source: { family: 'sequence' } };
  const [family, feature, ks] = detector.split('.');
  if (family === 'numeric_drift' && feature) return { detector, source: { family: 'numeric', feature, statistic: ks === 'ks' ? 'ks' : 'cusum' } };
  if (family === 'rate_cusum' && feature) return { detector, source: { family: 'rate', feature } };
  if (family === 'categorical' && feature) return { detector, source: { family: 'categorical', feature } };
  return undefined;
}
