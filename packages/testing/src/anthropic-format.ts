import type { SseMessage } from './openai-format';
import type { ResolvedReply } from './fake-reply';

function stopReason(r: ResolvedReply): string {
  return r.finishReason ?? (r.toolCalls.length ? 'tool_use' : 'end_turn');
}

function contentBlocks(r: ResolvedReply) {
  return [
    ...(r.text ? [{ type: 'text', text: r.text, citations: null }] : []),
    ...r.toolCalls.map((t) => ({ type: 'tool_use', id: t.id.replace(/^call_/, 'toolu_'), name: t.name, input: t.input })),
  ];
}

export function anthropicMessage(r: ResolvedReply, id: string) {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: r.model,
    content: contentBlocks(r),
    stop_reason: stopReason(r),
    stop_sequence: null,
    usage: { input_tokens: r.inputTokens, output_tokens: r.outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

export function anthropicEvents(r: ResolvedReply, id: string): SseMessage[] {
  const ev = (type: string, body: Record<string, unknown>): SseMessage => ({ event: type, data: { type, ...body } });
  const out: SseMessage[] = [
    ev('message_start', {
      message: {
        ...anthropicMessage(r, id),
        content: [],
        stop_reason: null,
        usage: { input_tokens: r.inputTokens, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    }),
  ];
  let index = 0;
  if (r.text) {
    out.push(ev('content_block_start', { index, content_block: { type: 'text', text: '', citations: null } }));
    for (const w of r.text.split(/(?<= )/)) out.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text: w } }));
    out.push(ev('content_block_stop', { index }));
    index++;
  }
  for (const t of r.toolCalls) {
    out.push(ev('content_block_start', { index, content_block: { type: 'tool_use', id: t.id.replace(/^call_/, 'toolu_'), name: t.name, input: {} } }));
    out.push(ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: t.arguments } }));
    out.push(ev('content_block_stop', { index }));
    index++;
  }
  out.push(ev('message_delta', { delta: { stop_reason: stopReason(r), stop_sequence: null }, usage: { output_tokens: r.outputTokens } }));
  out.push(ev('message_stop', {}));
  return out;
}
