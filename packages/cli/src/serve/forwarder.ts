/**
 * Forwards what `warden serve` received, byte for byte, to a downstream OTLP/HTTP endpoint (the
 * Collector, a backend). Fire-and-forget with a bound on requests in flight; failures are counted.
 */
import type { ServeMetrics } from './serve-metrics';

/** The OTLP/HTTP path of each signal, appended to the downstream base URL. */
export type OtlpSignalPath = '/v1/traces' | '/v1/metrics' | '/v1/logs';

/** Base URL of an OTLP/HTTP endpoint, accepting either the base or one of its signal URLs. */
export function otlpBase(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/v1\/(traces|metrics|logs)$/, '');
}

export interface ForwarderOptions {
  /** Downstream base URL (see otlpBase). */
  base: string;
  maxInFlight: number;
  timeoutMs: number;
}

export class Forwarder {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopper = new AbortController();

  constructor(
    private readonly options: ForwarderOptions,
    private readonly metrics: ServeMetrics,
  ) {}

  /** Sends `body` to `<base><signalPath>` with the given content type and encoding; never throws. */
  forward(signalPath: OtlpSignalPath, body: Buffer, contentType: string, contentEncoding: string | undefined): void {
    if (this.inFlight.size >= this.options.maxInFlight) {
      this.metrics.forwardFailures++;
      return;
    }
    const headers: Record<string, string> = { 'content-type': contentType };
    if (contentEncoding) headers['content-encoding'] = contentEncoding;
    const p = fetch(`${this.options.base}${signalPath}`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs), this.stopper.signal]),
    })
      .then(async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) this.metrics.forwardedRequests++;
        else this.metrics.forwardFailures++;
      })
      .catch(() => {
        this.metrics.forwardFailures++;
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Aborts the forwards in flight (counted as failures); later forwards fail at once. */
  close(): void {
    this.stopper.abort();
  }

  /** Resolves when every forward in flight has settled (each is bounded by the timeout). */
  async flush(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }
}
