import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { RunnableLambda, type RunnableConfig } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import type { FakeBehaviour, FakeRequest } from '@warden/testing';
import { z } from 'zod';

/** True once the conversation holds a tool result. */
export function hasToolResult(req: FakeRequest): boolean {
  const items = (req.body.messages ?? []) as { role?: string }[];
  return items.some((m) => m.role === 'tool');
}

/** A support bot: first asks for `toolName` (fixed call id, so two runs compare equal), then answers. */
export function orderBot(toolName = 'lookup_order', args: Record<string, unknown> = { id: 'A1' }): FakeBehaviour {
  return (req) =>
    hasToolResult(req)
      ? { text: 'Order A1 has shipped.', inputTokens: 40, outputTokens: 5 }
      : { toolCalls: [{ id: 'call_1', name: toolName, arguments: args }], inputTokens: 30, outputTokens: 9 };
}

export function chatModel(baseURL: string, fields: { model?: string; temperature?: number; maxTokens?: number } = {}): ChatOpenAI {
  return new ChatOpenAI({ model: 'gpt-4o-mini', ...fields, configuration: { baseURL }, apiKey: 'test', maxRetries: 0 });
}

/** The app's tools; `ran` records real executions so a test can tell a tool did not run. */
export function orderTools() {
  const ran: string[] = [];
  const lookupOrder = tool(
    async ({ id }) => {
      ran.push(`lookup_order:${id}`);
      return JSON.stringify({ id, status: 'shipped', contact: 'ops@example.com' });
    },
    { name: 'lookup_order', description: 'Look up an order by id', schema: z.object({ id: z.string() }) },
  );
  const deleteOrder = tool(
    async ({ id }) => {
      ran.push(`delete_order:${id}`);
      return JSON.stringify({ deleted: id });
    },
    { name: 'delete_order', description: 'Delete an order', schema: z.object({ id: z.string() }) },
  );
  return { tools: [lookupOrder, deleteOrder], ran };
}

type AgentTool = ReturnType<typeof orderTools>['tools'][number];

/**
 * A tool-calling agent loop written by hand: bindTools, run the requested tools, feed back
 * ToolMessages, until the model answers. Tools run in a `tools` step (tagged as a LangGraph
 * node is), so their spans nest under that step.
 */
export function orderAgent(model: ChatOpenAI, tools: AgentTool[], maxTurns = 3) {
  const byName = new Map<string, AgentTool>(tools.map((t) => [t.name, t]));
  const runTools = RunnableLambda.from(async (message: AIMessage, config?: RunnableConfig) => {
    const out: ToolMessage[] = [];
    for (const call of message.tool_calls ?? []) out.push((await byName.get(call.name)!.invoke(call, config)) as ToolMessage);
    return out;
  }).withConfig({ runName: 'tools', metadata: { langgraph_node: 'tools' } });
  return RunnableLambda.from(async (question: string, config?: RunnableConfig) => {
    const bound = model.bindTools(tools);
    const messages: BaseMessage[] = [new HumanMessage(question)];
    for (let turn = 0; turn < maxTurns; turn++) {
      const reply = await bound.invoke(messages, config);
      messages.push(reply);
      if (!reply.tool_calls?.length) break;
      messages.push(...(await runTools.invoke(reply, config)));
    }
    return messages;
  }).withConfig({ runName: 'order-agent' });
}
