/**
 * OpenTelemetry semantic-convention names used by Warden, in one place.
 * GenAI names follow semantic conventions v1.41.1 (development status);
 * `warden.*` names are Warden's own, for facts the conventions do not (yet) name.
 */
export const SEMCONV_VERSION = '1.41.1';

// gen_ai.operation.name values
export const GEN_AI_OPERATION = {
  CHAT: 'chat',
  GENERATE_CONTENT: 'generate_content',
  TEXT_COMPLETION: 'text_completion',
  EMBEDDINGS: 'embeddings',
  CREATE_AGENT: 'create_agent',
  INVOKE_AGENT: 'invoke_agent',
  EXECUTE_TOOL: 'execute_tool',
} as const;
export type GenAiOperationName = (typeof GEN_AI_OPERATION)[keyof typeof GEN_AI_OPERATION];

// gen_ai.provider.name well-known values
export const GEN_AI_PROVIDER = {
  OPENAI: 'openai',
  ANTHROPIC: 'anthropic',
  AZURE_OPENAI: 'azure.ai.openai',
  AWS_BEDROCK: 'aws.bedrock',
  GCP_GEMINI: 'gcp.gemini',
  GCP_VERTEX_AI: 'gcp.vertex_ai',
  MISTRAL: 'mistral_ai',
  GROQ: 'groq',
  DEEPSEEK: 'deepseek',
  X_AI: 'x_ai',
  PERPLEXITY: 'perplexity',
  COHERE: 'cohere',
  IBM_WATSONX: 'ibm.watsonx.ai',
  MCP: 'mcp',
} as const;

export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
/** Deprecated in favour of gen_ai.provider.name; read (never written) for older instrumentations. */
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';

export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_GEN_AI_REQUEST_TOP_K = 'gen_ai.request.top_k';
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY = 'gen_ai.request.frequency_penalty';
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY = 'gen_ai.request.presence_penalty';
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences';
export const ATTR_GEN_AI_REQUEST_SEED = 'gen_ai.request.seed';
export const ATTR_GEN_AI_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count';
export const ATTR_GEN_AI_REQUEST_ENCODING_FORMATS = 'gen_ai.request.encoding_formats';
export const ATTR_GEN_AI_OUTPUT_TYPE = 'gen_ai.output.type';

export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
/** Seconds from request start to the first streamed chunk. */
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = 'gen_ai.response.time_to_first_chunk';

export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
/** Older names some instrumentations still emit; read for compatibility, never written. */
export const ATTR_GEN_AI_USAGE_PROMPT_TOKENS_LEGACY = 'gen_ai.usage.prompt_tokens';
export const ATTR_GEN_AI_USAGE_COMPLETION_TOKENS_LEGACY = 'gen_ai.usage.completion_tokens';

export const ATTR_GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
export const ATTR_GEN_AI_DATA_SOURCE_ID = 'gen_ai.data_source.id';
export const ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT = 'gen_ai.embeddings.dimension.count';

export const ATTR_GEN_AI_AGENT_ID = 'gen_ai.agent.id';
export const ATTR_GEN_AI_AGENT_NAME = 'gen_ai.agent.name';
export const ATTR_GEN_AI_AGENT_DESCRIPTION = 'gen_ai.agent.description';
export const ATTR_GEN_AI_AGENT_VERSION = 'gen_ai.agent.version';

export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const ATTR_GEN_AI_TOOL_TYPE = 'gen_ai.tool.type';
export const ATTR_GEN_AI_TOOL_DESCRIPTION = 'gen_ai.tool.description';
/** Opt-in (content): the arguments and result of a tool call. */
export const ATTR_GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
export const ATTR_GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result';

/** Opt-in (content): structured messages, serialised as JSON strings. */
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
export const ATTR_GEN_AI_TOOL_DEFINITIONS = 'gen_ai.tool.definitions';

export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
// The exception event of the OpenTelemetry conventions (what span.recordException writes).
export const EVENT_EXCEPTION = 'exception';
export const ATTR_EXCEPTION_TYPE = 'exception.type';
export const ATTR_EXCEPTION_MESSAGE = 'exception.message';
export const ATTR_EXCEPTION_STACKTRACE = 'exception.stacktrace';
export const ATTR_SERVICE_NAME = 'service.name';

// MCP semantic conventions
export const ATTR_MCP_METHOD_NAME = 'mcp.method.name';
export const ATTR_MCP_SESSION_ID = 'mcp.session.id';
export const ATTR_MCP_PROTOCOL_VERSION = 'mcp.protocol.version';
export const ATTR_MCP_RESOURCE_URI = 'mcp.resource.uri';
export const ATTR_GEN_AI_PROMPT_NAME = 'gen_ai.prompt.name';
export const ATTR_JSONRPC_REQUEST_ID = 'jsonrpc.request.id';
export const ATTR_NETWORK_TRANSPORT = 'network.transport';
export const ATTR_NETWORK_PROTOCOL_NAME = 'network.protocol.name';

