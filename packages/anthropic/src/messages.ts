/** `messages.create` (and `messages.stream()`, which calls it): request, response and stream events as GenAI span facts. */
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
  type ModelResponse,
  type ModelUsage,
  type OutputMessage,
  type RequestedToolCall,
  type ServerTarget,
  type StreamAccumulator,
} from '@warden/core/internal';

/** Streamed text kept for content capture; the span attribute is bounded far below this. */
const MAX_STREAMED_TEXT = 262_144;
/** Content blocks tracked in one streamed message; a malformed index must not grow memory. */
const MAX_BLOCKS = 256;

/** One Anthropic content block as a semconv message part. */
function blockPart(type: string, block: Dict): MessagePart {
  if (type === 'text') return { type: 'text', content: asString(block.text) ?? '' };
  if (type === 'thinking') return { type: 'reasoning', content: asString(block.thinking) ?? '' };
  if (type === 'tool_use' || type === 'server_tool_use')
    return { type: 'tool_call', id: asString(block.id), name: asString(block.name) ?? '', arguments: block.input };
  if (type === 'tool_result') return { type: 'tool_call_response', id: asString(block.tool_use_id), response: block.content };
  if (type === 'image') {
    const source = asDict(block.source);
    return asString(source?.type) === 'url'
      ? { type: 'uri', modality: 'image', uri: asString(source?.url) ?? '' }
      : { type: 'blob', modality: 'image', mime_type: asString(source?.media_type), content: asString(source?.data) ?? '' };
  }
  return { ...block, type };
}

/** Anthropic content (a string or blocks) as semconv message parts. */
export function contentParts(content: unknown): MessagePart[] {
  return messageParts(content, blockPart);
}

export function messagesInput(body: Dict): { messages: InputMessage[]; systemInstructions?: MessagePart[]; toolDefinitions: unknown[] } {
  const messages: InputMessage[] = [];
  for (const raw of asArray(body.messages)) {
    const m = asDict(raw);
    if (m) messages.push({ role: asString(m.role) ?? 'user', parts: contentParts(m.content) });
  }
  const system = body.system === undefined ? undefined : contentParts(body.system);
  return { messages, systemInstructions: system?.length ? system : undefined, toolDefinitions: asArray(body.tools) };
}

/**
 * Anthropic counts cached input apart from `input_tokens`; the conventions' input count
 * includes it, so the three are summed (the cache counts are also recorded on their own).
 */
export function usageOf(raw: unknown): ModelUsage | undefined {
  const u = asDict(raw);
  if (!u) return undefined;
  const input = asNumber(u.input_tokens);
  const cacheRead = asNumber(u.cache_read_input_tokens);
  const cacheCreation = asNumber(u.cache_creation_input_tokens);
  return {
    inputTokens: input === undefined ? undefined : input + (cacheRead ?? 0) + (cacheCreation ?? 0),
    outputTokens: asNumber(u.output_tokens),
    cacheReadInputTokens: cacheRead,
    cacheCreationInputTokens: cacheCreation,
  };
}

function toolCallsOf(parts: MessagePart[]): RequestedToolCall[] {
  const calls: RequestedToolCall[] = [];
  for (const p of parts) {
    if (p.type !== 'tool_call') continue;
    const part = p as { id?: unknown; name?: unknown; arguments?: unknown };
    calls.push({ id: asString(part.id), name: String(part.name), arguments: part.arguments });
  }
  return calls;
}

function textLength(parts: MessagePart[]): number {
  let n = 0;
  for (const p of parts) if (p.type === 'text' && typeof p.content === 'string') n += p.content.length;
  return n;
}

export function messageResponse(data: unknown, captureContent: boolean): ModelResponse {
  const body = asDict(data) ?? {};
  const parts = contentParts(body.content);
  const stop = asString(body.stop_reason);
  const toolCalls = toolCallsOf(parts);
  const outputMessages: OutputMessage[] | undefined = captureContent
    ? [{ role: asString(body.role) ?? 'assistant', parts, finish_reason: stop ?? '' }]
    : undefined;
  return {
    id: asString(body.id),
    model: asString(body.model),
    finishReasons: stop ? [stop] : [],
    usage: usageOf(body.usage),
    toolCalls: toolCalls.length ? toolCalls : undefined,
    outputMessages,
    outputLength: textLength(parts),
    refusal: stop === 'refusal',
  };
}

