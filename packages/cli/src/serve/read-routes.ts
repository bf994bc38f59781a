/**
 * The GET side of `warden serve`: the live page, /healthz, /metrics, /alerts (recent) and
 * /alerts/open (open incidents), the SSE stream and the JSON the page polls (/api/groups,
 * /api/posture).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AlertHistory } from './alert-history';
import type { SseHub, WebhookSink } from './alert-sinks';
import type { FleetAnalyzer } from './fleet-analyzer';
import type { FleetPosture } from './fleet-posture';
import { send } from './ingest-endpoint';
import type { IngestEndpoint } from './ingest-endpoint';
import type { IngestQueue } from './ingest-queue';
import { renderLivePage } from './live-page';
import type { SignalRelay } from './otlp-signals';
import type { ServeMetrics } from './serve-metrics';
import type { ServeOptions } from './serve-options';
import type { TraceIngest } from './trace-ingest';

export interface ReadRouteDeps {
  options: ServeOptions;
  metrics: ServeMetrics;
  fleet: FleetAnalyzer;
  queue: IngestQueue<unknown>;
  posture: FleetPosture;
  history: AlertHistory;
  relay: SignalRelay;
  sse: SseHub;
  webhook: WebhookSink | undefined;
  ingest: TraceIngest;
  endpoint: IngestEndpoint;
}

export function createReadRoutes(deps: ReadRouteDeps): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  const { options, metrics, fleet, queue, posture, history, relay, sse, webhook, ingest, endpoint } = deps;

  function groupsView(): unknown {
    return {
      groups: fleet.groups(),
      alerts: history.recent(50),
      openAlerts: history.open().length,
      counters: {
        spansReceived: metrics.spansReceived,
        spansAnalyzed: metrics.spansAnalyzed,
        spansIgnored: metrics.spansIgnored,
        queueDepth: queue.length,
      },
    };
  }

  return (req, res, url) => {
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'GET only\n', { allow: 'GET' });
      return;
    }
    const json = (value: unknown): void =>
      send(res, 200, JSON.stringify(value), { 'content-type': 'application/json', 'cache-control': 'no-store' });
    switch (url.pathname) {
      case '/':
        send(res, 200, renderLivePage(), {
          'content-type': 'text/html; charset=utf-8',
          // The page is self-contained: the policy makes sure of it in the browser too.
          'content-security-policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:",
        });
        return;
      case '/healthz':
        send(res, ingest.draining ? 503 : 200, ingest.draining ? 'draining\n' : 'ok\n', { 'content-type': 'text/plain' });
        return;
      case '/metrics':
        send(
          res,
          200,
          metrics.render({
            queueDepth: queue.length,
            queueCapacity: options.maxQueue,
            sseClients: sse.size,
            webhookQueueDepth: webhook?.depth ?? 0,
            bodyBytesInFlight: endpoint.bodyBytesInFlight,
          }) + relay.renderMetrics(),
          { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
        );
        return;
      case '/alerts': {
        const limit = Math.min(Number(url.searchParams.get('limit') ?? 50) || 50, options.recentAlerts);
        json(history.recent(limit));
        return;
      }
      case '/alerts/open':
        json(history.open());
        return;
      case '/alerts/stream':
        if (!sse.subscribe(res, history.recent(20).reverse())) send(res, 503, 'too many subscribers\n');
        return;
      case '/api/groups':
        json(groupsView());
        return;
      case '/api/posture':
        json(posture.summary() ?? null);
        return;
      default:
        send(res, 404, 'not found\n', { 'content-type': 'text/plain' });
    }
  };
}
