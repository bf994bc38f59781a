/**
 * The one place a finished span becomes a CallRecord. Works on any FinishedSpan: the OTel
 * SDK's ReadableSpan, or a span decoded from OTLP (`warden serve`, `warden report`).
 */
import type { AttributeValue, HrTime } from '@opentelemetry/api';
import type { FinishedSpan } from './finished-span';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_ID,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_AGENT_VERSION,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_COMPLETION_TOKENS_LEGACY,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_PROMPT_TOKENS_LEGACY,
  ATTR_SERVICE_NAME,
  ATTR_WARDEN_CALLER_AGENT_NAME,
  ATTR_WARDEN_MCP_SERVER,
  ATTR_WARDEN_OUTPUT_LENGTH,
  ATTR_WARDEN_PROMPT_VERSION,
  ATTR_WARDEN_REFUSAL,
  ATTR_WARDEN_STREAM,
  ATTR_WARDEN_SUPERSEDED,
  ATTR_WARDEN_TOOL_CALLS_NAMES,
  GEN_AI_OPERATION,
} from './semconv';
import type { CallRecord } from './types';

/** The Vercel AI SDK's own telemetry names, read as fallbacks (they are not GenAI conventions). */
export const AI_SDK_ATTR = {
  PROMPT_TOKENS: 'ai.usage.promptTokens',
  COMPLETION_TOKENS: 'ai.usage.completionTokens',
  MODEL_ID: 'ai.model.id',
  FINISH_REASON: 'ai.response.finishReason',
  FUNCTION_ID: 'ai.telemetry.functionId',
  OPERATION_ID: 'ai.operationId',
  TOOL_CALL_NAME: 'ai.toolCall.name',
} as const;
const AI_SDK_TOOL_CALL_OPERATION = 'ai.toolCall';

/** Longest string kept from an attribute: names are grouping keys, so they must stay small. */
const MAX_NAME_LENGTH = 200;
const MAX_TOOL_CALLS = 64;
/** Larger numbers are treated as corrupt: no model call has 10^12 tokens or lasts 30 years. */
const MAX_NUMBER = 1e12;
const STATUS_ERROR = 2;

function text(v: AttributeValue | undefined): string | undefined {
  if (typeof v !== 'string' || v.length === 0) return undefined;
  if (v.length <= MAX_NAME_LENGTH) return v;
  let cut = v.slice(0, MAX_NAME_LENGTH);
  // Do not leave half a surrogate pair behind.
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

function count(v: AttributeValue | undefined): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= MAX_NUMBER ? n : undefined;
}

function hrToMs(t: HrTime | undefined): number {
  if (!Array.isArray(t) || t.length < 2) return NaN;
  return t[0] * 1e3 + t[1] / 1e6;
}

function strings(v: AttributeValue | undefined): string[] {
  if (typeof v === 'string') {
    const s = text(v);
    return s ? [s] : [];
  }
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const item of v) {
    const s = text(item as AttributeValue);
    if (s) out.push(s);
    if (out.length >= MAX_TOOL_CALLS) break;
  }
  return out;
}

/**
 * Turn a finished span into a CallRecord, or undefined when it is not a GenAI span.
 * `resourceService` names the service when the span's resource does not (or says unknown_service).
 */
export function callRecordFromSpan(span: FinishedSpan, resourceService?: string): CallRecord | undefined {
  const a = span.attributes;
  // A span another Warden span already records (a framework's twin of the same call) counts once, as the child.
  if (!a || a[ATTR_WARDEN_SUPERSEDED] === true) return undefined;
  let operation = a[ATTR_GEN_AI_OPERATION_NAME];
  const provider = a[ATTR_GEN_AI_PROVIDER_NAME] ?? a[ATTR_GEN_AI_SYSTEM];
  let tool = text(a[ATTR_GEN_AI_TOOL_NAME]);
  if (operation === undefined && provider === undefined) {
    // The AI SDK's tool spans carry only its own names.
    if (a[AI_SDK_ATTR.OPERATION_ID] !== AI_SDK_TOOL_CALL_OPERATION) return undefined;
    operation = GEN_AI_OPERATION.EXECUTE_TOOL;
    tool = text(a[AI_SDK_ATTR.TOOL_CALL_NAME]);
  }
  const ctx = span.spanContext();
  const start = hrToMs(span.startTime);
  const end = hrToMs(span.endTime);
  const duration = span.duration ? hrToMs(span.duration) : end - start;
  const resourceName = text(span.resource?.attributes?.[ATTR_SERVICE_NAME]);
  const service = resourceName && !resourceName.startsWith('unknown_service') ? resourceName : (text(resourceService) ?? resourceName);
  const requestModel = text(a[ATTR_GEN_AI_REQUEST_MODEL]) ?? text(a[AI_SDK_ATTR.MODEL_ID]);
  const finishReasons = strings(a[ATTR_GEN_AI_RESPONSE_FINISH_REASONS]);
  if (finishReasons.length === 0) finishReasons.push(...strings(a[AI_SDK_ATTR.FINISH_REASON]));
  const ttft = count(a[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK]);
  const errorType = text(a[ATTR_ERROR_TYPE]) ?? (span.status?.code === STATUS_ERROR ? '_OTHER' : undefined);
  // One literal with every field (undefined when absent): a single object shape keeps the hot path monomorphic.
  const record: CallRecord = {
    time: Number.isFinite(end) ? end : 0,
    traceId: text(ctx?.traceId) ?? '',
    spanId: text(ctx?.spanId) ?? '',
    service,
    operation: text(operation) ?? GEN_AI_OPERATION.CHAT,
    provider: text(provider),
    model: text(a[ATTR_GEN_AI_RESPONSE_MODEL]) ?? requestModel,
    requestModel,
    agent: text(a[ATTR_GEN_AI_AGENT_NAME]) ?? text(a[AI_SDK_ATTR.FUNCTION_ID]),
    agentId: text(a[ATTR_GEN_AI_AGENT_ID]),
    agentVersion: text(a[ATTR_GEN_AI_AGENT_VERSION]),
    promptVersion: text(a[ATTR_WARDEN_PROMPT_VERSION]),
    callerAgent: text(a[ATTR_WARDEN_CALLER_AGENT_NAME]),
    conversationId: text(a[ATTR_GEN_AI_CONVERSATION_ID]),
    tool,
    toolCalls: strings(a[ATTR_WARDEN_TOOL_CALLS_NAMES]),
    latencyMs: Number.isFinite(duration) && duration >= 0 && duration <= MAX_NUMBER ? duration : 0,
    timeToFirstChunkMs: ttft === undefined ? undefined : ttft * 1000,
    inputTokens: count(a[ATTR_GEN_AI_USAGE_INPUT_TOKENS]) ?? count(a[ATTR_GEN_AI_USAGE_PROMPT_TOKENS_LEGACY]) ?? count(a[AI_SDK_ATTR.PROMPT_TOKENS]),
    outputTokens: count(a[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]) ?? count(a[ATTR_GEN_AI_USAGE_COMPLETION_TOKENS_LEGACY]) ?? count(a[AI_SDK_ATTR.COMPLETION_TOKENS]),
    outputLength: count(a[ATTR_WARDEN_OUTPUT_LENGTH]),
    finishReasons,
    errorType,
    refusal: a[ATTR_WARDEN_REFUSAL] === true ? true : undefined,
    streamed: a[ATTR_WARDEN_STREAM] === true ? true : undefined,
    mcpServer: text(a[ATTR_WARDEN_MCP_SERVER]),
  };
  return record;
}
