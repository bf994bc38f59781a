/**
 * wrapMcpClient: the same SDK `Client`, patched so every request is a span (MCP semantic
 * conventions), `traceparent` travels in `params._meta`, tool calls pass the policy guard
 * and the onboarding gate, and the server is scanned and pinned when it connects.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type TracerProvider } from '@opentelemetry/api';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_JSONRPC_REQUEST_ID,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_MCP_RESOURCE_URI,
  ATTR_MCP_SESSION_ID,
  ATTR_NETWORK_TRANSPORT,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_WARDEN_CONTENT_CAPTURED,
  ATTR_WARDEN_MCP_SERVER,
  GEN_AI_OPERATION,
  type AgentIdentity,
  type ContentCaptureOptions,
  type Severity,
} from '@warden/core';
import {
  agentAttributes,
  enforceToolPolicy,
  errorTypeOf,
  recordSpanFailure,
  reportInternalError,
  resolveAgent,
  resolveContentPolicy,
  safely,
  WARDEN_VERSION,
  parseConfig,
} from '@warden/core/internal';
import { z } from 'zod';
import { McpAllowlist } from './allowlist';
import { ServerOnboarding, type OnboardingMode, type ServerLister } from './onboarding';
import { registerOnboardingSettings } from './server-registry';
import { DEFAULT_PIN_FILE, JsonFilePinStore, type PinStore } from './pin-store';
import type { Finding, ToolDefinition, TransportDescription } from './scanner';

export interface WrapMcpClientOptions extends ContentCaptureOptions {
  /** Default agent identity for spans and policy checks (the active agent in context wins). */
  agent?: string | AgentIdentity;
  /** Display name of the server; defaults to the name the server reports at initialize. */
  serverName?: string;
  /** Pin key; defaults to command + args (stdio) or the URL (HTTP). */
  serverIdentity?: string;
  /**
   * What a scan finding at or above `failOn` does: record only, alert, or alert and refuse tool
   * calls; 'allowlist' also refuses every server whose live tools do not match the signed
   * allowlist. Default 'warn'.
   */
  onboarding?: OnboardingMode;
  /** The signed allowlist (`warden scan --approve --key`): a loaded McpAllowlist, or its file and the organisation public key (PEM). */
  allowlist?: McpAllowlist | { path: string; publicKey: string };
  /** Severity at which findings count. Default 'high'. */
  failOn?: Severity;
  /** Where signatures are pinned: a store, a JSON file path, or false for no pinning. Default `.warden/mcp-pins.json`. */
  pins?: PinStore | string | false;
  /** Timeout of each listing request of the onboarding scan. Default 10 000 ms. */
  scanTimeoutMs?: number;
  /** Tracer provider to record with; defaults to the global one. */
  tracerProvider?: TracerProvider;
}

const severitySchema = z.enum(['low', 'medium', 'high', 'critical']);
const optionsSchema = z.object({
  agent: z.union([z.string().min(1), z.object({ name: z.string().min(1) }).passthrough()]).optional(),
  serverName: z.string().min(1).optional(),
  serverIdentity: z.string().min(1).optional(),
  onboarding: z.enum(['allow', 'warn', 'block', 'allowlist']).optional(),
  allowlist: z
    .union([
      z.custom<McpAllowlist>((v) => v instanceof McpAllowlist, { message: 'expected a McpAllowlist' }),
      z.object({ path: z.string().min(1), publicKey: z.string().min(1) }).strict(),
    ])
    .optional(),
  failOn: severitySchema.optional(),
  pins: z
    .union([
      z.literal(false),
      z.string().min(1),
      z.custom<PinStore>(
        (v) => typeof v === 'object' && v !== null && typeof (v as PinStore).load === 'function' && typeof (v as PinStore).save === 'function',
        {
          message: 'expected a PinStore (load and save functions), a file path or false',
        },
      ),
    ])
    .optional(),
  scanTimeoutMs: z.number().int().positive().optional(),
  captureContent: z.boolean().optional(),
  maxContentLength: z.number().int().positive().optional(),
});

function validate(opts: WrapMcpClientOptions): McpAllowlist | undefined {
  const { tracerProvider: _tp, redactPatterns: _rp, ...rest } = opts;
  parseConfig(
    optionsSchema.refine((o) => o.onboarding !== 'allowlist' || o.allowlist !== undefined, {
      path: ['allowlist'],
      message: "onboarding 'allowlist' needs an allowlist ({ path, publicKey } or a loaded McpAllowlist)",
    }),
    rest,
    'wrapMcpClient options',
  );
  if (!opts.allowlist) return undefined;
  return opts.allowlist instanceof McpAllowlist ? opts.allowlist : McpAllowlist.load(opts.allowlist.path, opts.allowlist.publicKey);
}

