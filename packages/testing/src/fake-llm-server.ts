import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicEvents, anthropicMessage } from './anthropic-format';
import { resolveReply, type FakeBehaviour, type FakeReply, type FakeRequest } from './fake-reply';
import { chatCompletion, chatCompletionChunks, embeddingList, responseEvents, responseObject, type SseMessage } from './openai-format';

export interface FakeLlmServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** baseURL for `new OpenAI({ baseURL })`. */
  openaiBaseURL: string;
  /** baseURL for `new Anthropic({ baseURL })`. */
  anthropicBaseURL: string;
  port: number;
  /** Every request received, in order (bounded to the last 1000). */
  requests: FakeRequest[];
  setBehaviour(behaviour: FakeBehaviour): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sendSse(res: http.ServerResponse, messages: SseMessage[], reply: FakeReply): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  return (async () => {
    let sent = 0;
    for (const m of messages) {
      if (res.destroyed) return;
      if (reply.failAfterChunks !== undefined && sent >= reply.failAfterChunks) {
        res.socket?.destroy();
        return;
      }
      const data = typeof m.data === 'string' ? m.data : JSON.stringify(m.data);
      res.write(`${m.event ? `event: ${m.event}\n` : ''}data: ${data}\n\n`);
      sent++;
      if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
    }
    res.end();
  })();
}

function sendError(res: http.ServerResponse, provider: 'openai' | 'anthropic', status: number, message: string) {
  const body =
    provider === 'openai'
      ? { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'invalid_request_error', param: null, code: null } }
      : { type: 'error', error: { type: status === 429 ? 'rate_limit_error' : 'invalid_request_error', message } };
  res.writeHead(status, { 'content-type': 'application/json', ...(provider === 'anthropic' ? { 'request-id': 'req_fake' } : { 'x-request-id': 'req_fake' }) });
  res.end(JSON.stringify(body));
}

/**
 * A fake model server speaking the OpenAI (chat completions, responses, embeddings) and
 * Anthropic (messages) wire formats, JSON and SSE, on 127.0.0.1. What it answers is decided
 * per request by `behaviour`, so tests and the demo can script a model that changes.
 */
export async function startFakeLlmServer(options: { behaviour?: FakeBehaviour; port?: number } = {}): Promise<FakeLlmServer> {
  let behaviour: FakeBehaviour = options.behaviour ?? (() => ({}));
  const requests: FakeRequest[] = [];
  let index = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const path = (req.url ?? '/').split('?')[0]!;
        let body: Record<string, unknown> = {};
        try {
          body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
        } catch {
          sendError(res, 'openai', 400, 'body is not JSON');
          return;
        }
        const provider = path.endsWith('/messages') && !path.includes('chat') ? 'anthropic' : 'openai';
        const request: FakeRequest = { provider, path, body, headers: req.headers, index: index++ };
        requests.push(request);
        if (requests.length > 1000) requests.shift();
        let reply: FakeReply;
        try {
          reply = behaviour(request);
        } catch (e) {
          sendError(res, provider, 500, `fake behaviour failed: ${(e as Error).message}`);
          return;
        }
        if (reply.delayMs) await sleep(reply.delayMs);
        if (reply.status && reply.status >= 400) {
          sendError(res, provider, reply.status, reply.errorMessage ?? `fake error ${reply.status}`);
          return;
        }
        const model = String(body.model ?? 'fake-model');
        const r = resolveReply(reply, { model, index: request.index });
        const stream = body.stream === true;
        const id = `${request.index}`.padStart(6, '0');
        const json = (value: unknown) => {
          res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_${id}` });
          res.end(JSON.stringify(value));
        };
        switch (true) {
          case path.endsWith('/chat/completions'): {
            const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
            if (stream) await sendSse(res, chatCompletionChunks(r, `chatcmpl-${id}`, includeUsage), reply);
            else json(chatCompletion(r, `chatcmpl-${id}`));
            return;
          }
          case path.endsWith('/responses'):
            if (stream) await sendSse(res, responseEvents(r, `resp_${id}`), reply);
            else json(responseObject(r, `resp_${id}`));
            return;
          case path.endsWith('/moderations'): {
            const flaggedAs = new Set(r.moderation?.categories ?? []);
            const names = ['harassment', 'hate', 'illicit', 'self-harm', 'sexual', 'violence', ...flaggedAs];
            json({
              id: `modr-${id}`,
              model,
              results: [
                {
                  flagged: r.moderation?.flagged ?? false,
                  categories: Object.fromEntries(names.map((c) => [c, flaggedAs.has(c)])),
                  category_scores: Object.fromEntries(names.map((c) => [c, flaggedAs.has(c) ? 0.97 : 0.01])),
                },
              ],
            });
            return;
          }
          case path.endsWith('/embeddings'):
            json(embeddingList(body.input, model, body.encoding_format, (body.dimensions as number | undefined) ?? 8));
            return;
          case path.endsWith('/messages'):
            if (stream) await sendSse(res, anthropicEvents(r, `msg_${id}`), reply);
            else json(anthropicMessage(r, `msg_${id}`));
            return;
          default:
            sendError(res, provider, 404, `no fake route for ${path}`);
        }
      })().catch(() => res.destroy());
    });
  });
  // Keep-alive sockets would hold close() open; tests want a prompt shutdown.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    requests,
    setBehaviour(b) {
      behaviour = b;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
