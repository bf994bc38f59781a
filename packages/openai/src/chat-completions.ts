/** `chat.completions.create`: request, response and stream chunks as GenAI span facts. */
import { GEN_AI_OPERATION } from '@warden/core';
import {
  appendBounded,
  asArray,
  asDict,
  asNumber,
  asString,
  messageParts,
  parseArguments,
  planStart,
  type Dict,
  type InputMessage,
  type MessagePart,
  type ModelCallPlan,
  type ModelRequestParams,
  type ModelResponse,
  type ModelUsage,
  type OutputMessage,
  type RequestedToolCall,
  type ServerTarget,
  type StreamAccumulator,
} from '@warden/core/internal';

/** Streamed text kept for content capture; the span attribute is bounded far below this. */
const MAX_STREAMED_TEXT = 262_144;
/** Choices tracked in one stream; a malformed index must not grow memory. */
const MAX_CHOICES = 128;

export function outputTypeOf(format: unknown): string | undefined {
  const type = asString(asDict(format)?.type);
  if (type === 'text') return 'text';
  if (type === 'json_object' || type === 'json_schema') return 'json';
  return undefined;
}

function stopSequences(stop: unknown): string[] | undefined {
  if (typeof stop === 'string') return [stop];
  const list = asArray(stop).filter((s): s is string => typeof s === 'string');
  return list.length ? list : undefined;
}

function requestParams(body: Dict): ModelRequestParams {
  return {
    maxTokens: asNumber(body.max_completion_tokens) ?? asNumber(body.max_tokens),
    temperature: asNumber(body.temperature),
    topP: asNumber(body.top_p),
    frequencyPenalty: asNumber(body.frequency_penalty),
    presencePenalty: asNumber(body.presence_penalty),
    stopSequences: stopSequences(body.stop),
    seed: asNumber(body.seed),
    choiceCount: asNumber(body.n),
    outputType: outputTypeOf(body.response_format),
  };
}

/** One part of a chat content array as a semconv message part. */
function chatPart(type: string, part: Dict): MessagePart {
  if (type === 'text') return { type: 'text', content: asString(part.text) ?? '' };
  if (type === 'refusal') return { type: 'refusal', content: asString(part.refusal) ?? '' };
  if (type === 'image_url') return { type: 'uri', modality: 'image', uri: asString(asDict(part.image_url)?.url) ?? '' };
  if (type === 'input_audio') return { type: 'blob', modality: 'audio', content: asString(asDict(part.input_audio)?.data) ?? '' };
  if (type === 'file') return { type: 'file', file: part.file };
  return { type, ...part };
}

/** A chat content value (string or parts) as semconv message parts. */
function contentParts(content: unknown): MessagePart[] {
  return messageParts(content, chatPart);
}

interface ToolCallPart {
  type: 'tool_call';
  id?: string;
  name: string;
  arguments?: unknown;
}

/** Shared by every message without tool calls; never written to (callers copy out of it). */
const NO_TOOL_CALLS: readonly ToolCallPart[] = [];

function toolCallParts(toolCalls: unknown): readonly ToolCallPart[] {
  if (!Array.isArray(toolCalls) || toolCalls.length === 0) return NO_TOOL_CALLS;
  const parts: ToolCallPart[] = [];
  for (const raw of toolCalls) {
    const call = asDict(raw);
    const fn = asDict(call?.function);
    if (!call || !fn) continue;
    parts.push({ type: 'tool_call', id: asString(call.id), name: asString(fn.name) ?? '', arguments: parseArguments(fn.arguments) });
  }
  return parts;
}

export function chatInputMessages(messages: unknown): InputMessage[] {
  const out: InputMessage[] = [];
  for (const raw of asArray(messages)) {
    const m = asDict(raw);
    if (!m) continue;
    const role = asString(m.role) ?? 'user';
    let parts: MessagePart[];
    if (role === 'tool') parts = [{ type: 'tool_call_response', id: asString(m.tool_call_id), response: m.content }];
    else parts = [...contentParts(m.content), ...toolCallParts(m.tool_calls)];
    const message: InputMessage = { role, parts };
    const name = asString(m.name);
    if (name) message.name = name;
    out.push(message);
  }
  return out;
}

function usageOf(raw: unknown): ModelUsage | undefined {
  const u = asDict(raw);
  if (!u) return undefined;
  return {
    inputTokens: asNumber(u.prompt_tokens),
    outputTokens: asNumber(u.completion_tokens),
    cacheReadInputTokens: asNumber(asDict(u.prompt_tokens_details)?.cached_tokens),
  };
}

