/**
 * The Anthropic SDK (1.x) records a span of its own for each messages call, through the
 * global tracer provider. Warden's model-call span replaces it for the calls Warden wraps,
 * so one call yields one span.
 *
 * How: the SDK reads its tracer (`client._tracer`) synchronously when a call starts, so the
 * tracer is unset for exactly that synchronous start. Alternatives were worse:
 * `suppressTracing()` would also silence the app's HTTP instrumentation for the request;
 * `openTelemetry: false` or the ANTHROPIC_OPEN_TELEMETRY variable are the app's choice at
 * construction and would drop the SDK's spans for methods Warden does not record.
 */
interface TracedClient {
  _tracer?: unknown;
}

export function withoutSdkSpans<R>(client: unknown, start: () => R): R {
  const c = client as TracedClient | null;
  if (typeof c !== 'object' || c === null || c._tracer === undefined) return start();
  const tracer = c._tracer;
  c._tracer = undefined;
  try {
    return start();
  } finally {
    c._tracer = tracer;
  }
}
