import type { FakeBehaviour, FakeRequest } from '@warden/testing';

/** True once the conversation holds a tool result (chat: a `tool` message; responses: a function_call_output item). */
export function hasToolResult(req: FakeRequest): boolean {
  const items = (req.body.messages ?? req.body.input ?? []) as { role?: string; type?: string }[];
  return Array.isArray(items) && items.some((m) => m.role === 'tool' || m.type === 'function_call_output');
}

/** A support bot: first asks for `tool` (fixed call id, so two runs compare equal), then answers. */
export function orderBot(tool = 'lookup_order', args: Record<string, unknown> = { id: 'A1' }): FakeBehaviour {
  return (req) =>
    hasToolResult(req)
      ? { text: 'Order A1 has shipped.', inputTokens: 40, outputTokens: 5 }
      : { toolCalls: [{ id: 'call_1', name: tool, arguments: args }], inputTokens: 30, outputTokens: 9 };
}

/**
 * A value with the wall clock taken out: the HTTP `date` response header (in `headers`, or an
 * error's `responseHeaders`) is the only field
 * of an AI SDK result that differs between two identical runs against fresh fake servers
 * (ids and timestamps come from the server and repeat; `created` is fixed).
 */
export function withoutWallClock<T>(value: T): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => {
      if (/headers$/i.test(key) && v && typeof v === 'object') {
        const { date: _date, ...rest } = v as Record<string, unknown>;
        return rest;
      }
      return v;
    }),
  ) as unknown;
}
