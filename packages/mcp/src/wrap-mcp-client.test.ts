import { fileURLToPath } from 'node:url';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_JSONRPC_REQUEST_ID,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_SESSION_ID,
  ATTR_NETWORK_TRANSPORT,
  ATTR_WARDEN_MCP_SERVER,
  ATTR_GEN_AI_AGENT_NAME,
  onInternalError,
  onWardenEvent,
  PolicyDeniedError,
  setToolGuard,
  WardenConfigError,
  type Alert,
  type WardenEvent,
} from '@warden/core';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHttpFixture } from './__fixtures__/server.mjs';
import { McpServerBlockedError, McpToolChangedError } from './errors';
import { MemoryPinStore } from './pin-store';
import { SCAN_RULES } from './scan-rules';
import { approveToolChange, forgetKnownServers, rememberServerTools } from './server-registry';
import { getMcpOnboarding, isMcpClient, wrapMcpClient, type WrapMcpClientOptions } from './wrap-mcp-client';

const SERVER = fileURLToPath(new URL('./__fixtures__/server.mjs', import.meta.url));

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let events: WardenEvent[] = [];
let unsubscribe: () => void = () => undefined;
const open: Client[] = [];

beforeEach(() => {
  exporter.reset();
  events = [];
  unsubscribe = onWardenEvent((e) => events.push(e));
  forgetKnownServers();
});
afterEach(async () => {
  unsubscribe();
  setToolGuard(undefined);
  await Promise.all(open.splice(0).map((c) => c.close().catch(() => undefined)));
});
afterAll(() => provider.shutdown());

function stdio(args: string[] = [], env: Record<string, string> = {}) {
  return new StdioClientTransport({ command: process.execPath, args: [SERVER, ...args], env: { ...getDefaultEnvironment(), ...env }, stderr: 'ignore' });
}

async function connected(transport: StdioClientTransport | StreamableHTTPClientTransport, opts: WrapMcpClientOptions = {}) {
  const client = wrapMcpClient(new Client({ name: 'test-app', version: '1.0.0' }), { tracerProvider: provider, pins: new MemoryPinStore(), ...opts });
  open.push(client);
  await client.connect(transport);
  return client;
}

const spans = () => exporter.getFinishedSpans();
const spanNamed = (name: string): ReadableSpan => {
  const s = spans().find((x) => x.name === name);
  if (!s)
    throw new Error(
      `no span ${name}; have ${spans()
        .map((x) => x.name)
        .join(', ')}`,
    );
  return s;
};
const alerts = () => events.filter((e): e is { type: 'alert'; alert: Alert } => e.type === 'alert').map((e) => e.alert);

