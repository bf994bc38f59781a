export { monitor, Warden } from './monitor';
export { monitorOptionsSchema, wrapOptionsSchema, type MonitorOptions, type WrapOptions } from './options';
export type { WardenEvents, ConfigChangeEvent, ResolvedEvent } from './events';
export { WardenSpanProcessor } from './span-processors';
export {
  PolicyDeniedError,
  WardenError,
  WardenConfigError,
  UnsupportedClientError,
  withAgent,
  getActiveAgent,
  type Alert,
  type AlertKind,
  type CallRecord,
  type ControlId,
  type AgentIdentity,
} from '@warden/core';
