/** Counters of `warden serve`, rendered in the Prometheus text exposition format (0.0.4). */

export class ServeMetrics {
  spansReceived = 0;
  spansAnalyzed = 0;
  spansIgnored = 0;
  spansRejected = 0;
  spansThrottled = 0;
  malformedBodies = 0;
  oversizedBodies = 0;
  bodiesOverBudget = 0;
  forwardedRequests = 0;
  forwardFailures = 0;
  webhookDeliveries = 0;
  webhookFailures = 0;
  webhookDropped = 0;
  alertLogExports = 0;
  alertLogFailures = 0;
  snapshotsWritten = 0;
  snapshotFailures = 0;
  analyzerErrors = 0;
  readonly requestsByStatus = new Map<number, number>();
  readonly alertsByKind = new Map<string, number>();

  countRequest(status: number): void {
    this.requestsByStatus.set(status, (this.requestsByStatus.get(status) ?? 0) + 1);
  }

  countAlert(kind: string): void {
    this.alertsByKind.set(kind, (this.alertsByKind.get(kind) ?? 0) + 1);
  }

  render(gauges: { queueDepth: number; queueCapacity: number; sseClients: number; webhookQueueDepth: number; bodyBytesInFlight: number }): string {
    const lines: string[] = [];
    const counter = (name: string, help: string, value: number): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`);
    };
    const gauge = (name: string, help: string, value: number): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`);
    };
    counter('warden_serve_spans_received_total', 'Spans in decoded OTLP requests.', this.spansReceived);
    counter('warden_serve_spans_analyzed_total', 'GenAI spans the analyzer observed.', this.spansAnalyzed);
    counter('warden_serve_spans_ignored_total', 'Valid spans that are not GenAI operations.', this.spansIgnored);
    counter('warden_serve_spans_rejected_total', 'Malformed spans reported back as partial success.', this.spansRejected);
    counter('warden_serve_spans_throttled_total', 'Spans in requests answered 429 because the queue was full.', this.spansThrottled);
    counter('warden_serve_malformed_bodies_total', 'Requests answered 400.', this.malformedBodies);
    counter('warden_serve_oversized_bodies_total', 'Requests answered 413.', this.oversizedBodies);
    counter('warden_serve_bodies_over_budget_total', 'Requests answered 429 because too many body bytes were in flight.', this.bodiesOverBudget);
    lines.push('# HELP warden_serve_requests_total OTLP requests by response status.', '# TYPE warden_serve_requests_total counter');
    for (const [status, n] of [...this.requestsByStatus].sort((a, b) => a[0] - b[0])) {
      lines.push(`warden_serve_requests_total{status="${status}"} ${n}`);
    }
    lines.push('# HELP warden_serve_alerts_total Alerts raised, by kind.', '# TYPE warden_serve_alerts_total counter');
    for (const [kind, n] of [...this.alertsByKind].sort()) lines.push(`warden_serve_alerts_total{kind="${kind}"} ${n}`);
    counter('warden_serve_forwarded_requests_total', 'Requests forwarded to the downstream OTLP endpoint.', this.forwardedRequests);
    counter('warden_serve_forward_failures_total', 'Forwards that failed or were dropped.', this.forwardFailures);
    counter('warden_serve_webhook_deliveries_total', 'Alerts delivered to the webhook.', this.webhookDeliveries);
    counter('warden_serve_webhook_failures_total', 'Webhook attempts that failed (each retry counts).', this.webhookFailures);
    counter('warden_serve_webhook_dropped_total', 'Alerts dropped: webhook queue full or retries exhausted.', this.webhookDropped);
    counter('warden_serve_alert_log_exports_total', 'Alerts exported as OTLP logs downstream.', this.alertLogExports);
    counter('warden_serve_alert_log_failures_total', 'OTLP log exports of alerts that failed.', this.alertLogFailures);
    counter('warden_serve_snapshots_total', 'Analyzer snapshots written.', this.snapshotsWritten);
    counter('warden_serve_snapshot_failures_total', 'Analyzer snapshots that failed to write.', this.snapshotFailures);
    counter('warden_serve_analyzer_errors_total', 'Records the analyzer failed on (reported, not fatal).', this.analyzerErrors);
    gauge('warden_serve_queue_depth', 'Records waiting for the analyzer.', gauges.queueDepth);
    gauge('warden_serve_queue_capacity', 'Capacity of the ingest queue.', gauges.queueCapacity);
    gauge('warden_serve_sse_clients', 'Connected /alerts/stream subscribers.', gauges.sseClients);
    gauge('warden_serve_webhook_queue_depth', 'Alerts waiting for webhook delivery.', gauges.webhookQueueDepth);
    gauge('warden_serve_body_bytes_in_flight', 'Bytes of request bodies being read or decoded.', gauges.bodyBytesInFlight);
    return `${lines.join('\n')}\n`;
  }
}