const WRAPPED = Symbol.for('warden.mcp.wrapped');
// Marks Warden's own listing requests in the SDK request options (a symbol key the SDK ignores).
const INTERNAL = Symbol.for('warden.mcp.internal');
const internalOptions = (o: { timeout?: number } | undefined): { timeout?: number } => Object.assign({ ...o }, { [INTERNAL]: true });
const isInternal = (options: unknown): boolean => typeof options === 'object' && options !== null && (options as Record<symbol, unknown>)[INTERNAL] === true;

type RequestFn = (request: { method: string; params?: Record<string, unknown> }, ...rest: unknown[]) => Promise<unknown>;

interface TransportLike {
  sessionId?: string;
  _serverParams?: { command?: string; args?: string[] };
  _url?: URL;
  _requestInit?: { headers?: unknown };
  _authProvider?: unknown;
}

/** The parts of the SDK client the wrapper patches or reads (some are internal, hence optional). */
interface PatchableClient extends ServerLister {
  request: RequestFn;
  connect(transport: TransportLike, ...rest: unknown[]): Promise<void>;
  close(): Promise<void>;
  getServerVersion(): { name?: string; version?: string } | undefined;
  transport?: TransportLike;
  _onnotification?: (notification: { method: string }) => void;
  _requestMessageId?: number;
  [WRAPPED]?: true;
}

/** Duck-type check for an MCP SDK `Client` (used by `wrap()`). */
export function isMcpClient(x: unknown): x is Client {
  if (typeof x !== 'object' || x === null) return false;
  const c = x as Record<string, unknown>;
  return ['callTool', 'listTools', 'connect', 'request', 'getServerVersion', 'setNotificationHandler'].every((k) => typeof c[k] === 'function');
}

function hasAuthorization(headers: unknown): boolean {
  if (!headers) return false;
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.has('authorization');
  if (Array.isArray(headers)) return headers.some((h) => Array.isArray(h) && String(h[0]).toLowerCase() === 'authorization');
  return Object.keys(headers as object).some((k) => k.toLowerCase() === 'authorization');
}

export function describeTransport(t: TransportLike | undefined): {
  description: TransportDescription;
  identity?: string;
  network?: string;
  address?: string;
  port?: number;
} {
  if (t?._serverParams?.command) {
    const args = t._serverParams.args ?? [];
    return { description: { type: 'stdio', command: t._serverParams.command, args }, identity: [t._serverParams.command, ...args].join(' '), network: 'pipe' };
  }
  if (t?._url instanceof URL) {
    const url = t._url;
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return {
      description: { type: 'http', url: url.href, authenticated: Boolean(t._authProvider) || hasAuthorization(t._requestInit?.headers) },
      identity: url.href,
      network: 'tcp',
      address: url.hostname,
      port,
    };
  }
  return { description: { type: 'other' } };
}

function traceparentFor(ctx: Context, span: Span): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const sc = span.spanContext();
  // No global propagator configured: still hand the server a W3C traceparent so it can join.
  if (!carrier.traceparent && trace.isSpanContextValid(sc)) {
    carrier.traceparent = `00-${sc.traceId}-${sc.spanId}-0${(sc.traceFlags & 1).toString(16)}`;
  }
  return carrier;
}

function spanName(method: string, params: Record<string, unknown> | undefined): string {
  if (method === 'tools/call') return `${GEN_AI_OPERATION.EXECUTE_TOOL} ${String(params?.name ?? '')}`.trim();
  if (method === 'prompts/get' && typeof params?.name === 'string') return `${method} ${params.name}`;
  return method;
}

function errorType(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? String(code) : errorTypeOf(err);
}

/**
 * Trace, scan and guard an MCP SDK `Client`. Returns the same instance (still an
 * `instanceof Client`); call it before or after `connect()`.
 */
