/**
 * The setting the framework examples (ai-sdk, langchain) share: in-memory tracing to print,
 * a fake OpenAI server playing a support bot's model, and a policy that forbids deletes.
 */
import { PolicyDeniedError, setToolGuard } from '@warden/core';
import { createTestTracing, startFakeLlmServer, type FakeLlmServer } from '@warden/testing';
import { formatSpanTree } from './print-spans';

/** What monitor() will do for you: async context and a tracer provider (here: in memory, to print). */
export function startInMemoryTracing(): { printSpans(): void; shutdown(): Promise<void> } {
  const tracing = createTestTracing();
  return {
    printSpans() {
      console.log('\nspans:');
      console.log(formatSpanTree(tracing.spans()));
    },
    shutdown: () => tracing.shutdown(),
  };
}

/** The model asks for a tool first, then answers once the tool result is in the conversation. */
export function startSupportBotServer(): Promise<FakeLlmServer> {
  return startFakeLlmServer({
    behaviour: (req) => {
      const messages = (req.body.messages ?? []) as { role: string; content?: unknown }[];
      const asked = JSON.stringify(messages.find((m) => m.role === 'user')?.content ?? '');
      if (messages.some((m) => m.role === 'tool')) return { text: 'Order A1 has shipped and arrives today.', inputTokens: 48, outputTokens: 9 };
      if (asked.includes('Delete')) return { toolCalls: [{ id: 'call_del', name: 'delete_order', arguments: { id: 'A1' } }], inputTokens: 30, outputTokens: 8 };
      if (asked.includes('Summarise')) return { text: 'Your order is on its way.', inputTokens: 20, outputTokens: 6 };
      return { toolCalls: [{ id: 'call_1', name: 'lookup_order', arguments: { id: 'A1' } }], inputTokens: 35, outputTokens: 9 };
    },
  });
}

/** A policy of our own for the examples (monitor({ policies }) installs the real one): no deletes. */
export function forbidDeletes(): void {
  setToolGuard({
    check: async (call) =>
      call.tool === 'delete_order'
        ? {
            allowed: false,
            rule: 'tool_not_allowed',
            error: new PolicyDeniedError({ agent: call.agent?.name, tool: call.tool, rule: 'tool_not_allowed', reason: 'support-bot may not delete orders' }),
          }
        : { allowed: true },
  });
}
