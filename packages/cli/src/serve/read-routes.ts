/**
 * The read side of `warden serve`: the live page and its script, /metrics, /alerts (recent) and
 * /alerts/open (open incidents), the SSE stream and the JSON the page polls (/api/groups,
 * paginated, and /api/posture), plus the login form that gives the page its session when reads
 * need a token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessControl } from './access-control';
import type { AlertHistory } from './alert-history';
import type { SseHub, WebhookSink } from './alert-sinks';
import type { FleetAnalyzer } from './fleet-analyzer';
import type { FleetPosture } from './fleet-posture';
import { send } from './ingest-endpoint';
import type { IngestEndpoint } from './ingest-endpoint';
import type { IngestQueue } from './ingest-queue';
import type { ParentAgents } from './parent-agent';
import { LIVE_PAGE_CSP, livePageScript, renderLivePage, renderLoginPage } from './live-page';
import type { SignalRelay } from './otlp-signals';
import type { ServeMetrics } from './serve-metrics';
import type { ServeOptions } from './serve-options';

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
  endpoint: IngestEndpoint;
  access: AccessControl;
  parentAgents: ParentAgents;
}

/** Groups per /api/groups page unless `limit` says otherwise, and the most one page holds. */
export const GROUPS_PAGE_DEFAULT = 200;
export const GROUPS_PAGE_MAX = 1_000;

const LOGIN_BODY_LIMIT = 4_096;

function nonNegativeInt(value: string | null, fallback: number): number {
  if (value === null || !/^\d+$/.test(value)) return fallback;
  return Number(value);
}

function readSmallBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
      }
    });
    req.on('end', () => resolve(text));
    req.on('error', () => resolve(undefined));
  });
}

export function createReadRoutes(deps: ReadRouteDeps): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  const { options, metrics, fleet, queue, posture, history, relay, sse, webhook, endpoint, access, parentAgents } = deps;
  const html = (res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void =>
    send(res, status, body, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': LIVE_PAGE_CSP, 'cache-control': 'no-store', ...extra });

  function groupsPage(url: URL): unknown {
    const offset = nonNegativeInt(url.searchParams.get('offset'), 0);
    const limit = Math.min(Math.max(1, nonNegativeInt(url.searchParams.get('limit'), GROUPS_PAGE_DEFAULT)), GROUPS_PAGE_MAX);
    const service = url.searchParams.get('service') ?? undefined;
    const page = fleet.groupsPage({ offset, limit, service });
    return {
      groups: page.groups,
      total: page.total,
      offset,
      limit,
      nextOffset: offset + page.groups.length < page.total ? offset + page.groups.length : null,
      capacity: fleet.capacity(),
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

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readSmallBody(req, LOGIN_BODY_LIMIT);
    const token = body === undefined ? undefined : new URLSearchParams(body).get('token');
    const cookie = token ? access.login(token) : undefined;
    if (!cookie) {
      metrics.authFailures++;
      html(res, 401, renderLoginPage('That token is not right.'));
      return;
    }
    send(res, 303, '', { location: './', 'set-cookie': cookie, 'cache-control': 'no-store' });
  }

  return (req, res, url) => {
    if (url.pathname === '/login' && req.method === 'POST') {
      if (!access.readsProtected) {
        req.resume();
        send(res, 303, '', { location: './' });
        return;
      }
      void login(req, res);
      return;
    }
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'GET only\n', { allow: 'GET' });
      return;
    }
    if (!access.authorized(req, 'read')) {
      metrics.authFailures++;
      if (url.pathname === '/') html(res, 401, renderLoginPage());
      else
        send(res, 401, 'unauthorized: send Authorization: Bearer <token>\n', {
          'content-type': 'text/plain',
          'www-authenticate': 'Bearer realm="warden serve"',
        });
      return;
    }
    const json = (value: unknown): void => send(res, 200, JSON.stringify(value), { 'content-type': 'application/json', 'cache-control': 'no-store' });
    switch (url.pathname) {
      case '/':
        html(res, 200, renderLivePage());
        return;
      case '/live.js':
        send(res, 200, livePageScript(), { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
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
            fleet: fleet.capacity(),
            sseDisplaced: sse.displaced,
            toolSpans: parentAgents,
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
        sse.subscribe(res, history.recent(20).reverse(), req.socket.remoteAddress ?? '');
        return;
      case '/api/groups':
        json(groupsPage(url));
        return;
      case '/api/posture':
        json(posture.summary() ?? null);
        return;
      default:
        send(res, 404, 'not found\n', { 'content-type': 'text/plain' });
    }
  };
}