// Warden's own attributes: facts that are not content, so always recorded.
/** Names of the tools the model asked to call in this response (string[]). */
export const ATTR_WARDEN_TOOL_CALLS_NAMES = 'warden.tool_calls.names';
/** Number of tool calls the model asked for in this response. */
export const ATTR_WARDEN_TOOL_CALLS_COUNT = 'warden.tool_calls.count';
/** Characters of generated text (not the text itself). */
export const ATTR_WARDEN_OUTPUT_LENGTH = 'warden.output.length';
export const ATTR_WARDEN_STREAM = 'warden.stream';
/** How a streamed span ended: completed | broken | aborted | error | abandoned. */
export const ATTR_WARDEN_STREAM_OUTCOME = 'warden.stream.outcome';
export const ATTR_WARDEN_REFUSAL = 'warden.refusal';
export const ATTR_WARDEN_PROMPT_VERSION = 'warden.prompt.version';
/** Identity of the agent that invoked this agent (hand-offs). */
export const ATTR_WARDEN_CALLER_AGENT_NAME = 'warden.caller.agent.name';
export const ATTR_WARDEN_CALLER_AGENT_ID = 'warden.caller.agent.id';
/** How the caller's identity on a hand-off checked out: verified | unsigned | forged | expired | unknown_caller. */
export const ATTR_WARDEN_HANDOFF_IDENTITY = 'warden.handoff.identity';
export const ATTR_WARDEN_MCP_SERVER = 'warden.mcp.server';
export const ATTR_WARDEN_CONTENT_CAPTURED = 'warden.content.captured';
export const ATTR_WARDEN_POLICY_DECISION = 'warden.policy.decision';
export const ATTR_WARDEN_POLICY_RULE = 'warden.policy.rule';
/** Which Warden integration recorded a span when a framework records its own too: 'ai-sdk' | 'langchain'. */
export const ATTR_WARDEN_SOURCE = 'warden.source';
/**
 * Set (true) on another instrumentation's span (e.g. the AI SDK's ai.generateText.doGenerate
 * or ai.toolCall) when a Warden span nested under it records the same call: count the child only.
 */
export const ATTR_WARDEN_SUPERSEDED = 'warden.superseded';

// GenAI client metrics (semantic conventions) and their advised bucket boundaries.
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration';
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
export const TOKEN_USAGE_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
export const OPERATION_DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
export const METRIC_WARDEN_ALERTS = 'warden.alerts';

// Alerts recorded on spans: a `warden.alert` event on the span that triggered the alert, and
// the same names on alert log records (`warden serve --alerts-otlp`).
export const EVENT_WARDEN_ALERT = 'warden.alert';
export const ATTR_WARDEN_ALERT_ID = 'warden.alert.id';
export const ATTR_WARDEN_ALERT_KIND = 'warden.alert.kind';
export const ATTR_WARDEN_ALERT_DETECTOR = 'warden.alert.detector';
export const ATTR_WARDEN_ALERT_SEVERITY = 'warden.alert.severity';
export const ATTR_WARDEN_ALERT_MESSAGE = 'warden.alert.message';
export const ATTR_WARDEN_ALERT_SCORE = 'warden.alert.score';
export const ATTR_WARDEN_ALERT_THRESHOLD = 'warden.alert.threshold';
/** Comma-separated control ids the alert counts toward. */
export const ATTR_WARDEN_ALERT_CONTROLS = 'warden.alert.controls';
/** The whole alert as JSON (alert log records). */
export const ATTR_WARDEN_ALERT_JSON = 'warden.alert.json';
/** Prefix of one attribute per subject field: warden.alert.subject.agent, .tool, ... */
export const ATTR_WARDEN_ALERT_SUBJECT_PREFIX = 'warden.alert.subject.';

/** W3C baggage keys carrying the calling agent's identity to an agent in another process. */
export const BAGGAGE_WARDEN_AGENT_NAME = 'warden.agent.name';
export const BAGGAGE_WARDEN_AGENT_ID = 'warden.agent.id';
export const BAGGAGE_WARDEN_AGENT_VERSION = 'warden.agent.version';
export const BAGGAGE_WARDEN_CONVERSATION_ID = 'warden.conversation.id';
/** The caller's signature over (caller, callee, trace id, time): `<time ms>.<base64url Ed25519 signature>`. */
export const BAGGAGE_WARDEN_HANDOFF_SIGNATURE = 'warden.handoff.signature';

/** Operations that generate output from a model: they have finish reasons and may request tools. */
export const GENERATION_OPERATIONS: ReadonlySet<string> = new Set<string>([
  GEN_AI_OPERATION.CHAT,
  GEN_AI_OPERATION.TEXT_COMPLETION,
  GEN_AI_OPERATION.GENERATE_CONTENT,
]);

/** Every operation that calls a model: the generating ones and embeddings. */
export const MODEL_OPERATIONS: ReadonlySet<string> = new Set<string>([...GENERATION_OPERATIONS, GEN_AI_OPERATION.EMBEDDINGS]);
