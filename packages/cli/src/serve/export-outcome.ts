/**
 * What one OTLP export request came to, whichever transport carried it. The ingest side decides
 * the outcome once; OTLP/HTTP and OTLP/gRPC each say it in their own terms (status code and
 * Retry-After, or gRPC status and RetryInfo), so both behave the same under load.
 */

export type OtlpSignal = 'traces' | 'metrics' | 'logs';

export const OTLP_SIGNALS: readonly OtlpSignal[] = ['traces', 'metrics', 'logs'];

export type ExportOutcome =
  /** Accepted; `response` is the Export*ServiceResponse, protobuf-encoded (may be empty). */
  | { kind: 'ok'; response: Buffer }
  /** Queue or budget full: the sender waits `retryAfterSeconds` and sends the same request again. */
  | { kind: 'throttled'; message: string; retryAfterSeconds: number }
  /** Shutting down or the downstream is away: retry later, elsewhere if routed. */
  | { kind: 'unavailable'; message: string; retryAfterSeconds: number }
  /** Not an OTLP request: do not retry. */
  | { kind: 'invalid'; message: string }
  | { kind: 'too_large'; message: string }
  | { kind: 'unauthenticated'; message: string }
  | { kind: 'failed'; message: string };

/** The OTLP/HTTP status code of an outcome. */
export function httpStatusOf(outcome: ExportOutcome): number {
  switch (outcome.kind) {
    case 'ok':
      return 200;
    case 'throttled':
      return 429;
    case 'unavailable':
      return 503;
    case 'invalid':
      return 400;
    case 'too_large':
      return 413;
    case 'unauthenticated':
      return 401;
    case 'failed':
      return 500;
  }
}