interface StreamedBlock {
  type: string;
  id?: string;
  name?: string;
  text: string;
  json: string;
}

/** Folds message stream events (message_start … message_stop) into one response. */
export class MessageStreamAccumulator implements StreamAccumulator {
  private id: string | undefined;
  private model: string | undefined;
  private role = 'assistant';
  private stop: string | undefined;
  private usage: Dict = {};
  private readonly blocks: StreamedBlock[] = [];
  private outputLength = 0;

  constructor(private readonly captureContent: boolean) {}

  add(chunk: unknown): void {
    const event = asDict(chunk);
    switch (asString(event?.type)) {
      case 'message_start': {
        const message = asDict(event!.message);
        this.id = asString(message?.id);
        this.model = asString(message?.model);
        this.role = asString(message?.role) ?? this.role;
        Object.assign(this.usage, asDict(message?.usage));
        return;
      }
      case 'content_block_start': {
        const index = asNumber(event!.index) ?? this.blocks.length;
        const block = asDict(event!.content_block);
        if (index >= MAX_BLOCKS || !block) return;
        this.blocks[index] = { type: asString(block.type) ?? '', id: asString(block.id), name: asString(block.name), text: '', json: '' };
        return;
      }
      case 'content_block_delta': {
        const block = this.blocks[asNumber(event!.index) ?? -1];
        const delta = asDict(event!.delta);
        const type = asString(delta?.type);
        if (type === 'text_delta') {
          const text = asString(delta?.text) ?? '';
          this.outputLength += text.length;
          if (block && this.captureContent) block.text = appendBounded(block.text, text, MAX_STREAMED_TEXT);
        } else if (type === 'input_json_delta' && block) {
          block.json = appendBounded(block.json, asString(delta?.partial_json) ?? '', MAX_STREAMED_TEXT);
        } else if (type === 'thinking_delta' && block && this.captureContent) {
          block.text = appendBounded(block.text, asString(delta?.thinking) ?? '', MAX_STREAMED_TEXT);
        }
        return;
      }
      case 'message_delta': {
        this.stop = asString(asDict(event!.delta)?.stop_reason) ?? this.stop;
        // message_delta usage is cumulative: its counts replace message_start's.
        for (const [k, v] of Object.entries(asDict(event!.usage) ?? {})) if (v !== null && v !== undefined) this.usage[k] = v;
        return;
      }
    }
  }

  result(): ModelResponse {
    const parts: MessagePart[] = [];
    for (const b of this.blocks) {
      if (!b) continue;
      if (b.type === 'text' && this.captureContent) parts.push({ type: 'text', content: b.text });
      else if (b.type === 'thinking' && this.captureContent) parts.push({ type: 'reasoning', content: b.text });
      else if (b.type === 'tool_use' || b.type === 'server_tool_use')
        parts.push({ type: 'tool_call', id: b.id, name: b.name ?? '', arguments: b.json ? parseArguments(b.json) : {} });
    }
    const toolCalls = toolCallsOf(parts);
    return {
      id: this.id,
      model: this.model,
      finishReasons: this.stop ? [this.stop] : [],
      usage: Object.keys(this.usage).length ? usageOf(this.usage) : undefined,
      toolCalls: toolCalls.length ? toolCalls : undefined,
      outputMessages: this.captureContent ? [{ role: this.role, parts, finish_reason: this.stop ?? '' }] : undefined,
      outputLength: this.outputLength,
      refusal: this.stop === 'refusal',
    };
  }
}

/** One factory for every streamed call, rather than a closure per call. */
const newMessageStream = (capture: boolean): StreamAccumulator => new MessageStreamAccumulator(capture);

export function messagesPlan(body: unknown, target: ServerTarget): ModelCallPlan {
  const b = asDict(body) ?? {};
  const streaming = b.stream === true;
  const stop = asArray(b.stop_sequences).filter((s): s is string => typeof s === 'string');
  return {
    start: planStart(
      GEN_AI_OPERATION.CHAT,
      b,
      target,
      {
        maxTokens: asNumber(b.max_tokens),
        temperature: asNumber(b.temperature),
        topP: asNumber(b.top_p),
        topK: asNumber(b.top_k),
        stopSequences: stop.length ? stop : undefined,
      },
      streaming,
    ),
    input: () => messagesInput(b),
    response: messageResponse,
    stream: streaming ? newMessageStream : undefined,
  };
}
