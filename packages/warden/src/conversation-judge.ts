import type { ConversationJudgeFn, JudgedTurn, JudgeVerdict } from '@warden/agents';
import { z } from 'zod';

/** The part of an `openai` client the moderation judge uses: the app's own client, so its key and base URL. */
export interface ModerationClient {
  moderations: { create(body: { model?: string; input: string }): Promise<unknown> };
}

const moderationClient = z.custom<ModerationClient>((v) => typeof (v as ModerationClient | undefined)?.moderations?.create === 'function', {
  message: 'expected an openai client (an object with moderations.create())',
});

export const conversationJudgeSchema = z
  .object({
    /** OpenAI's moderation endpoint through the app's own `openai` client. */
    moderation: z
      .object({ client: moderationClient, model: z.string().min(1).optional() })
      .strict()
      .optional(),
    /** Any OpenAI-compatible guard model (Llama Guard style "safe" / "unsafe\nS1,S2" answers, or JSON {"flagged": true}). */
    guard: z
      .object({
        baseURL: z.url({ message: 'expected a URL such as http://127.0.0.1:8000/v1' }),
        model: z.string().min(1, 'expected the guard model name'),
        apiKey: z.string().optional(),
        headers: z.record(z.string(), z.string()).optional(),
      })
      .strict()
      .optional(),
    /** Your own judge: (window, conversationId) => Promise<{ flagged, categories?, score? }>. */
    judge: z
      .custom<ConversationJudgeFn>((v) => typeof v === 'function', { message: 'expected a function (window, conversationId) => Promise<verdict>' })
      .optional(),
    sampleRate: z.number().min(0).max(1).optional(),
    minScore: z.number().min(0).optional(),
    windowTurns: z.number().int().min(1).max(50).optional(),
    maxCharsPerText: z.number().int().min(64).optional(),
    maxCallsPerMinute: z.number().int().min(1).optional(),
    maxConcurrent: z.number().int().min(1).optional(),
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict()
  .refine((j) => [j.moderation, j.guard, j.judge].filter(Boolean).length === 1, {
    message: 'expected exactly one of moderation, guard or judge',
  });

export type ConversationJudgeConfig = z.input<typeof conversationJudgeSchema>;

function render(window: JudgedTurn[]): string {
  return window
    .map((t) => [t.user !== undefined ? `User: ${t.user}` : '', t.assistant !== undefined ? `Assistant: ${t.assistant}` : ''].filter(Boolean).join('\n'))
    .join('\n\n');
}

/** Moderation through the app's client: flagged when any result is flagged. */
export function moderationJudge(client: ModerationClient, model = 'omni-moderation-latest'): ConversationJudgeFn {
  return async (window) => {
    const res = (await client.moderations.create({ model, input: render(window) })) as {
      results?: { flagged?: boolean; categories?: Record<string, boolean>; category_scores?: Record<string, number> }[];
    };
    const results = Array.isArray(res?.results) ? res.results : [];
    if (!results.length) throw new Error('moderation response has no results');
    const categories = results.flatMap((r) =>
      Object.entries(r.categories ?? {})
        .filter(([, on]) => on)
        .map(([c]) => c),
    );
    const scores = results.flatMap((r) => Object.values(r.category_scores ?? {}));
    return { flagged: results.some((r) => r.flagged === true), categories, score: scores.length ? Math.max(...scores) : undefined };
  };
}

/** Reads a guard model's answer: Llama Guard's "unsafe\nS1,S10", a bare "safe", or JSON with `flagged`. */
export function parseGuardAnswer(text: string): JudgeVerdict {
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      const v = JSON.parse(t) as { flagged?: unknown; categories?: unknown; score?: unknown };
      if (typeof v.flagged === 'boolean')
        return {
          flagged: v.flagged,
          categories: Array.isArray(v.categories) ? v.categories.map(String) : undefined,
          score: typeof v.score === 'number' ? v.score : undefined,
        };
    } catch {
      // not JSON after all: read it as text
    }
  }
  const [first = '', second = ''] = t.split(/\r?\n/);
  if (/^\s*unsafe\b/i.test(first)) return { flagged: true, categories: second.split(/[,\s]+/).filter(Boolean) };
  if (/^\s*safe\b/i.test(first)) return { flagged: false };
  throw new Error(`guard model answered neither safe nor unsafe: ${JSON.stringify(t.slice(0, 80))}`);
}

/** Any OpenAI-compatible guard model over HTTP (global fetch: the judge's own calls are not traced). */
export function guardModelJudge(guard: { baseURL: string; model: string; apiKey?: string; headers?: Record<string, string> }): ConversationJudgeFn {
  const url = `${guard.baseURL.replace(/\/+$/, '')}/chat/completions`;
  return async (window) => {
    const messages = window.flatMap((t) => [
      ...(t.user !== undefined ? [{ role: 'user', content: t.user }] : []),
      ...(t.assistant !== undefined ? [{ role: 'assistant', content: t.assistant }] : []),
    ]);
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(guard.apiKey ? { authorization: `Bearer ${guard.apiKey}` } : {}),
        ...guard.headers,
      },
      body: JSON.stringify({ model: guard.model, messages, temperature: 0, max_tokens: 32 }),
    });
    if (!res.ok) throw new Error(`guard model answered HTTP ${res.status}`);
    const body = (await res.json()) as { choices?: { message?: { content?: unknown } }[] };
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw new Error('guard model response has no choices[0].message.content');
    return parseGuardAnswer(content);
  };
}

/** The judge function a parsed config names. */
export function judgeFnOf(config: z.output<typeof conversationJudgeSchema>): ConversationJudgeFn {
  if (config.moderation) return moderationJudge(config.moderation.client, config.moderation.model);
  if (config.guard) return guardModelJudge(config.guard);
  return config.judge as ConversationJudgeFn;
}
