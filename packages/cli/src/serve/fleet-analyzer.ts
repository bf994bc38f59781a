/**
 * The one place `warden serve` touches @warden/analyzer: the same span-to-record mapping and
 * the same Analyzer as in-process monitoring, fed with spans received over OTLP.
 *
 * One Analyzer per service, each with its own group budget, so one sender's junk groups can only
 * evict that sender's own groups, never another service's baseline. A global cap bounds the
 * groups of all services together; when it is exceeded, whole services that have learned nothing
 * yet (no warm group) go first, least recently seen first; a newcomer that does not fit beside
 * warm services is refused rather than erasing one of them. Every eviction is counted.
 */
import { Analyzer, type AnalyzerSnapshot, type GroupSummary } from '@warden/analyzer';
import { callRecordFromSpan, type Alert, type CallRecord } from '@warden/core';
import { alertEventAttributes, fnv1a, reportInternalError, type OtlpSpan } from '@warden/core/internal';

export type FleetAnalyzerOptions = Record<string, unknown>;

export interface FleetBudget {
  /** Most groups one service may hold; its least recently seen group is evicted beyond that. */
  groupsPerService: number;
  /** Most groups all services hold together. */
  maxGroups: number;
}

export interface FleetEvictions {
  /** Groups a service evicted to stay within its own budget. */
  groupsOverServiceBudget: number;
  /** Services dropped whole (with their groups) to stay within the global cap. */
  servicesEvicted: number;
  /** Groups dropped with those services. */
  groupsOverGlobalCap: number;
  /** Records of a new service refused because warm services filled the global cap. */
  recordsRefused: number;
}

export interface FleetCapacity extends FleetBudget {
  services: number;
  groups: number;
  evictions: FleetEvictions;
}

/** The fleet snapshot: one analyzer snapshot per service. Unknown top-level keys are kept for others. */
export interface FleetSnapshot {
  version: 2;
  services: Record<string, AnalyzerSnapshot>;
  [key: string]: unknown;
}

export interface FleetAnalyzer {
  /** The analyzer's record for a GenAI span; undefined for any other span. */
  toRecord(span: OtlpSpan, service: string | undefined): CallRecord | undefined;
  observe(record: CallRecord): Alert[];
  /** Per group: key fields, count, baseline vs recent quantiles per feature, tool mix. */
  groups(): GroupSummary[];
  /**
   * One page of groups, by service name then least recently seen first; only the page's groups
   * are summarised, so a page costs the same at 20 groups or 20,000.
   */
  groupsPage(page: { offset: number; limit: number; service?: string }): { groups: GroupSummary[]; total: number };
  describe(): unknown;
  snapshot(): FleetSnapshot;
  onResolved(listener: (event: unknown) => void): void;
  capacity(): FleetCapacity;
  /** One service's analyzer snapshot (undefined when the service is not tracked). */
  serviceSnapshot(service: string): AnalyzerSnapshot | undefined;
  /** Replaces one service's state with a snapshot taken by serviceSnapshot(). */
  restoreService(service: string, snapshot: AnalyzerSnapshot): void;
  /** Accept a change as the new normal (`resolved` with reason `accepted` follows); false for an unknown or closed id. */
  accept(alertId: string): boolean;
}

/** The attributes the analyzer puts on a `warden.alert` span event, reused for alert log records. */
export function alertLogAttributes(alert: Alert): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(alertEventAttributes(alert))) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}

type AnalyzerOptions = ConstructorParameters<typeof Analyzer>[0];

/**
 * A short stable tag of a service name. Each service's analyzer numbers its alerts on its own,
 * so ids get the tag to stay unique across the fleet (resolved events get the same tag).
 */
export function serviceTag(service: string): string {
  return fnv1a(service).toString(36);
}

interface ServiceEntry {
  name: string;
  analyzer: Analyzer;
  /** evictedGroups already counted. */
  evictedSeen: number;
}

