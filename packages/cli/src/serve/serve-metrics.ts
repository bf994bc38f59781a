/** Counters of `warden serve`, rendered in the Prometheus text exposition format (0.0.4). */
import type { FleetCapacity } from './fleet-analyzer';

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
  authFailures = 0;
  slowBodies = 0;
  connectionsRefused = 0;
  alertsFileFailures = 0;
  alertsFileDropped = 0;
  readonly requestsByStatus = new Map<number, number>();
  readonly alertsByKind = new Map<string, number>();

  countRequest(status: number): void {
    this.requestsByStatus.set(status, (this.requestsByStatus.get(status) ?? 0) + 1);
  }

  countAlert(kind: string): void {
    this.alertsByKind.set(kind, (this.alertsByKind.get(kind) ?? 0) + 1);
  }

  render(gauges: {
    queueDepth: number;
    queueCapacity: number;
    sseClients: number;
    webhookQueueDepth: number;
    bodyBytesInFlight: number;
    fleet: FleetCapacity;
    sseDisplaced: number;
    /** Tool spans waiting for their agent's span (parent-agent.ts): held so far, of them analysed without an agent, waiting now. */
    toolSpans: { heldTotal: number; heldUnresolved: number; held: number };
  }): string {
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
    counter('warden_serve_auth_failures_total', 'Requests refused for a missing or wrong token (401).', this.authFailures);
    counter('warden_serve_connections_refused_total', 'Connections closed at once because maxConnections were open.', this.connectionsRefused);
    counter('warden_serve_slow_bodies_total', 'Request bodies abandoned for arriving slower than the minimum rate (408).', this.slowBodies);
    counter('warden_serve_alerts_file_failures_total', 'Failed appends to the alerts file (each is retried).', this.alertsFileFailures);
    counter('warden_serve_alerts_file_dropped_total', 'Alerts dropped because the alerts file stayed unwritable and its queue filled.', this.alertsFileDropped);
    counter('warden_serve_sse_displaced_total', 'Event streams closed to make room for a newer subscriber.', gauges.sseDisplaced);
    counter(
      'warden_serve_tool_spans_held_total',
      'Tool spans without an agent held until the span of their agent arrived (or the wait ran out).',
      gauges.toolSpans.heldTotal,
    );
    counter(
      'warden_serve_tool_spans_without_agent_total',
      'Held tool spans analyzed without an agent: the wait ran out, or too many were waiting.',
      gauges.toolSpans.heldUnresolved,
    );
    gauge('warden_serve_tool_spans_waiting', 'Tool spans waiting now for the span of their agent.', gauges.toolSpans.held);
    const { evictions } = gauges.fleet;
    counter(
      'warden_serve_groups_evicted_service_budget_total',
      'Groups a service evicted to stay within its own group budget.',
      evictions.groupsOverServiceBudget,
    );
    counter(
      'warden_serve_groups_evicted_global_cap_total',
      'Groups dropped with whole services to stay within the global group cap.',
      evictions.groupsOverGlobalCap,
    );
    counter('warden_serve_services_evicted_total', 'Services dropped whole to stay within the global group cap.', evictions.servicesEvicted);
    counter('warden_serve_records_refused_total', 'Records of new services refused because learned services filled the global cap.', evictions.recordsRefused);
    gauge('warden_serve_groups', 'Analyzer groups tracked, all services.', gauges.fleet.groups);
    gauge('warden_serve_groups_max', 'Global cap on analyzer groups.', gauges.fleet.maxGroups);
    gauge('warden_serve_services', 'Services with an analyzer.', gauges.fleet.services);
    gauge('warden_serve_queue_depth', 'Records waiting for the analyzer.', gauges.queueDepth);
    gauge('warden_serve_queue_capacity', 'Capacity of the ingest queue.', gauges.queueCapacity);
    gauge('warden_serve_sse_clients', 'Connected /alerts/stream subscribers.', gauges.sseClients);
    gauge('warden_serve_webhook_queue_depth', 'Alerts waiting for webhook delivery.', gauges.webhookQueueDepth);
    gauge('warden_serve_body_bytes_in_flight', 'Bytes of request bodies being read or decoded.', gauges.bodyBytesInFlight);
    return `${lines.join('\n')}\n`;
  }
}