async function until(check: () => boolean, what: string, ms = 5_000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('wrapMcpClient over stdio', () => {
  it('returns the same client and traces tools/call as an execute_tool span that the server can join', async () => {
    const bare = new Client({ name: 'test-app', version: '1.0.0' });
    const client = wrapMcpClient(bare, { tracerProvider: provider, pins: new MemoryPinStore(), agent: 'researcher' });
    open.push(client);
    expect(client).toBe(bare);
    expect(client).toBeInstanceOf(Client);
    expect(isMcpClient(client)).toBe(true);
    expect(isMcpClient({ callTool() {} })).toBe(false);
    await client.connect(stdio());

    const result = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    expect(result.content).toEqual([{ type: 'text', text: 'hi' }]);

    const span = spanNamed('execute_tool echo');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      [ATTR_MCP_METHOD_NAME]: 'tools/call',
      [ATTR_GEN_AI_OPERATION_NAME]: 'execute_tool',
      [ATTR_GEN_AI_TOOL_NAME]: 'echo',
      [ATTR_GEN_AI_TOOL_TYPE]: 'extension',
      [ATTR_NETWORK_TRANSPORT]: 'pipe',
      [ATTR_WARDEN_MCP_SERVER]: 'fixture',
      [ATTR_GEN_AI_AGENT_NAME]: 'researcher',
    });
    expect(span.attributes[ATTR_JSONRPC_REQUEST_ID]).toMatch(/^\d+$/);
    expect(span.attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS]).toBeUndefined();
    const { traceId, spanId } = span.spanContext();
    expect((result._meta as { receivedTraceparent: string }).receivedTraceparent).toBe(`00-${traceId}-${spanId}-01`);

    expect(spanNamed('initialize').attributes[ATTR_MCP_METHOD_NAME]).toBe('initialize');
    expect(spans().some((s) => s.name === 'tools/list')).toBe(true);
  });

  it('marks a tool result with isError as an error span and returns it unchanged', async () => {
    const client = await connected(stdio());
    const result = await client.callTool({ name: 'fail', arguments: {} });
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'it failed' }] });
    const span = spanNamed('execute_tool fail');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR_ERROR_TYPE]).toBe('tool_error');
  });

  it('traces resources/read and prompts/get, and records content only when capture is on', async () => {
    const client = await connected(stdio(), { captureContent: true });
    await client.readResource({ uri: 'note://readme' });
    await client.getPrompt({ name: 'greet', arguments: { who: 'Ada' } });
    await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    expect(spanNamed('resources/read').attributes['mcp.resource.uri']).toBe('note://readme');
    expect(spanNamed('prompts/get greet').attributes['gen_ai.prompt.name']).toBe('greet');
    const add = spanNamed('execute_tool add');
    expect(JSON.parse(String(add.attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS]))).toEqual({ a: 2, b: 3 });
    expect(JSON.parse(String(add.attributes[ATTR_GEN_AI_TOOL_CALL_RESULT]))).toEqual([{ type: 'text', text: '5' }]);
  });

  it('scans at connect, publishes the scan record and pins every tool', async () => {
    const client = await connected(stdio());
    const scan = events.find((e) => e.type === 'mcp_scan');
    expect(scan).toMatchObject({ type: 'mcp_scan', serverName: 'fixture', decision: 'allow', findings: [], toolCount: 4 });
    expect((scan as { server: string }).server).toBe(`${process.execPath} ${SERVER}`);
    const pinned = events.filter((e) => e.type === 'mcp_pin' && e.change === 'pinned').map((e) => (e as { tool: string }).tool);
    expect(pinned.sort()).toEqual(['add', 'echo', 'fail', 'trigger_update']);
    expect(getMcpOnboarding(client)).toMatchObject({ server: 'fixture', decision: 'allow', findings: [] });
    expect(alerts()).toEqual([]);
  });

  const expected: Record<string, string> = {
    'hidden-tag': SCAN_RULES.hiddenInstructionTag.id,
    override: SCAN_RULES.instructionOverride.id,
    unicode: SCAN_RULES.unicodeTags.id,
    invisible: SCAN_RULES.invisibleControls.id,
    encoded: SCAN_RULES.encodedPayload.id,
    secrets: SCAN_RULES.credentialHarvest.id,
    exfil: SCAN_RULES.exfiltrationLink.id,
    shadowing: SCAN_RULES.toolShadowing.id,
    schema: SCAN_RULES.suspiciousParameter.id,
  };
  it.each(Object.entries(expected))('finds the %s poisoning in a real server and raises an mcp_risk alert (warn)', async (variant, ruleId) => {
    rememberServerTools('mail-identity', { name: 'mail', tools: ['send_email', 'list_emails'] });
    const client = await connected(stdio(['--variant', variant]), { onboarding: 'warn', failOn: 'high' });
    const findings = getMcpOnboarding(client)!.findings;
    expect(findings.map((f) => f.ruleId)).toContain(ruleId);
    expect(findings.find((f) => f.ruleId === ruleId)!.tool).toBe('format_date');
    const [alert] = alerts();
    expect(alert).toMatchObject({
      kind: 'mcp_risk',
      detector: 'mcp.onboarding_scan',
      subject: { mcpServer: 'fixture' },
      controls: ['L3.runtime-monitoring', 'L3.mcp-onboarding'],
    });
    // warn mode: the call still goes through
    await expect(client.callTool({ name: 'add', arguments: { a: 1, b: 1 } })).resolves.toMatchObject({ content: [{ text: '2' }] });
  });

  it('in block mode refuses tool calls to a poisoned server before sending them', async () => {
    const client = await connected(stdio(['--variant', 'hidden-tag']), { onboarding: 'block' });
    const err = await client.callTool({ name: 'add', arguments: { a: 1, b: 1 } }).catch((e: unknown) => e);
    expect(McpServerBlockedError.isInstance(err)).toBe(true);
    expect((err as McpServerBlockedError).findings.length).toBeGreaterThan(0);
    const span = spanNamed('execute_tool add');
    expect(span.attributes[ATTR_ERROR_TYPE]).toBe('McpServerBlockedError');
    expect(span.attributes[ATTR_JSONRPC_REQUEST_ID]).toBeUndefined();
    expect(events.find((e) => e.type === 'mcp_scan')).toMatchObject({ decision: 'block' });
  });

  it('treats a schema change announced by tools/list_changed as a rug pull until re-approved', async () => {
    const client = await connected(stdio(), { onboarding: 'block' });
    await client.callTool({ name: 'echo', arguments: { text: 'before' } });
    await client.callTool({ name: 'trigger_update', arguments: {} });
    await until(() => alerts().some((a) => a.detector === 'mcp.rug_pull'), 'rug-pull alert');
    expect(alerts().find((a) => a.detector === 'mcp.rug_pull')).toMatchObject({
      kind: 'mcp_risk',
      severity: 'high',
      subject: { mcpServer: 'fixture', tool: 'echo' },
    });
    expect(events.some((e) => e.type === 'mcp_pin' && e.tool === 'echo' && e.change === 'changed')).toBe(true);
    expect(events.filter((e) => e.type === 'mcp_scan').length).toBe(2);

    const err = await client.callTool({ name: 'echo', arguments: { text: 'after' } }).catch((e: unknown) => e);
    expect(McpToolChangedError.isInstance(err)).toBe(true);
    await expect(client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })).resolves.toMatchObject({ content: [{ text: '3' }] });

    expect(await approveToolChange('fixture', 'echo')).toBe(true);
    await expect(client.callTool({ name: 'echo', arguments: { text: 'after' } })).resolves.toMatchObject({ content: [{ text: 'after' }] });
    expect(events.some((e) => e.type === 'mcp_pin' && e.tool === 'echo' && e.change === 'approved')).toBe(true);
  });

  it("keeps the app's own tools/list_changed handler working", async () => {
    const { ToolListChangedNotificationSchema } = await import('@modelcontextprotocol/sdk/types.js');
    const client = wrapMcpClient(new Client({ name: 'test-app', version: '1.0.0' }), { tracerProvider: provider, pins: new MemoryPinStore() });
    open.push(client);
    let appSaw = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      appSaw++;
    });
    await client.connect(stdio());
    await client.callTool({ name: 'trigger_update', arguments: {} });
    await until(() => appSaw === 1 && events.some((e) => e.type === 'mcp_pin' && e.change === 'changed'), 'both handlers');
  });

  it('detects a signature change on reconnect against the pin store', async () => {
    const pins = new MemoryPinStore();
    const first = await connected(stdio(), { pins });
    await first.close();
    events = [];
    const second = await connected(stdio([], { FIXTURE_TOOL_VERSION: '2' }), { pins, onboarding: 'warn' });
    expect(events.some((e) => e.type === 'mcp_pin' && e.tool === 'echo' && e.change === 'changed')).toBe(true);
    expect(
      alerts()
        .map((a) => a.detector)
        .sort(),
    ).toEqual(['mcp.onboarding_scan', 'mcp.rug_pull']);
    expect(getMcpOnboarding(second)!.findings.map((f) => f.ruleId)).toContain(SCAN_RULES.exfiltrationLink.id);
  });

  it('scans lazily before the first tool call when wrapped after connect', async () => {
    const client = new Client({ name: 'test-app', version: '1.0.0' });
    open.push(client);
    await client.connect(stdio());
    wrapMcpClient(client, { tracerProvider: provider, pins: new MemoryPinStore() });
    expect(events.some((e) => e.type === 'mcp_scan')).toBe(false);
    await client.callTool({ name: 'add', arguments: { a: 1, b: 1 } });
    expect(events.some((e) => e.type === 'mcp_scan')).toBe(true);
  });

  it('asks the tool guard before a call and throws its error without sending the call', async () => {
    const seen: unknown[] = [];
    setToolGuard({
      async check(call) {
        seen.push(call);
        if (call.tool === 'add') {
          const error = new PolicyDeniedError({ agent: call.agent?.name, tool: call.tool, rule: 'tool_not_allowed', reason: 'add is not allowed' });
          return { allowed: false, error, rule: 'tool_not_allowed' };
        }
        return { allowed: true };
      },
    });
    const client = await connected(stdio(), { agent: 'planner' });
    const err = await client.callTool({ name: 'add', arguments: { a: 1, b: 1 } }).catch((e: unknown) => e);
    expect(PolicyDeniedError.isInstance(err)).toBe(true);
    await client.callTool({ name: 'echo', arguments: { text: 'ok' } });
    expect(seen[0]).toMatchObject({ tool: 'add', source: 'mcp', mcpServer: 'fixture', arguments: { a: 1, b: 1 }, agent: { name: 'planner' } });
    expect(spanNamed('execute_tool add').attributes).toMatchObject({ [ATTR_ERROR_TYPE]: 'PolicyDeniedError', 'warden.policy.decision': 'deny' });
    expect(spanNamed('execute_tool add').attributes[ATTR_JSONRPC_REQUEST_ID]).toBeUndefined();
  });

  it('rethrows a JSON-RPC error unchanged and records its code as error.type', async () => {
    const client = await connected(stdio());
    const err = await client.getPrompt({ name: 'missing' }).catch((e: unknown) => e);
    expect((err as { code?: number }).code).toBe(-32602);
    expect((err as Error).message).toContain('Prompt missing not found');
    const span = spanNamed('prompts/get missing');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR_ERROR_TYPE]).toBe('-32602');
  });

  it('lets the call run when the guard itself fails, reporting the failure instead', async () => {
    const reported: string[] = [];
    const off = onInternalError((e) => reported.push(e.where));
    setToolGuard({
      async check() {
        throw new Error('guard bug');
      },
    });
    try {
      const client = await connected(stdio());
      await expect(client.callTool({ name: 'add', arguments: { a: 2, b: 2 } })).resolves.toMatchObject({ content: [{ text: '4' }] });
      expect(reported).toContain('core.enforceToolPolicy');
    } finally {
      off();
    }
  });

  it('fails to connect to a server that does not start exactly as the bare client does', async () => {
    const missing = () => new StdioClientTransport({ command: '/nonexistent/mcp-server', args: [], stderr: 'ignore' });
    const bareErr = await new Client({ name: 'a', version: '1' }).connect(missing()).catch((e: unknown) => e);
    const wrapped = wrapMcpClient(new Client({ name: 'a', version: '1' }), { tracerProvider: provider, pins: new MemoryPinStore() });
    const wrappedErr = await wrapped.connect(missing()).catch((e: unknown) => e);
    expect(wrappedErr).toBeInstanceOf(Error);
    expect((wrappedErr as Error).message).toBe((bareErr as Error).message);
    expect(events.some((e) => e.type === 'mcp_scan')).toBe(false);
  });

  it('in allow mode records the scan and pins but raises no alert and refuses nothing', async () => {
    const client = await connected(stdio(['--variant', 'override']), { onboarding: 'allow' });
    expect(events.find((e) => e.type === 'mcp_scan')).toMatchObject({ decision: 'allow' });
    expect((events.find((e) => e.type === 'mcp_scan') as { findings: unknown[] }).findings.length).toBeGreaterThan(0);
    expect(alerts()).toEqual([]);
    await expect(client.callTool({ name: 'add', arguments: { a: 1, b: 1 } })).resolves.toMatchObject({ content: [{ text: '2' }] });
  });

  it('pins into a JSON file when given a path', async () => {
    const { mkdtemp, readFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'warden-mcp-'));
    try {
      const file = join(dir, '.warden', 'mcp-pins.json');
      await connected(stdio(), { pins: file });
      const saved = JSON.parse(await readFile(file, 'utf8')) as { servers: Record<string, Record<string, { hash: string }>> };
      expect(Object.keys(saved.servers[`${process.execPath} ${SERVER}`]).sort()).toEqual(['add', 'echo', 'fail', 'trigger_update']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('validates options and names the bad field', () => {
    const bad = { onboarding: 'sometimes' } as unknown as WrapMcpClientOptions;
    expect(() => wrapMcpClient(new Client({ name: 'x', version: '1' }), bad)).toThrow(WardenConfigError);
    expect(() => wrapMcpClient(new Client({ name: 'x', version: '1' }), bad)).toThrow(/onboarding/);
  });
});

describe('wrapMcpClient over streamable HTTP', () => {
  it('traces calls with the session id and tcp transport, and the server receives traceparent', async () => {
    const fixture = await startHttpFixture({ name: 'http-fixture' });
    try {
      const client = await connected(new StreamableHTTPClientTransport(new URL(fixture.url)));
      const result = await client.callTool({ name: 'echo', arguments: { text: 'over http' } });
      const span = spanNamed('execute_tool echo');
      expect(span.attributes).toMatchObject({ [ATTR_NETWORK_TRANSPORT]: 'tcp', 'server.address': '127.0.0.1', [ATTR_WARDEN_MCP_SERVER]: 'http-fixture' });
      expect(span.attributes[ATTR_MCP_SESSION_ID]).toMatch(/^[0-9a-f-]{36}$/);
      const { traceId, spanId } = span.spanContext();
      expect((result._meta as { receivedTraceparent: string }).receivedTraceparent).toBe(`00-${traceId}-${spanId}-01`);
      expect(events.find((e) => e.type === 'mcp_scan')).toMatchObject({ server: fixture.url, decision: 'allow', findings: [] });
    } finally {
      await Promise.all(open.splice(0).map((c) => c.close().catch(() => undefined)));
      await fixture.close();
    }
  });
});