/** Splits a single-analyzer snapshot (version 1, before per-service analyzers) by service. */
function splitV1(snapshot: AnalyzerSnapshot): Record<string, AnalyzerSnapshot> {
  const out: Record<string, AnalyzerSnapshot> = {};
  const of = (service: string): AnalyzerSnapshot => (out[service] ??= { ...snapshot, groups: [], agents: [] });
  for (const entry of snapshot.groups) {
    const g = (entry as [string, { key?: { service?: string } }])[1];
    of(g?.key?.service ?? '').groups.push(entry);
  }
  for (const entry of snapshot.agents) {
    const a = (entry as [string, { service?: string }])[1];
    of(a?.service ?? '').agents.push(entry);
  }
  return out;
}

function isFleetSnapshot(value: unknown): value is FleetSnapshot {
  const v = value as FleetSnapshot | undefined;
  return !!v && v.version === 2 && typeof v.services === 'object' && v.services !== null;
}

export function createFleetAnalyzer(options: FleetAnalyzerOptions | undefined, snapshot?: unknown, budget?: Partial<FleetBudget>): FleetAnalyzer {
  const groupsPerService = budget?.groupsPerService ?? (typeof options?.maxGroups === 'number' ? options.maxGroups : 2_000);
  const maxGroups = Math.max(budget?.maxGroups ?? 20_000, groupsPerService);
  const analyzerOptions = { ...(options as AnalyzerOptions), maxGroups: groupsPerService } as AnalyzerOptions;
  // Validate once up front: bad options fail start-up, not the first record of each service.
  const template = new Analyzer(analyzerOptions);

  /** Least recently seen first (a Map keeps insertion order; a touch re-inserts). */
  const services = new Map<string, ServiceEntry>();
  const resolvedListeners: Array<(event: unknown) => void> = [];
  const evictions: FleetEvictions = { groupsOverServiceBudget: 0, servicesEvicted: 0, groupsOverGlobalCap: 0, recordsRefused: 0 };
  let totalGroups = 0;
  const extraKeys: Record<string, unknown> = {};

  function attach(name: string, analyzer: Analyzer): ServiceEntry {
    const tag = serviceTag(name);
    analyzer.on('resolved', (event) => {
      const tagged = { ...event, alertId: `${event.alertId}.${tag}` };
      for (const l of resolvedListeners) l(tagged);
    });
    const entry = { name, analyzer, evictedSeen: analyzer.evictedGroups };
    services.set(name, entry);
    totalGroups += analyzer.groupCount();
    return entry;
  }

  function drop(entry: ServiceEntry): void {
    services.delete(entry.name);
    totalGroups -= entry.analyzer.groupCount();
  }

  if (snapshot !== undefined) {
    const perService = isFleetSnapshot(snapshot) ? snapshot.services : splitV1(snapshot as AnalyzerSnapshot);
    if (isFleetSnapshot(snapshot)) {
      for (const [k, v] of Object.entries(snapshot)) if (k !== 'version' && k !== 'services') extraKeys[k] = v;
    } else if (!snapshot || (snapshot as AnalyzerSnapshot).version !== 1) {
      throw new Error('Invalid serve snapshot: expected { version: 2, services } or a version 1 analyzer snapshot');
    }
    for (const [name, s] of Object.entries(perService)) {
      // Without explicit options a restored analyzer keeps the options it was snapshotted with.
      const restoredOptions = options === undefined ? { ...s.options, maxGroups: groupsPerService } : analyzerOptions;
      attach(name, Analyzer.restore(s, restoredOptions as AnalyzerOptions));
    }
  }

  function serviceOf(name: string): ServiceEntry {
    const entry = services.get(name);
    if (entry) {
      services.delete(name);
      services.set(name, entry);
      return entry;
    }
    return attach(name, new Analyzer(analyzerOptions));
  }

  /** Brings the total back under the global cap after `current` grew. */
  function enforceGlobalCap(current: ServiceEntry): void {
    if (totalGroups <= maxGroups) return;
    for (const entry of [...services.values()]) {
      if (totalGroups <= maxGroups) return;
      if (entry === current || entry.analyzer.warmGroupCount() > 0) continue;
      evictions.servicesEvicted++;
      evictions.groupsOverGlobalCap += entry.analyzer.groupCount();
      drop(entry);
    }
    if (totalGroups <= maxGroups) return;
    if (current.analyzer.warmGroupCount() === 0) {
      // Refuse the newcomer rather than erase a learned baseline.
      evictions.servicesEvicted++;
      evictions.groupsOverGlobalCap += current.analyzer.groupCount();
      drop(current);
      return;
    }
    for (const entry of [...services.values()]) {
      if (totalGroups <= maxGroups) return;
      if (entry === current) continue;
      evictions.servicesEvicted++;
      evictions.groupsOverGlobalCap += entry.analyzer.groupCount();
      reportInternalError('serve.fleet', new Error(`global group cap ${maxGroups} reached: evicted service "${entry.name}" (least recently seen)`));
      drop(entry);
    }
  }

  return {
    toRecord: (span, service) => callRecordFromSpan(span, service),
    observe(record) {
      const name = typeof record.service === 'string' ? record.service : '';
      const isNew = !services.has(name);
      const entry = serviceOf(name);
      const before = entry.analyzer.groupCount();
      const alerts = entry.analyzer.observe(record);
      totalGroups += entry.analyzer.groupCount() - before;
      const evicted = entry.analyzer.evictedGroups - entry.evictedSeen;
      if (evicted > 0) {
        evictions.groupsOverServiceBudget += evicted;
        entry.evictedSeen = entry.analyzer.evictedGroups;
      }
      enforceGlobalCap(entry);
      if (!services.has(name) && isNew) evictions.recordsRefused++;
      const tag = serviceTag(name);
      return alerts.map((a) => ({ ...a, id: `${a.id}.${tag}` }));
    },
    groups: () => [...services.values()].flatMap((e) => e.analyzer.groups()),
    groupsPage({ offset, limit, service }) {
      const entries = [...services.values()]
        .filter((e) => service === undefined || e.name === service)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const total = entries.reduce((n, e) => n + e.analyzer.groupCount(), 0);
      const groups: GroupSummary[] = [];
      let skip = offset;
      for (const e of entries) {
        if (groups.length >= limit) break;
        const count = e.analyzer.groupCount();
        if (skip >= count) {
          skip -= count;
          continue;
        }
        groups.push(...e.analyzer.groups({ offset: skip, limit: limit - groups.length }));
        skip = 0;
      }
      return { groups, total };
    },
    describe: () => template.describe(),
    snapshot: () => ({
      ...extraKeys,
      version: 2,
      services: Object.fromEntries([...services.values()].map((e) => [e.name, e.analyzer.snapshot()])),
    }),
    onResolved: (listener) => {
      resolvedListeners.push(listener);
    },
    capacity: () => ({ groupsPerService, maxGroups, services: services.size, groups: totalGroups, evictions: { ...evictions } }),
    serviceSnapshot: (service) => services.get(service)?.analyzer.snapshot(),
    accept(alertId) {
      // Fleet ids are `<analyzer id>.<service tag>`: find the service by its tag.
      const dot = alertId.lastIndexOf('.');
      if (dot <= 0) return false;
      const tag = alertId.slice(dot + 1);
      for (const e of services.values()) if (serviceTag(e.name) === tag) return e.analyzer.accept(alertId.slice(0, dot));
      return false;
    },
    restoreService(service, s) {
      const existing = services.get(service);
      if (existing) drop(existing);
      enforceGlobalCap(attach(service, Analyzer.restore(s, analyzerOptions)));
    },
  };
}