export function chatResponse(data: unknown, captureContent: boolean): ModelResponse {
  const body = asDict(data) ?? {};
  const finishReasons: string[] = [];
  // Built only when there is something to put in them: most responses have no tool calls, and content is off by default.
  let toolCalls: RequestedToolCall[] | undefined;
  const outputMessages: OutputMessage[] | undefined = captureContent ? [] : undefined;
  let outputLength = 0;
  let refusal = false;
  for (const raw of asArray(body.choices)) {
    const choice = asDict(raw);
    const message = asDict(choice?.message);
    const finish = asString(choice?.finish_reason) ?? '';
    if (finish) finishReasons.push(finish);
    const text = asString(message?.content) ?? '';
    const refusalText = asString(message?.refusal);
    outputLength += text.length + (refusalText?.length ?? 0);
    if (refusalText) refusal = true;
    const calls = toolCallParts(message?.tool_calls);
    for (const c of calls) (toolCalls ??= []).push({ id: c.id, name: c.name, arguments: c.arguments });
    if (outputMessages) {
      const parts: MessagePart[] = [];
      if (text) parts.push({ type: 'text', content: text });
      if (refusalText) parts.push({ type: 'refusal', content: refusalText });
      outputMessages.push({ role: asString(message?.role) ?? 'assistant', parts: [...parts, ...calls], finish_reason: finish });
    }
  }
  return {
    id: asString(body.id),
    model: asString(body.model),
    finishReasons,
    usage: usageOf(body.usage),
    toolCalls,
    outputMessages,
    outputLength,
    refusal,
  };
}

interface StreamedChoice {
  text: string;
  refusal: string;
  finish: string;
  role: string;
  tools: { id?: string; name: string; arguments: string }[];
}

/** Folds `chat.completion.chunk`s (including the usage-only chunk) into one response. */
export class ChatStreamAccumulator implements StreamAccumulator {
  private id: string | undefined;
  private model: string | undefined;
  private usage: ModelUsage | undefined;
  private readonly choices = new Map<number, StreamedChoice>();
  private outputLength = 0;

  constructor(private readonly captureContent: boolean) {}

  add(chunk: unknown): void {
    const c = asDict(chunk);
    if (!c) return;
    this.id ??= asString(c.id);
    this.model ??= asString(c.model);
    if (c.usage) this.usage = usageOf(c.usage);
    for (const raw of asArray(c.choices)) {
      const choice = asDict(raw);
      if (!choice) continue;
      const index = asNumber(choice.index) ?? 0;
      let s = this.choices.get(index);
      if (!s) {
        if (this.choices.size >= MAX_CHOICES) continue;
        s = { text: '', refusal: '', finish: '', role: 'assistant', tools: [] };
        this.choices.set(index, s);
      }
      const delta = asDict(choice.delta);
      const text = asString(delta?.content);
      const refusal = asString(delta?.refusal);
      if (text) {
        this.outputLength += text.length;
        if (this.captureContent) s.text = appendBounded(s.text, text, MAX_STREAMED_TEXT);
      }
      if (refusal) {
        this.outputLength += refusal.length;
        s.refusal = appendBounded(s.refusal, refusal, MAX_STREAMED_TEXT);
      }
      s.role = asString(delta?.role) ?? s.role;
      const finish = asString(choice.finish_reason);
      if (finish) s.finish = finish;
      for (const rawTool of asArray(delta?.tool_calls)) {
        const t = asDict(rawTool);
        if (!t) continue;
        const at = asNumber(t.index) ?? s.tools.length;
        const fn = asDict(t.function);
        let tool = s.tools[at];
        if (!tool) {
          if (at >= MAX_CHOICES) continue; // a malformed index must not grow memory
          tool = { name: '', arguments: '' };
          s.tools[at] = tool;
        }
        tool.id ??= asString(t.id);
        const name = asString(fn?.name);
        if (name) tool.name = name;
        const args = asString(fn?.arguments);
        if (args) tool.arguments = appendBounded(tool.arguments, args, MAX_STREAMED_TEXT);
      }
    }
  }

  result(): ModelResponse {
    const finishReasons: string[] = [];
    const toolCalls: RequestedToolCall[] = [];
    const outputMessages: OutputMessage[] = [];
    let refusal = false;
    for (const index of [...this.choices.keys()].sort((a, b) => a - b)) {
      const s = this.choices.get(index)!;
      if (s.finish) finishReasons.push(s.finish);
      if (s.refusal) refusal = true;
      const calls = s.tools.filter(Boolean).map((t) => ({ id: t.id, name: t.name, arguments: parseArguments(t.arguments) }));
      toolCalls.push(...calls);
      if (this.captureContent) {
        const parts: MessagePart[] = [];
        if (s.text) parts.push({ type: 'text', content: s.text });
        if (s.refusal) parts.push({ type: 'refusal', content: s.refusal });
        for (const t of calls) parts.push({ type: 'tool_call', ...t });
        outputMessages.push({ role: s.role, parts, finish_reason: s.finish });
      }
    }
    return {
      id: this.id,
      model: this.model,
      finishReasons,
      usage: this.usage,
      toolCalls: toolCalls.length ? toolCalls : undefined,
      outputMessages: this.captureContent ? outputMessages : undefined,
      outputLength: this.outputLength,
      refusal,
    };
  }
}

/** One factory for every streamed call, rather than a closure per call. */
const newChatStream = (capture: boolean): StreamAccumulator => new ChatStreamAccumulator(capture);

export function chatCompletionsPlan(body: unknown, target: ServerTarget): ModelCallPlan {
  const b = asDict(body) ?? {};
  const streaming = b.stream === true;
  return {
    start: planStart(GEN_AI_OPERATION.CHAT, b, target, requestParams(b), streaming),
    input: () => ({ messages: chatInputMessages(b.messages), toolDefinitions: asArray(b.tools) }),
    response: chatResponse,
    stream: streaming ? newChatStream : undefined,
  };
}