export function wrapMcpClient<T extends Client>(client: T, opts: WrapMcpClientOptions = {}): T {
  const allowlist = validate(opts);
  const c = client as unknown as PatchableClient;
  if (c[WRAPPED]) return client;
  // Drills replay attacks through the same onboarding settings the app's clients use.
  registerOnboardingSettings({ mode: opts.onboarding ?? 'warn', failOn: opts.failOn ?? 'high', allowlist });

  const content = resolveContentPolicy(opts);
  const tracer = () => (opts.tracerProvider ?? trace.getTracerProvider()).getTracer('@warden/mcp', WARDEN_VERSION);
  const pins: PinStore | undefined =
    opts.pins === false ? undefined : typeof opts.pins === 'string' ? new JsonFilePinStore(opts.pins) : (opts.pins ?? new JsonFilePinStore(DEFAULT_PIN_FILE));
  const defaultAgent = typeof opts.agent === 'string' ? opts.agent : opts.agent?.name;

  const originalRequest = c.request.bind(c);
  const originalConnect = c.connect.bind(c);
  const originalClose = c.close.bind(c);

  let session: ServerOnboarding | undefined;
  let transportInfo = describeTransport(c.transport);
  let protocolVersion: string | undefined;

  const lister: ServerLister = {
    listTools: (p, o) => c.listTools(p, internalOptions(o)),
    listPrompts: (p, o) => c.listPrompts(p, internalOptions(o)),
    listResources: (p, o) => c.listResources(p, internalOptions(o)),
    getServerCapabilities: () => c.getServerCapabilities(),
    getInstructions: () => (typeof c.getInstructions === 'function' ? c.getInstructions() : undefined),
  };

  const ensureSession = (): ServerOnboarding | undefined =>
    safely('mcp.session', () => {
      if (session) return session;
      if (!c.transport) return undefined;
      transportInfo = describeTransport(c.transport);
      const info = c.getServerVersion();
      const name = opts.serverName ?? info?.name ?? transportInfo.identity ?? 'mcp-server';
      const identity = opts.serverIdentity ?? transportInfo.identity ?? `${info?.name ?? 'mcp-server'}@${info?.version ?? '0'}`;
      session = new ServerOnboarding({
        identity,
        name,
        transport: transportInfo.description,
        mode: opts.onboarding ?? 'warn',
        failOn: opts.failOn ?? 'high',
        pins,
        agent: defaultAgent,
        scanTimeoutMs: opts.scanTimeoutMs ?? 10_000,
        allowlist,
      });
      return session;
    });

  const startSpan = (method: string, params: Record<string, unknown> | undefined, agent: AgentIdentity | undefined): Span | undefined => {
    try {
      const attrs: Attributes = { [ATTR_MCP_METHOD_NAME]: method, ...agentAttributes(agent) };
      if (transportInfo.network) attrs[ATTR_NETWORK_TRANSPORT] = transportInfo.network;
      if (transportInfo.address) attrs[ATTR_SERVER_ADDRESS] = transportInfo.address;
      if (transportInfo.port) attrs[ATTR_SERVER_PORT] = transportInfo.port;
      const sessionId = c.transport?.sessionId;
      if (sessionId) attrs[ATTR_MCP_SESSION_ID] = sessionId;
      if (protocolVersion) attrs[ATTR_MCP_PROTOCOL_VERSION] = protocolVersion;
      if (session) attrs[ATTR_WARDEN_MCP_SERVER] = session.name;
      if (method === 'tools/call') {
        attrs[ATTR_GEN_AI_OPERATION_NAME] = GEN_AI_OPERATION.EXECUTE_TOOL;
        if (typeof params?.name === 'string') attrs[ATTR_GEN_AI_TOOL_NAME] = params.name;
        attrs[ATTR_GEN_AI_TOOL_TYPE] = 'extension';
        const callId = (params?._meta as Record<string, unknown> | undefined)?.toolCallId;
        if (typeof callId === 'string') attrs[ATTR_GEN_AI_TOOL_CALL_ID] = callId;
        if (content.enabled) {
          const args = content.serialize(params?.arguments ?? {});
          if (args !== undefined) attrs[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS] = args;
          attrs[ATTR_WARDEN_CONTENT_CAPTURED] = true;
        }
      } else if (method === 'prompts/get' && typeof params?.name === 'string') attrs[ATTR_GEN_AI_PROMPT_NAME] = params.name;
      else if (method === 'resources/read' && typeof params?.uri === 'string') attrs[ATTR_MCP_RESOURCE_URI] = params.uri;
      return tracer().startSpan(spanName(method, params), { kind: SpanKind.CLIENT, attributes: attrs });
    } catch (e) {
      reportInternalError('mcp.startSpan', e);
      return undefined;
    }
  };

  const endWithError = (span: Span | undefined, err: unknown): void => {
    if (!span) return;
    recordSpanFailure(span, err, errorType(err), content);
    safely('mcp.endSpan', () => span.end());
  };

  // Warden's own checks before a tool runs: onboarding gate, then the policy guard. Throws only the typed refusals.
  const checkToolCall = async (
    toolName: string,
    params: Record<string, unknown> | undefined,
    agent: AgentIdentity | undefined,
    span: Span | undefined,
  ): Promise<void> => {
    const s = ensureSession();
    if (s) {
      void s.onboard(lister);
      const waiting = s.gate(toolName);
      if (waiting) await waiting;
    }
    const decision = await enforceToolPolicy(
      { tool: toolName, agent, arguments: params?.arguments, source: 'mcp', mcpServer: s?.name, traceId: span?.spanContext().traceId },
      span,
      span ? trace.setSpan(context.active(), span) : undefined,
    );
    if (decision?.error) throw decision.error;
  };

  const recordResult = (span: Span | undefined, method: string, params: Record<string, unknown> | undefined, result: unknown, internal: boolean): void => {
    try {
      const r = result as Record<string, unknown> | undefined;
      if (method === 'initialize' && typeof r?.protocolVersion === 'string') protocolVersion = r.protocolVersion;
      if (method === 'tools/call' && r && span) {
        if (content.enabled) {
          const out = content.serialize(r.structuredContent ?? r.content);
          if (out !== undefined) span.setAttribute(ATTR_GEN_AI_TOOL_CALL_RESULT, out);
        }
        if (r.isError === true) {
          span.setAttribute(ATTR_ERROR_TYPE, 'tool_error');
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'tool returned isError' });
        }
      }
      // The app listed tools itself: a silent signature change is a rug pull too.
      if (method === 'tools/list' && !internal && r && Array.isArray(r.tools) && !r.nextCursor && !params?.cursor) {
        const s = ensureSession();
        const tools = r.tools as ToolDefinition[];
        if (s && s.differs(tools)) void s.refreshTools(lister, tools);
      }
    } catch (e) {
      reportInternalError('mcp.recordResult', e);
    }
    span?.end();
  };

  const tracedRequest: RequestFn = async (request, ...rest) => {
    const internal = isInternal(rest[1]);
    const method = request?.method;
    const params = request?.params;
    const agent = resolveAgent(opts.agent);
    const span = startSpan(method, params, agent);

    if (method === 'tools/call' && typeof params?.name === 'string' && !internal) {
      try {
        await checkToolCall(params.name, params, agent, span);
      } catch (e) {
        endWithError(span, e);
        throw e;
      }
    }

    let sent = request;
    let ctx: Context | undefined;
    if (span) {
      try {
        ctx = trace.setSpan(context.active(), span);
        const carrier = traceparentFor(ctx, span);
        const meta = params?._meta as Record<string, unknown> | undefined;
        sent = { ...request, params: { ...params, _meta: meta ? { ...meta, ...carrier } : carrier } };
      } catch (e) {
        reportInternalError('mcp.inject', e);
      }
    }

    let result: unknown;
    try {
      const pendingResult = ctx ? context.with(ctx, originalRequest, undefined, sent, ...rest) : originalRequest(sent, ...rest);
      // The SDK numbers the request synchronously; the id it used is the one before the counter.
      const next = c._requestMessageId;
      if (span && typeof next === 'number') span.setAttribute(ATTR_JSONRPC_REQUEST_ID, String(next - 1));
      result = await pendingResult;
    } catch (e) {
      endWithError(span, e);
      throw e;
    }
    recordResult(span, method, params, result, internal);
    return result;
  };

  const tracedConnect = async (transport: TransportLike, ...rest: unknown[]): Promise<void> => {
    session?.close();
    session = undefined;
    protocolVersion = undefined;
    transportInfo = describeTransport(transport);
    await originalConnect(transport, ...rest);
    const s = ensureSession();
    if (s) await s.onboard(lister);
  };

  const tracedClose = async (): Promise<void> => {
    safely('mcp.close', () => session?.close());
    return originalClose();
  };

  const originalOnNotification = c._onnotification;
  if (typeof originalOnNotification === 'function') {
    c._onnotification = function (this: PatchableClient, notification: { method: string }) {
      safely('mcp.notification', () => {
        if (notification?.method === 'notifications/tools/list_changed') {
          const s = ensureSession();
          if (s) void s.refreshTools(lister);
        }
      });
      return originalOnNotification.call(this, notification);
    };
  }

  c.request = tracedRequest;
  c.connect = tracedConnect;
  c.close = tracedClose;
  Object.defineProperty(c, WRAPPED, { value: true, enumerable: false });
  Object.defineProperty(c, MCP_STATE, { value: { session: () => session }, enumerable: false });
  return client;
}

const MCP_STATE = Symbol.for('warden.mcp.state');

/** The onboarding result of a wrapped client's current connection, or undefined before connect. */
export function getMcpOnboarding(client: Client): { server: string; identity: string; decision: OnboardingMode; findings: readonly Finding[] } | undefined {
  const state = (client as unknown as Record<symbol, { session: () => ServerOnboarding | undefined } | undefined>)[MCP_STATE];
  const s = state?.session();
  return s ? { server: s.name, identity: s.identity, decision: s.decision, findings: s.scanFindings } : undefined;
}
