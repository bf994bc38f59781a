import { trace, type Tracer } from '@opentelemetry/api';

export const WARDEN_VERSION = '0.1.0';

/** The tracer a Warden package records with; resolved per call so a later provider is used. */
export function wardenTracer(scope: string, version: string = WARDEN_VERSION): Tracer {
  return trace.getTracer(scope, version);
}
