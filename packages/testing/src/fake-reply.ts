/** What the fake model answers to one request. Every field is optional. */
export interface FakeReply {
  /** Assistant text. Default: a sentence of about `outputTokens` words. */
  text?: string;
  /** Tool calls the model asks for. */
  toolCalls?: { name: string; arguments?: Record<string, unknown>; id?: string }[];
  /** OpenAI finish_reason / Anthropic stop_reason, in the provider's own words. */
  finishReason?: string;
  inputTokens?: number;
  outputTokens?: number;
  /** Delay before the response (or first chunk) is sent. */
  delayMs?: number;
  /** Delay between streamed chunks. */
  chunkDelayMs?: number;
  /** Answer with this HTTP error status instead. */
  status?: number;
  errorMessage?: string;
  /** Cut the connection after this many streamed chunks. */
  failAfterChunks?: number;
  /** Response model name; default: the requested model. */
  model?: string;
  /** OpenAI refusal text (the model declined). */
  refusal?: string;
  /** What POST /moderations answers: flagged or not, and which categories. */
  moderation?: { flagged: boolean; categories?: string[] };
}

export interface FakeRequest {
  provider: 'openai' | 'anthropic';
  path: string;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** 0-based index of this request on the server. */
  index: number;
}

export type FakeBehaviour = (req: FakeRequest) => FakeReply;

const WORDS = ['the', 'agent', 'checked', 'order', 'status', 'and', 'found', 'it', 'shipped', 'today', 'with', 'tracking', 'details', 'attached', 'for', 'you'];

/** Deterministic filler text of `n` words. */
export function fillerText(n: number, seed = 0): string {
  const out: string[] = [];
  for (let i = 0; i < Math.max(1, Math.round(n)); i++) out.push(WORDS[(i * 7 + seed) % WORDS.length]!);
  return out.join(' ') + '.';
}

export function resolveReply(r: FakeReply, defaults: { model: string; index: number }) {
  const outputTokens = r.outputTokens ?? (r.text ? r.text.split(/\s+/).length : 12);
  const text = r.text ?? (r.toolCalls?.length ? '' : fillerText(outputTokens, defaults.index));
  return {
    ...r,
    text,
    toolCalls: (r.toolCalls ?? []).map((t, i) => ({
      id: t.id ?? `call_${defaults.index}_${i}`,
      name: t.name,
      arguments: JSON.stringify(t.arguments ?? {}),
      input: t.arguments ?? {},
    })),
    inputTokens: r.inputTokens ?? 25,
    outputTokens,
    model: r.model ?? defaults.model,
  };
}
export type ResolvedReply = ReturnType<typeof resolveReply>;
