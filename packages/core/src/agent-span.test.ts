import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveAgent, type AgentIdentity } from './agent-context';
import { extractAgentContext, injectAgentContext, traceAgent, traceTool } from './agent-span';
import { PolicyDeniedError } from './errors';
import { setToolGuard, type ToolCallCheck } from './guard';
import { onInternalError } from './registry';
import * as A from './semconv';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});
afterEach(() => {
  exporter.reset();
  setToolGuard(undefined);
});

const spanNamed = (name: string): ReadableSpan => {
  const s = exporter.getFinishedSpans().find((x) => x.name === name);
  if (!s)
    throw new Error(
      `no span ${name}; have ${exporter
        .getFinishedSpans()
        .map((x) => x.name)
        .join(', ')}`,
    );
  return s;
};
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe('traceAgent and traceTool', () => {
  it('nests agents and tools in one trace with identity through await, timers and streams', async () => {
    const seen: Record<string, AgentIdentity | undefined> = {};
    const search = traceTool(
      'search',
      async (args: { q: string }) => {
        await sleep(2);
        seen.search = resolveAgent(undefined);
        return [`result for ${args.q}`];
      },
      { callId: (args) => `call-${args.q}` },
    );
    const lookup = traceTool('lookup', (key: string) => key.toUpperCase());
    const writer = traceAgent(
      'writer',
      (topic: string) => {
        async function* draft() {
          await sleep(1);
          seen.stream = resolveAgent(undefined);
          yield `# ${topic}`;
          yield await lookup('body');
        }
        return draft();
      },
      { id: 'agent-w', version: '2' },
    );
    const planner = traceAgent(
      'planner',
      async (_conversation: string, q: string) => {
        const hits = await search({ q });
        seen.timer = await new Promise<AgentIdentity | undefined>((resolve) => setTimeout(() => resolve(resolveAgent(undefined)), 2));
        const chunks: string[] = [];
        for await (const chunk of writer(q)) chunks.push(chunk);
        return { hits, chunks };
      },
      { id: 'agent-p', description: 'plans', conversationId: (conversation) => conversation },
    );

    const out = await planner('conv-1', 'llamas');
    expect(out).toEqual({ hits: ['result for llamas'], chunks: ['# llamas', 'BODY'] });

    const p = spanNamed('invoke_agent planner');
    const w = spanNamed('invoke_agent writer');
    const s = spanNamed('execute_tool search');
    const l = spanNamed('execute_tool lookup');
    for (const x of [w, s, l]) expect(x.spanContext().traceId).toBe(p.spanContext().traceId);
    expect(parentOf(p)).toBeUndefined();
    expect(parentOf(s)).toBe(p.spanContext().spanId);
    expect(parentOf(w)).toBe(p.spanContext().spanId);
    expect(parentOf(l)).toBe(w.spanContext().spanId);
    expect(p.kind).toBe(SpanKind.INTERNAL);
    expect(p.attributes).toMatchObject({
      [A.ATTR_GEN_AI_OPERATION_NAME]: 'invoke_agent',
      [A.ATTR_GEN_AI_AGENT_NAME]: 'planner',
      [A.ATTR_GEN_AI_AGENT_ID]: 'agent-p',
      [A.ATTR_GEN_AI_AGENT_DESCRIPTION]: 'plans',
      [A.ATTR_GEN_AI_CONVERSATION_ID]: 'conv-1',
    });
    expect(p.attributes[A.ATTR_WARDEN_CALLER_AGENT_NAME]).toBeUndefined();
    expect(w.attributes).toMatchObject({
      [A.ATTR_GEN_AI_AGENT_NAME]: 'writer',
      [A.ATTR_GEN_AI_AGENT_VERSION]: '2',
      [A.ATTR_GEN_AI_CONVERSATION_ID]: 'conv-1',
      [A.ATTR_WARDEN_CALLER_AGENT_NAME]: 'planner',
      [A.ATTR_WARDEN_CALLER_AGENT_ID]: 'agent-p',
      [A.ATTR_WARDEN_STREAM_OUTCOME]: 'completed',
    });
    expect(s.attributes).toMatchObject({
      [A.ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool',
      [A.ATTR_GEN_AI_TOOL_NAME]: 'search',
      [A.ATTR_GEN_AI_TOOL_TYPE]: 'function',
      [A.ATTR_GEN_AI_TOOL_CALL_ID]: 'call-llamas',
      [A.ATTR_GEN_AI_AGENT_NAME]: 'planner',
      [A.ATTR_GEN_AI_CONVERSATION_ID]: 'conv-1',
    });
    expect(l.attributes[A.ATTR_GEN_AI_AGENT_NAME]).toBe('writer');
    expect(seen.search?.name).toBe('planner');
    expect(seen.timer?.name).toBe('planner');
    expect(seen.stream).toMatchObject({ name: 'writer', id: 'agent-w', conversationId: 'conv-1' });
    // The stream ended after it was consumed, so the writer span ends after the tool inside it.
    // Compared by export order (spans are exported as they end): the SDK's end times carry a
    // per-span clock offset of up to a millisecond, so comparing them across spans is flaky.
    const order = exporter.getFinishedSpans().map((x) => x.name);
    expect(order.indexOf('invoke_agent writer')).toBeGreaterThan(order.indexOf('execute_tool lookup'));
    expect(resolveAgent(undefined)).toBeUndefined();
  });

  it('returns and throws exactly what the function does, sync and async', async () => {
    const add = traceAgent('adder', (a: number, b: number) => a + b);
    expect(add(2, 3)).toBe(5);
    const boom = new RangeError('nope');
    const failSync = traceAgent('fails', () => {
      throw boom;
    });
    expect(() => failSync()).toThrow(boom);
    const p = Promise.reject(boom);
    const failAsync = traceAgent('rejects', () => p);
    expect(failAsync()).toBe(p);
    await expect(failAsync()).rejects.toBe(boom);
    const tool = traceTool('t', async () => {
      throw boom;
    });
    await expect(tool()).rejects.toBe(boom);
    const syncTool = traceTool('st', (x: number) => x * 2);
    await expect(syncTool(21)).resolves.toBe(42);
    await sleep(0);
    const failed = spanNamed('invoke_agent fails');
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes[A.ATTR_ERROR_TYPE]).toBe('RangeError');
    expect(spanNamed('invoke_agent rejects').status.code).toBe(SpanStatusCode.ERROR);
    expect(spanNamed('execute_tool t').attributes[A.ATTR_ERROR_TYPE]).toBe('RangeError');
    expect(spanNamed('invoke_agent adder').status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records a stream broken off early and keeps the same stream object', async () => {
    async function* numbers() {
      yield 1;
      yield 2;
      yield 3;
    }
    let made: AsyncGenerator<number> | undefined;
    const agent = traceAgent('counter', () => (made = numbers()));
    const stream = agent();
    expect(stream).toBe(made);
    for await (const n of stream) if (n === 2) break;
    expect(spanNamed('invoke_agent counter').attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('broken');
  });

  it('watches other async iterables (a Node stream) until consumed, keeping the object', async () => {
    const { Readable } = await import('node:stream');
    let made: InstanceType<typeof Readable> | undefined;
    const agent = traceAgent('streamer', () => (made = Readable.from(['a', 'b'])));
    const stream = agent();
    expect(stream).toBe(made);
    expect(exporter.getFinishedSpans().some((s) => s.name === 'invoke_agent streamer')).toBe(false);
    const got: string[] = [];
    for await (const chunk of stream) got.push(String(chunk));
    expect(got).toEqual(['a', 'b']);
    expect(spanNamed('invoke_agent streamer').attributes[A.ATTR_WARDEN_STREAM_OUTCOME]).toBe('completed');
  });

  it('records tool arguments and result only with content capture, redacted', async () => {
    const off = traceTool('plain', (args: { q: string }) => `ok ${args.q}`);
    const on = traceTool('captured', (args: { q: string; key: string }) => ({ answer: args.q }), { captureContent: true, description: 'd' });
    await off({ q: 'x' });
    await on({ q: 'y', key: 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789' });
    const plain = spanNamed('execute_tool plain');
    expect(plain.attributes[A.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS]).toBeUndefined();
    expect(plain.attributes[A.ATTR_GEN_AI_TOOL_CALL_RESULT]).toBeUndefined();
    const cap = spanNamed('execute_tool captured');
    const args = String(cap.attributes[A.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS]);
    expect(JSON.parse(args).q).toBe('y');
    expect(args).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789');
    expect(JSON.parse(String(cap.attributes[A.ATTR_GEN_AI_TOOL_CALL_RESULT]))).toEqual({ answer: 'y' });
    expect(cap.attributes[A.ATTR_GEN_AI_TOOL_DESCRIPTION]).toBe('d');
  });

  it('asks the tool guard before running and throws its error without running the tool', async () => {
    const checks: ToolCallCheck[] = [];
    setToolGuard({
      async check(call) {
        checks.push(call);
        if (call.tool === 'delete_all')
          return {
            allowed: false,
            rule: 'tool_not_allowed',
            error: new PolicyDeniedError({ agent: call.agent?.name, tool: call.tool, rule: 'tool_not_allowed', reason: 'not in allowedTools' }),
          };
        if (call.tool === 'audited') return { allowed: false, rule: 'argument', reason: 'audit only' };
        return { allowed: true };
      },
    });
    let ran = 0;
    const del = traceTool('delete_all', () => ran++);
    const audited = traceTool('audited', () => ran++);
    const read = traceTool('read', (path: string) => (ran++, path), { mcpServer: 'fs' });
    const agent = traceAgent('ops', async () => {
      await read('/a');
      await audited();
      return del();
    });
    const err = await agent().catch((e: unknown) => e);
    expect(PolicyDeniedError.isInstance(err)).toBe(true);
    expect(ran).toBe(2);
    expect(checks.map((c) => [c.tool, c.agent?.name, c.source])).toEqual([
      ['read', 'ops', 'traceTool'],
      ['audited', 'ops', 'traceTool'],
      ['delete_all', 'ops', 'traceTool'],
    ]);
    expect(checks[0]).toMatchObject({ arguments: '/a', mcpServer: 'fs' });
    expect(checks[0].traceId).toBe(spanNamed('invoke_agent ops').spanContext().traceId);
    const denied = spanNamed('execute_tool delete_all');
    expect(denied.attributes).toMatchObject({
      [A.ATTR_WARDEN_POLICY_DECISION]: 'deny',
      [A.ATTR_WARDEN_POLICY_RULE]: 'tool_not_allowed',
      [A.ATTR_ERROR_TYPE]: 'PolicyDeniedError',
    });
    expect(spanNamed('execute_tool audited').attributes[A.ATTR_WARDEN_POLICY_DECISION]).toBe('audit_deny');
    expect(spanNamed('execute_tool read').attributes[A.ATTR_WARDEN_POLICY_DECISION]).toBe('allow');
  });

  it('runs the tool when the guard itself fails, and reports the failure', async () => {
    const errors: string[] = [];
    const off = onInternalError((e) => errors.push(e.where));
    setToolGuard({
      check: async () => {
        throw new Error('guard broke');
      },
    });
    try {
      await expect(traceTool('ok', () => 'ran')()).resolves.toBe('ran');
    } finally {
      off();
    }
    expect(errors).toContain('core.enforceToolPolicy');
  });
});

describe('agent identity over HTTP', () => {
  it('links a callee agent in another server to its caller with W3C trace context and baggage', async () => {
    const billing = traceAgent('billing', async () => resolveAgent(undefined)?.conversationId ?? 'none', { id: 'bill-1' });
    const calleeServer = http.createServer((req, res) => {
      const ctx = extractAgentContext(req.headers);
      void context.with(ctx, () => billing()).then((conv) => res.end(conv));
    });
    await new Promise<void>((r) => calleeServer.listen(0, '127.0.0.1', r));
    const calleePort = (calleeServer.address() as AddressInfo).port;

    const callRemote = () =>
      new Promise<string>((resolve, reject) => {
        const headers = injectAgentContext({} as Record<string, string>);
        const req = http.request({ host: '127.0.0.1', port: calleePort, path: '/', headers }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c));
          res.on('end', () => resolve(body));
        });
        req.on('error', reject);
        req.end();
      });
    const frontdesk = traceAgent('frontdesk', callRemote, { id: 'fd-1', conversationId: 'conv-http' });
    const callerServer = http.createServer((_req, res) => void frontdesk().then((b) => res.end(b)));
    await new Promise<void>((r) => callerServer.listen(0, '127.0.0.1', r));
    const callerPort = (callerServer.address() as AddressInfo).port;
    try {
      const body = await new Promise<string>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: callerPort, path: '/' }, (res) => {
            let b = '';
            res.on('data', (c: Buffer) => (b += c));
            res.on('end', () => resolve(b));
          })
          .on('error', reject);
      });
      expect(body).toBe('conv-http');
    } finally {
      calleeServer.close();
      callerServer.close();
    }
    const fd = spanNamed('invoke_agent frontdesk');
    const bill = spanNamed('invoke_agent billing');
    expect(bill.spanContext().traceId).toBe(fd.spanContext().traceId);
    expect(parentOf(bill)).toBe(fd.spanContext().spanId);
    expect(bill.kind).toBe(SpanKind.SERVER);
    expect(bill.attributes).toMatchObject({
      [A.ATTR_GEN_AI_AGENT_NAME]: 'billing',
      [A.ATTR_GEN_AI_AGENT_ID]: 'bill-1',
      [A.ATTR_WARDEN_CALLER_AGENT_NAME]: 'frontdesk',
      [A.ATTR_WARDEN_CALLER_AGENT_ID]: 'fd-1',
      [A.ATTR_GEN_AI_CONVERSATION_ID]: 'conv-http',
    });
  });
});

