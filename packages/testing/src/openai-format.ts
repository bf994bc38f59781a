import type { ResolvedReply } from './fake-reply';

/** One SSE message: `event` line (optional) and JSON data, or the literal [DONE]. */
export interface SseMessage {
  event?: string;
  data: unknown;
}

const created = 1_700_000_000;

function chatFinish(r: ResolvedReply): string {
  return r.finishReason ?? (r.toolCalls.length ? 'tool_calls' : 'stop');
}

export function chatCompletion(r: ResolvedReply, id: string) {
  return {
    id,
    object: 'chat.completion',
    created,
    model: r.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: r.refusal ? null : r.toolCalls.length && !r.text ? null : r.text,
          refusal: r.refusal ?? null,
          ...(r.toolCalls.length
            ? { tool_calls: r.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } })) }
            : {}),
        },
        logprobs: null,
        finish_reason: chatFinish(r),
      },
    ],
    usage: { prompt_tokens: r.inputTokens, completion_tokens: r.outputTokens, total_tokens: r.inputTokens + r.outputTokens },
    system_fingerprint: 'fp_fake',
  };
}

export function chatCompletionChunks(r: ResolvedReply, id: string, includeUsage: boolean): SseMessage[] {
  const base = { id, object: 'chat.completion.chunk', created, model: r.model, system_fingerprint: 'fp_fake' };
  const out: SseMessage[] = [{ data: { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] } }];
  if (r.refusal) out.push({ data: { ...base, choices: [{ index: 0, delta: { refusal: r.refusal }, logprobs: null, finish_reason: null }] } });
  const words = r.text ? r.text.split(/(?<= )/) : [];
  for (const w of words) out.push({ data: { ...base, choices: [{ index: 0, delta: { content: w }, logprobs: null, finish_reason: null }] } });
  r.toolCalls.forEach((t, i) => {
    out.push({
      data: {
        ...base,
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: i, id: t.id, type: 'function', function: { name: t.name, arguments: '' } }] },
            logprobs: null,
            finish_reason: null,
          },
        ],
      },
    });
    const half = Math.ceil(t.arguments.length / 2);
    for (const part of [t.arguments.slice(0, half), t.arguments.slice(half)])
      if (part)
        out.push({
          data: { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: i, function: { arguments: part } }] }, logprobs: null, finish_reason: null }] },
        });
  });
  out.push({ data: { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: chatFinish(r) }] } });
  if (includeUsage)
    out.push({
      data: { ...base, choices: [], usage: { prompt_tokens: r.inputTokens, completion_tokens: r.outputTokens, total_tokens: r.inputTokens + r.outputTokens } },
    });
  out.push({ data: '[DONE]' });
  return out;
}

export function responseObject(r: ResolvedReply, id: string, status: 'completed' | 'in_progress' = 'completed') {
  const output: unknown[] = [];
  if (r.text)
    output.push({
      type: 'message',
      id: `msg_${id}`,
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: r.text, annotations: [], logprobs: [] }],
    });
  for (const t of r.toolCalls)
    output.push({ type: 'function_call', id: `fc_${t.id}`, call_id: t.id, name: t.name, arguments: t.arguments, status: 'completed' });
  const incomplete = r.finishReason === 'length' || r.finishReason === 'max_output_tokens';
  return {
    id,
    object: 'response',
    created_at: created,
    status: status === 'completed' && incomplete ? 'incomplete' : status,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    error: null,
    model: r.model,
    output: status === 'completed' ? output : [],
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    temperature: 1,
    top_p: 1,
    usage:
      status === 'completed'
        ? {
            input_tokens: r.inputTokens,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: r.outputTokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: r.inputTokens + r.outputTokens,
          }
        : null,
  };
}

export function responseEvents(r: ResolvedReply, id: string): SseMessage[] {
  let seq = 0;
  const ev = (type: string, body: Record<string, unknown>): SseMessage => ({ event: type, data: { type, sequence_number: seq++, ...body } });
  const out: SseMessage[] = [ev('response.created', { response: responseObject(r, id, 'in_progress') })];
  let index = 0;
  if (r.text) {
    const itemId = `msg_${id}`;
    out.push(
      ev('response.output_item.added', { output_index: index, item: { type: 'message', id: itemId, status: 'in_progress', role: 'assistant', content: [] } }),
    );
    out.push(
      ev('response.content_part.added', { item_id: itemId, output_index: index, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
    );
    for (const w of r.text.split(/(?<= )/))
      out.push(ev('response.output_text.delta', { item_id: itemId, output_index: index, content_index: 0, delta: w, logprobs: [] }));
    out.push(ev('response.output_text.done', { item_id: itemId, output_index: index, content_index: 0, text: r.text, logprobs: [] }));
    out.push(
      ev('response.content_part.done', {
        item_id: itemId,
        output_index: index,
        content_index: 0,
        part: { type: 'output_text', text: r.text, annotations: [] },
      }),
    );
    out.push(
      ev('response.output_item.done', {
        output_index: index,
        item: { type: 'message', id: itemId, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: r.text, annotations: [] }] },
      }),
    );
    index++;
  }
  for (const t of r.toolCalls) {
    const item = { type: 'function_call', id: `fc_${t.id}`, call_id: t.id, name: t.name, arguments: '', status: 'in_progress' };
    out.push(ev('response.output_item.added', { output_index: index, item }));
    out.push(ev('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta: t.arguments }));
    out.push(ev('response.function_call_arguments.done', { item_id: item.id, output_index: index, arguments: t.arguments }));
    out.push(ev('response.output_item.done', { output_index: index, item: { ...item, arguments: t.arguments, status: 'completed' } }));
    index++;
  }
  const final = responseObject(r, id);
  out.push(ev(final.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: final }));
  return out;
}

export function embeddingList(input: unknown, model: string, encodingFormat: unknown, dimensions = 8) {
  const inputs = Array.isArray(input) ? input : [input];
  const data = inputs.map((text, index) => {
    const seed = String(text).length;
    const vec = Array.from({ length: dimensions }, (_, i) => Math.round(Math.sin(seed + i) * 1e4) / 1e4);
    const embedding = encodingFormat === 'base64' ? Buffer.from(new Float32Array(vec).buffer).toString('base64') : vec;
    return { object: 'embedding', index, embedding };
  });
  const tokens = inputs.reduce((n: number, t) => n + String(t).split(/\s+/).length, 0);
  return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
