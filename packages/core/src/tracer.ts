import { trace, type Tracer } from '@opentelemetry/api';

// Injected at build time from the package's package.json (tsup and vitest `define`); running the
// source any other way (tsx) says so rather than claiming a release.
declare const __WARDEN_VERSION__: string | undefined;
export const WARDEN_VERSION: string = typeof __WARDEN_VERSION__ === 'string' ? __WARDEN_VERSION__ : '0.0.0-source';

/** The tracer a Warden package records with; resolved per call so a later provider is used. */
export function wardenTracer(scope: string, version: string = WARDEN_VERSION): Tracer {
  return trace.getTracer(scope, version);
}
