import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { safely } from './registry';
import { ATTR_ERROR_TYPE } from './semconv';

/** A low-cardinality error.type: the error's name or class name, or _OTHER. */
export function errorTypeOf(err: unknown): string {
  if (err && typeof err === 'object') {
    const name = (err as Error).name;
    const ctor = (err as object).constructor?.name;
    if (name && name !== 'Error') return name;
    if (ctor && ctor !== 'Object' && ctor !== 'Error') return ctor;
    if (name) return name;
  }
  return '_OTHER';
}

/**
 * Marks `span` failed by `err`: error.type, an ERROR status with the message, and the
 * exception event. `errorType` overrides error.type where the protocol has its own code
 * (a JSON-RPC error number). Never throws: a span that cannot record is Warden's failure.
 */
export function recordSpanFailure(span: Span, err: unknown, errorType: string = errorTypeOf(err)): void {
  safely('core.recordSpanFailure', () => {
    span.setAttribute(ATTR_ERROR_TYPE, errorType);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    if (err instanceof Error) span.recordException(err);
  });
}
