/**
 * Moving one service between `warden serve` replicas. When the Collector's loadbalancing
 * exporter re-routes a service (replicas added or removed), its baselines, open incidents and
 * recent alerts can follow it: GET /state?service=S on the old replica, POST /state with that
 * body on the new one. The new replica then continues where the old one stopped: no new
 * warm-up, a drift under way is still the known open alert, a drift after the move is caught.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnalyzerSnapshot } from '@warden/analyzer';
import { WardenConfigError } from '@warden/core';
import { parseConfig, reportInternalError } from '@warden/core/internal';
import { z } from 'zod';
import { SavedAlertsSchema, type AlertHistory, type SavedAlerts } from './alert-history';
import type { AnalyzerPump } from './analyzer-pump';
import type { FleetAnalyzer } from './fleet-analyzer';
import { send } from './ingest-endpoint';

export const SERVICE_STATE_FORMAT = 'warden-serve-service-state';

/** The body of GET /state?service=S and POST /state. */
export interface ServiceState {
  format: typeof SERVICE_STATE_FORMAT;
  version: 1;
  service: string;
  /** ISO time of the export. */
  exportedAt: string;
  /** The service's analyzer snapshot (Analyzer.snapshot() of its own analyzer). */
  analyzer: AnalyzerSnapshot;
  alerts: SavedAlerts;
}

const ServiceStateSchema = z.object({
  format: z.literal(SERVICE_STATE_FORMAT),
  version: z.literal(1),
  service: z.string().min(1).max(1_000),
  exportedAt: z.string().max(40),
  // Checked for its shape here; the analyzer validates each entry when it restores them.
  analyzer: z.looseObject({ version: z.literal(1), groups: z.array(z.unknown()), agents: z.array(z.unknown()) }),
  alerts: SavedAlertsSchema,
});

export interface ServiceStateDeps {
  fleet: Pick<FleetAnalyzer, 'serviceSnapshot' | 'restoreService'>;
  history: AlertHistory;
  pump: Pick<AnalyzerPump, 'whenIdle'>;
}

/** One service's state, after every record accepted so far has been analysed; undefined when unknown here. */
export async function exportServiceState(deps: ServiceStateDeps, service: string): Promise<ServiceState | undefined> {
  await deps.pump.whenIdle();
  const analyzer = deps.fleet.serviceSnapshot(service);
  if (!analyzer) return undefined;
  return { format: SERVICE_STATE_FORMAT, version: 1, service, exportedAt: new Date().toISOString(), analyzer, alerts: deps.history.saveService(service) };
}

/**
 * Takes over a service exported by another replica; replaces what this replica held for it.
 * Throws WardenConfigError naming the field when the body is not a service state.
 */
export function importServiceState(deps: ServiceStateDeps, body: unknown): { service: string; groups: number } {
  const state = parseConfig(ServiceStateSchema, body, 'service state') as unknown as ServiceState;
  // Both or neither: a refused analyzer snapshot leaves the alerts as they were too.
  deps.fleet.restoreService(state.service, state.analyzer);
  deps.history.loadService(state.service, state.alerts);
  return { service: state.service, groups: state.analyzer.groups.length };
}

class BodyTooLarge extends Error {}

function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')));
      } catch (e) {
        reject(new WardenConfigError(`service state: body is not JSON: ${(e as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}

/** GET /state?service=S and POST /state. Access is checked by the caller (as for reads). */
export function createServiceStateRoute(deps: ServiceStateDeps, maxBodyBytes: number): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  const json = (res: ServerResponse, status: number, value: unknown): void =>
    send(res, status, JSON.stringify(value), { 'content-type': 'application/json', 'cache-control': 'no-store' });

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method === 'GET') {
      req.resume();
      const service = url.searchParams.get('service');
      if (!service) return json(res, 400, { error: 'GET /state needs ?service=<service.name>' });
      const state = await exportServiceState(deps, service);
      if (!state) return json(res, 404, { error: `no state for service "${service}" here` });
      return json(res, 200, state);
    }
    if (req.method === 'POST') {
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        req.resume();
        return json(res, 415, { error: 'POST /state takes application/json (the body of GET /state)' });
      }
      let body: unknown;
      try {
        body = await readJson(req, maxBodyBytes);
        return json(res, 200, { imported: importServiceState(deps, body) });
      } catch (e) {
        if (e instanceof BodyTooLarge) return json(res, 413, { error: `body exceeds ${maxBodyBytes} bytes` });
        if (WardenConfigError.isInstance(e)) return json(res, 400, { error: (e as Error).message });
        throw e;
      }
    }
    req.resume();
    send(res, 405, 'GET or POST only\n', { allow: 'GET, POST' });
  }

  return (req, res, url) => {
    handle(req, res, url).catch((e: unknown) => {
      reportInternalError('serve.state', e);
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  };
}
