/** `responses.create`: request, response and stream events as GenAI span facts. */
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
  type OutputMessage,
  type RequestedToolCall,
  type ServerTarget,
  type StreamAccumulator,
} from '@warden/core/internal';
import { outputTypeOf } from './chat-completions';

const MAX_STREAMED_TEXT = 262_144;

/** One part of a Responses API input message as a semconv message part. */
function inputPart(type: string, part: Dict): MessagePart {
  if (type === 'input_text' || type === 'output_text') return { type: 'text', content: asString(part.text) ?? '' };
  if (type === 'refusal') return { type: 'refusal', content: asString(part.refusal) ?? '' };
  if (type === 'input_image') return { type: 'uri', modality: 'image', uri: asString(part.image_url) ?? asString(part.file_id) ?? '' };
  return { type, ...part };
}

function inputParts(content: unknown): MessagePart[] {
  return messageParts(content, inputPart);
}

export function responsesInputMessages(input: unknown): InputMessage[] {
  if (typeof input === 'string') return [{ role: 'user', parts: [{ type: 'text', content: input }] }];
  const out: InputMessage[] = [];
  for (const raw of asArray(input)) {
    const item = asDict(raw);
    if (!item) continue;
    const type = asString(item.type) ?? 'message';
    if (type === 'message') out.push({ role: asString(item.role) ?? 'user', parts: inputParts(item.content) });
    else if (type === 'function_call')
      out.push({
        role: 'assistant',
        parts: [{ type: 'tool_call', id: asString(item.call_id), name: asString(item.name) ?? '', arguments: parseArguments(item.arguments) }],
      });
    else if (type === 'function_call_output')
      out.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: asString(item.call_id), response: item.output }] });
    else out.push({ role: 'user', parts: [{ ...item, type }] });
  }
  return out;
}

function finishReasonOf(response: Dict, hasToolCalls: boolean): string | undefined {
  const status = asString(response.status);
  if (status === 'completed') return hasToolCalls ? 'tool_calls' : 'stop';
  if (status === 'incomplete') return asString(asDict(response.incomplete_details)?.reason) ?? 'incomplete';
  if (status === 'failed') return 'error';
  return status;
}

export function responsesResponse(data: unknown, captureContent: boolean): ModelResponse {
  const body = asDict(data) ?? {};
  const toolCalls: RequestedToolCall[] = [];
  const parts: MessagePart[] = [];
  let outputLength = 0;
  let refusal = false;
  for (const raw of asArray(body.output)) {
    const item = asDict(raw);
    if (!item) continue;
    const type = asString(item.type);
    if (type === 'message') {
      for (const rawPart of asArray(item.content)) {
        const part = asDict(rawPart);
        const text = asString(part?.text);
        const refusalText = asString(part?.refusal);
        if (text !== undefined) {
          outputLength += text.length;
          if (captureContent) parts.push({ type: 'text', content: text });
        }
        if (refusalText !== undefined) {
          refusal = true;
          outputLength += refusalText.length;
          if (captureContent) parts.push({ type: 'refusal', content: refusalText });
        }
      }
    } else if (type === 'function_call') {
      const call = { id: asString(item.call_id), name: asString(item.name) ?? '', arguments: parseArguments(item.arguments) };
      toolCalls.push(call);
      if (captureContent) parts.push({ type: 'tool_call', ...call });
    } else if (type === 'reasoning' && captureContent) {
      for (const s of asArray(item.summary)) {
        const text = asString(asDict(s)?.text);
        if (text) parts.push({ type: 'reasoning', content: text });
      }
    }
  }
  const usage = asDict(body.usage);
  const finish = finishReasonOf(body, toolCalls.length > 0);
  const outputMessages: OutputMessage[] | undefined = captureContent && parts.length ? [{ role: 'assistant', parts, finish_reason: finish ?? '' }] : undefined;
  return {
    id: asString(body.id),
    model: asString(body.model),
    finishReasons: finish ? [finish] : [],
    usage: usage
      ? {
          inputTokens: asNumber(usage.input_tokens),
          outputTokens: asNumber(usage.output_tokens),
          cacheReadInputTokens: asNumber(asDict(usage.input_tokens_details)?.cached_tokens),
        }
      : undefined,
    toolCalls: toolCalls.length ? toolCalls : undefined,
    outputMessages,
    outputLength,
    refusal,
  };
}

const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * Folds Responses stream events: the final `response.completed` (or incomplete / failed)
 * event carries the whole response; deltas count what arrived if the stream ends early.
 */
export class ResponsesStreamAccumulator implements StreamAccumulator {
  private final: unknown;
  private started: Dict | undefined;
  private outputLength = 0;
  private text = '';
  private readonly toolNames: RequestedToolCall[] = [];

  constructor(private readonly captureContent: boolean) {}

  add(chunk: unknown): void {
    const event = asDict(chunk);
    const type = asString(event?.type);
    if (!event || !type) return;
    if (FINAL_EVENTS.has(type)) this.final = event.response;
    else if (type === 'response.created') this.started = asDict(event.response);
    else if (type === 'response.output_text.delta') {
      const delta = asString(event.delta) ?? '';
      this.outputLength += delta.length;
      if (this.captureContent) this.text = appendBounded(this.text, delta, MAX_STREAMED_TEXT);
    } else if (type === 'response.output_item.added') {
      const item = asDict(event.item);
      if (asString(item?.type) === 'function_call' && this.toolNames.length < 128)
        this.toolNames.push({ id: asString(item?.call_id), name: asString(item?.name) ?? '' });
    }
  }

  result(): ModelResponse {
    if (this.final !== undefined) return responsesResponse(this.final, this.captureContent);
    return {
      id: asString(this.started?.id),
      model: asString(this.started?.model),
      toolCalls: this.toolNames.length ? this.toolNames : undefined,
      outputMessages: this.captureContent && this.text ? [{ role: 'assistant', parts: [{ type: 'text', content: this.text }], finish_reason: '' }] : undefined,
      outputLength: this.outputLength,
    };
  }
}

/** One factory for every streamed call, rather than a closure per call. */
const newResponsesStream = (capture: boolean): StreamAccumulator => new ResponsesStreamAccumulator(capture);

export function responsesPlan(body: unknown, target: ServerTarget): ModelCallPlan {
  const b = asDict(body) ?? {};
  const streaming = b.stream === true;
  return {
    start: planStart(
      GEN_AI_OPERATION.CHAT,
      b,
      target,
      {
        maxTokens: asNumber(b.max_output_tokens),
        temperature: asNumber(b.temperature),
        topP: asNumber(b.top_p),
        outputType: outputTypeOf(asDict(b.text)?.format),
      },
      streaming,
    ),
    input: () => {
      const instructions = asString(b.instructions);
      return {
        messages: responsesInputMessages(b.input),
        systemInstructions: instructions ? [{ type: 'text', content: instructions }] : undefined,
        toolDefinitions: asArray(b.tools),
      };
    },
    response: responsesResponse,
    stream: streaming ? newResponsesStream : undefined,
  };
}