describe('tool and agent errors (#13 item 5) and names (#13 item 11)', () => {
  const secret = 'postgres://admin:hunter2hunter2@db.internal/prod password=hunter2hunter2 jane@example.com';

  it('records a failing tool with its error type, not its message or the message in its stack', async () => {
    const tool = traceTool('query_db', async () => {
      throw new TypeError(`connect failed: ${secret}`);
    });
    await expect(tool()).rejects.toThrow('connect failed');
    const span = spanNamed('execute_tool query_db');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'TypeError' });
    const texts = [span.status.message, ...span.events.flatMap((e) => Object.values(e.attributes ?? {}).map(String))];
    for (const t of texts) {
      expect(t).not.toContain('hunter2');
      expect(t).not.toContain('jane@example.com');
      expect(t).not.toContain('connect failed');
    }
  });

  it('with content on, records the tool error message redacted', async () => {
    const tool = traceTool(
      'query_db',
      async () => {
        throw new Error(`connect failed: ${secret}`);
      },
      { captureContent: true },
    );
    await expect(tool()).rejects.toThrow('connect failed');
    const span = spanNamed('execute_tool query_db');
    expect(span.status.message).toContain('connect failed');
    expect(span.status.message).toContain('[REDACTED:email]');
    expect(span.status.message).not.toContain('hunter2hunter2');
  });

  it('caps tool and agent names', async () => {
    const huge = 'n'.repeat(100_000);
    await traceAgent(huge, () => traceTool(huge, async () => 1)())();
    for (const span of exporter.getFinishedSpans()) {
      expect(span.name.length).toBeLessThanOrEqual(20 + 256);
      for (const v of Object.values(span.attributes)) expect(String(v).length).toBeLessThanOrEqual(256);
    }
  });
});
