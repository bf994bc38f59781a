import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { context, trace } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_WARDEN_ALERT_ID,
  ATTR_WARDEN_ALERT_KIND,
  GEN_AI_OPERATION,
  type Alert,
} from '@warden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatedService, type SimulatedService } from './fleet-exporters';
import { startServe, type ServeHandle } from './serve';
import { recordToolCall } from './simulated-fleet';

/** A tool the agent's policy does not allow: the analyzer reports it at once, even in warm-up. */
const ANALYZER_OPTIONS = { allowedTools: { research: ['search'] } };

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
}

/** A small HTTP receiver on 127.0.0.1 that answers with `statusFor(n)` for its n-th request. */
async function receiver(statusFor: (n: number) => number = () => 200): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), at: Date.now() });
      res.writeHead(statusFor(received.length));
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function withServe(options: Parameters<typeof startServe>[0]): Promise<{ serve: ServeHandle; service: SimulatedService }> {
  const serve = await startServe({ port: 0, analyzer: ANALYZER_OPTIONS, ...options });
  cleanups.push(() => serve.close());
  const service = simulatedService('research-svc', 'http/protobuf+gzip', serve.url);
  cleanups.push(() => service.shutdown());
  return { serve, service };
}

describe('warden serve alerts', () => {
  it('POST /alerts/:id/accept resolves an open alert with reason accepted; unknown ids are 404, other methods 405', async () => {
    const { serve, service } = await withServe({});
    recordToolCall(service.tracer, 'research', 'delete_records', Date.now());
    await service.flush();
    await serve.whenIdle();
    const open = (await (await fetch(`${serve.url}/alerts/open`)).json()) as { alerts?: Alert[] } | Alert[];
    const alerts = Array.isArray(open) ? open : (open.alerts ?? []);
    expect(alerts.length).toBe(1);
    const id = alerts[0]!.id;
    expect((await fetch(`${serve.url}/alerts/${id}/accept`)).status).toBe(405);
    const res = await fetch(`${serve.url}/alerts/${encodeURIComponent(id)}/accept`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ alertId: id, accepted: true });
    const after = (await (await fetch(`${serve.url}/alerts/open`)).json()) as { alerts?: Alert[] } | Alert[];
    expect(Array.isArray(after) ? after : (after.alerts ?? [])).toEqual([]);
    expect((await fetch(`${serve.url}/alerts/alrt_nope/accept`, { method: 'POST' })).status).toBe(404);
  });

  it('delivers each alert to the webhook, retrying with growing backoff until it succeeds', async () => {
    const hook = await receiver((n) => (n <= 2 ? 500 : 200));
    cleanups.push(() => void hook.server.close());
    const { serve, service } = await withServe({ webhook: `${hook.url}/alerts`, webhookInitialBackoffMs: 100 });
    recordToolCall(service.tracer, 'research', 'delete_records', Date.now());
    await service.flush();
    await serve.whenIdle();
    await until(() => serve.metrics.webhookDeliveries === 1);
    expect(hook.received).toHaveLength(3);
    expect(serve.metrics.webhookFailures).toBe(2);
    expect(serve.metrics.webhookDropped).toBe(0);
    const [first, second, third] = hook.received;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(95);
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(195); // doubled
    expect(third!.headers['content-type']).toBe('application/json');
    const alert = JSON.parse(third!.body.toString()) as Alert;
    expect(alert.subject).toMatchObject({ service: 'research-svc', agent: 'research', tool: 'delete_records' });
    expect(first!.body.equals(third!.body)).toBe(true);
  });

  it('drops (and counts) an alert the webhook keeps refusing, without holding the next ones', async () => {
    const hook = await receiver(() => 503);
    cleanups.push(() => void hook.server.close());
    const { serve, service } = await withServe({ webhook: hook.url, webhookInitialBackoffMs: 10, webhookMaxAttempts: 3 });
    recordToolCall(service.tracer, 'research', 'delete_records', Date.now());
    await service.flush();
    await until(() => serve.metrics.webhookDropped === 1);
    expect(hook.received).toHaveLength(3);
    expect(serve.metrics.webhookFailures).toBe(3);
  });

  it('streams alerts to SSE subscribers, lists them at GET /alerts and appends them to the JSONL file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-serve-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'alerts.jsonl');
    const { serve, service } = await withServe({ alertsFile: file });

    const stream = await fetch(`${serve.url}/alerts/stream`);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.getReader();
    let text = '';
    const sawAlert = (async () => {
      while (!text.includes('event: alert')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    })();

    recordToolCall(service.tracer, 'research', 'delete_records', Date.now());
    recordToolCall(service.tracer, 'research', 'search', Date.now());
    await service.flush();
    await serve.whenIdle();
    await sawAlert;
    await reader.cancel();
    const streamed = JSON.parse(/data: (.*)\n/.exec(text.slice(text.indexOf('event: alert')))![1]!) as Alert;

    const listed = (await (await fetch(`${serve.url}/alerts`)).json()) as Alert[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toEqual(streamed);
    await serve.close();
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as Alert)).toEqual([streamed]);
  });

  it('forwards every request unchanged downstream and exports alerts there as OTLP logs', async () => {
    const downstream = await receiver();
    cleanups.push(() => void downstream.server.close());
    const { serve, service } = await withServe({ forward: downstream.url });
    recordToolCall(service.tracer, 'research', 'delete_records', Date.now());
    await service.flush();
    await serve.drain();
    const traces = downstream.received.filter((r) => r.path === '/v1/traces');
    const logs = downstream.received.filter((r) => r.path === '/v1/logs');
    expect(traces).toHaveLength(1);
    expect(traces[0]!.headers['content-type']).toBe('application/x-protobuf');
    expect(traces[0]!.headers['content-encoding']).toBe('gzip');
    expect(serve.metrics.forwardedRequests).toBe(1);
    expect(logs).toHaveLength(1);
    const alert = ((await (await fetch(`${serve.url}/alerts`)).json()) as Alert[])[0]!;
    const body = JSON.parse(logs[0]!.body.toString()) as {
      resourceLogs: Array<{
        scopeLogs: Array<{ logRecords: Array<{ body: { stringValue: string }; attributes: Array<{ key: string; value: { stringValue?: string } }> }> }>;
      }>;
    };
    const record = body.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(record.body.stringValue).toBe(alert.message);
    expect(record.attributes.find((a) => a.key === ATTR_WARDEN_ALERT_ID)?.value.stringValue).toBe(alert.id);
    expect(record.attributes.find((a) => a.key === ATTR_WARDEN_ALERT_KIND)?.value.stringValue).toBe(alert.kind);
    expect(serve.metrics.alertLogExports).toBe(1);
  });

  it('forwards the exact bytes, content type and encoding it received', async () => {
    const downstream = await receiver();
    cleanups.push(() => void downstream.server.close());
    const { serve } = await withServe({ forward: `${downstream.url}/v1/traces` });
    const body = gzipSync(
      Buffer.from(
        JSON.stringify({
          resourceSpans: [
            {
              scopeSpans: [
                {
                  spans: [
                    {
                      traceId: '5b8efff798038103d269b633813fc60c',
                      spanId: 'eee19b7ec3c1b174',
                      name: 'GET /',
                      startTimeUnixNano: '1700000000000000000',
                      endTimeUnixNano: '1700000000100000000',
                    },
                  ],
                },
              ],
            },
          ],
        }),
      ),
    );
    const res = await fetch(`${serve.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip' },
      body,
    });
    expect(res.status).toBe(200);
    await serve.drain();
    expect(downstream.received).toHaveLength(1);
    expect(downstream.received[0]!.body.equals(body)).toBe(true);
    expect(downstream.received[0]!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(downstream.received[0]!.headers['content-encoding']).toBe('gzip');
  });

  describe('tool spans exported before the span of the agent that ran them', () => {
    /** An agent span and, inside it, a tool span that names no agent (as plain OTel instrumentations write them). */
    function agentWithTool(service: SimulatedService, tool: string) {
      const agent = service.tracer.startSpan(`invoke_agent research`, {
        attributes: { [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.INVOKE_AGENT, [ATTR_GEN_AI_AGENT_NAME]: 'research' },
      });
      const span = service.tracer.startSpan(
        `execute_tool ${tool}`,
        { attributes: { [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION.EXECUTE_TOOL, [ATTR_GEN_AI_TOOL_NAME]: tool } },
        trace.setSpan(context.active(), agent),
      );
      span.end();
      return agent;
    }
    const openAlerts = async (serve: ServeHandle): Promise<Alert[]> => {
      const body = (await (await fetch(`${serve.url}/alerts/open`)).json()) as { alerts?: Alert[] } | Alert[];
      return Array.isArray(body) ? body : (body.alerts ?? []);
    };
    const metric = async (serve: ServeHandle, name: string): Promise<number> => {
      const text = await (await fetch(`${serve.url}/metrics`)).text();
      return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
    };

    it('waits for the agent span, then analyzes the tool under that agent', async () => {
      const { serve, service } = await withServe({ parentWaitMs: 30_000 });
      const agent = agentWithTool(service, 'delete_records');
      await service.flush();
      await serve.whenIdle();
      expect(await openAlerts(serve)).toEqual([]);
      expect(await metric(serve, 'warden_serve_tool_spans_waiting')).toBe(1);
      agent.end();
      await service.flush();
      await serve.whenIdle();
      const alerts = await openAlerts(serve);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.subject).toMatchObject({ agent: 'research', tool: 'delete_records' });
      expect(await metric(serve, 'warden_serve_tool_spans_waiting')).toBe(0);
      expect(await metric(serve, 'warden_serve_tool_spans_held_total')).toBe(1);
    });

    it('when the wait runs out, the tool is analyzed without an agent and counted', async () => {
      const { serve, service } = await withServe({ parentWaitMs: 50 });
      agentWithTool(service, 'delete_records');
      await service.flush();
      let released = 0;
      for (let i = 0; i < 100 && released === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        released = await metric(serve, 'warden_serve_tool_spans_without_agent_total');
      }
      expect(released).toBe(1);
      await serve.whenIdle();
      expect(await openAlerts(serve)).toEqual([]);
      expect(await metric(serve, 'warden_serve_tool_spans_waiting')).toBe(0);
    });

    it('on shutdown a tool still waiting is analyzed before the state is written', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'warden-parent-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const { serve, service } = await withServe({ parentWaitMs: 600_000, state: join(dir, 'state.json') });
      agentWithTool(service, 'delete_records');
      await service.flush();
      await serve.whenIdle();
      expect(await metric(serve, 'warden_serve_tool_spans_waiting')).toBe(1);
      await serve.close();
      expect(await readFile(join(dir, 'state.json'), 'utf8')).toContain('delete_records');
    });
  });
});
