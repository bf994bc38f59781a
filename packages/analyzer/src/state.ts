/** Per-group and per-agent state the analyzer keeps (plain data, so it snapshots as JSON). */
import type { NumericDriftState } from './detectors/numeric-drift';
import type { RateCusumState } from './detectors/rate-cusum';
import type { CategoricalState } from './detectors/categorical-drift';
import type { ToolUsageState } from './detectors/tool-usage';
import { CATEGORICAL_FEATURES, NUMERIC_FEATURES, RATE_FEATURES } from './features';
import type { AlarmTable } from './alarms';
import type { IncidentState } from './incidents';

/** Which group a record belongs to. */
export interface GroupKey {
  service?: string;
  agent?: string;
  operation: string;
  model?: string;
  tool?: string;
}

export interface LastAlert {
  id: string;
  detector: string;
  time: string;
  message: string;
}

export interface GroupState {
  key: GroupKey;
  count: number;
  agentVersion: string;
  promptVersion: string;
  /** Detector states by feature index (NUMERIC_FEATURES, RATE_FEATURES, CATEGORICAL_FEATURES); null until seen. */
  numeric: (NumericDriftState | null)[];
  rates: (RateCusumState | null)[];
  categorical: (CategoricalState | null)[];
  toolCounts: [string, number][];
  traceIds: string[];
  /** Wall-clock values awaiting start order: flat [start, latency, ttft] triples (NaN = absent). */
  reorder: number[];
  alarms: AlarmTable;
  lastAlert?: LastAlert;
}

export interface AgentState {
  service?: string;
  agent?: string;
  models: string[];
  tools: ToolUsageState;
  alarms: AlarmTable;
  incidents: IncidentState[];
}

export function newGroupState(key: GroupKey, agentVersion: string, promptVersion: string): GroupState {
  return {
    key,
    count: 0,
    agentVersion,
    promptVersion,
    numeric: NUMERIC_FEATURES.map(() => null),
    rates: RATE_FEATURES.map(() => null),
    categorical: CATEGORICAL_FEATURES.map(() => null),
    toolCounts: [],
    traceIds: [],
    reorder: [],
    alarms: {},
  };
}

export interface QuantileSummary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface GroupSummary {
  key: GroupKey;
  count: number;
  state: 'learning' | 'warm';
  warmupRemaining: number;
  features: Record<string, { baseline: QuantileSummary; recent?: QuantileSummary }>;
  tools: Record<string, number>;
  activeAlerts: string[];
  lastAlert?: LastAlert;
}
