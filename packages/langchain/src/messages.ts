import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import type { InputMessage, MessagePart, ModelResponse, ModelUsage, OutputMessage, RequestedToolCall } from '@warden/core/internal';

const ROLE_BY_TYPE: Record<string, string> = { human: 'user', ai: 'assistant', system: 'system', tool: 'tool', developer: 'system', function: 'tool' };

interface MessageLike {
  content?: unknown;
  tool_calls?: { id?: string; name: string; args?: unknown }[];
  tool_call_id?: string;
  usage_metadata?: { input_tokens?: number; output_tokens?: number; input_token_details?: { cache_read?: number; cache_creation?: number } };
  response_metadata?: { finish_reason?: string; model_name?: string; model?: string; stop_reason?: string };
  id?: string;
  name?: string;
  getType?: () => string;
  _getType?: () => string;
}

function typeOf(m: MessageLike): string {
  return (typeof m.getType === 'function' ? m.getType() : typeof m._getType === 'function' ? m._getType() : 'unknown') ?? 'unknown';
}

/** Text of a message content: a string, or the text blocks of a block list. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const block of content)
    if (block && typeof block === 'object' && (block as { type?: unknown }).type === 'text') out += String((block as { text?: unknown }).text ?? '');
  return out;
}

function partsOf(m: MessageLike): MessagePart[] {
  const parts: MessagePart[] = [];
  const text = textOf(m.content);
  if (typeOf(m) === 'tool') parts.push({ type: 'tool_call_response', id: m.tool_call_id, response: m.content });
  else if (text) parts.push({ type: 'text', content: text });
  for (const t of m.tool_calls ?? []) parts.push({ type: 'tool_call', id: t.id, name: t.name, arguments: t.args });
  return parts;
}

/** LangChain messages in the GenAI message shape (content capture on only). */
export function inputOf(messages: readonly BaseMessage[]): { messages: InputMessage[]; systemInstructions: MessagePart[] } {
  const out: InputMessage[] = [];
  const systemInstructions: MessagePart[] = [];
  for (const m of messages as readonly MessageLike[]) {
    const type = typeOf(m);
    if (type === 'system' || type === 'developer') {
      systemInstructions.push({ type: 'text', content: textOf(m.content) });
      continue;
    }
    out.push({ role: ROLE_BY_TYPE[type] ?? type, parts: partsOf(m) });
  }
  return { messages: out, systemInstructions };
}

function finite(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** What the span records from a finished LLM run: usage from the message's usage_metadata, else llmOutput.tokenUsage. */
export function responseOf(output: LLMResult, withContent: boolean): ModelResponse {
  const generations = output.generations?.[0] ?? [];
  const finishReasons: string[] = [];
  const toolCalls: RequestedToolCall[] = [];
  const outputMessages: OutputMessage[] = [];
  let usage: ModelUsage | undefined;
  let outputLength = 0;
  let id: string | undefined;
  let model: string | undefined;
  for (const g of generations) {
    const info = (g.generationInfo ?? {}) as { finish_reason?: string; model_name?: string };
    const message = (g as { message?: MessageLike }).message;
    const meta = message?.response_metadata ?? {};
    const reason = info.finish_reason ?? meta.finish_reason ?? meta.stop_reason;
    if (reason) finishReasons.push(reason);
    model ??= meta.model_name ?? meta.model ?? info.model_name;
    id ??= message?.id;
    outputLength += (g.text ?? '').length;
    for (const t of message?.tool_calls ?? []) toolCalls.push({ id: t.id, name: t.name, arguments: t.args });
    const u = message?.usage_metadata;
    if (u) {
      usage ??= {};
      usage.inputTokens = (usage.inputTokens ?? 0) + (finite(u.input_tokens) ?? 0);
      usage.outputTokens = (usage.outputTokens ?? 0) + (finite(u.output_tokens) ?? 0);
      const cacheRead = finite(u.input_token_details?.cache_read);
      const cacheCreation = finite(u.input_token_details?.cache_creation);
      if (cacheRead !== undefined) usage.cacheReadInputTokens = (usage.cacheReadInputTokens ?? 0) + cacheRead;
      if (cacheCreation !== undefined) usage.cacheCreationInputTokens = (usage.cacheCreationInputTokens ?? 0) + cacheCreation;
    }
    if (withContent)
      outputMessages.push({ role: 'assistant', parts: message ? partsOf(message) : [{ type: 'text', content: g.text }], finish_reason: reason ?? '' });
  }
  if (!usage) {
    const t = (output.llmOutput as { tokenUsage?: { promptTokens?: number; completionTokens?: number } } | undefined)?.tokenUsage;
    if (t) usage = { inputTokens: finite(t.promptTokens), outputTokens: finite(t.completionTokens) };
  }
  return {
    id,
    model,
    finishReasons,
    usage,
    toolCalls: toolCalls.length ? toolCalls : undefined,
    outputLength,
    outputMessages: withContent ? outputMessages : undefined,
  };
}
