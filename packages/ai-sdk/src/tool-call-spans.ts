/**
 * With the AI SDK's telemetry on, the SDK records each tool it runs as an `ai.toolCall` span
 * named only in its own vocabulary. This processor gives that span the execute_tool semantics
 * of the GenAI conventions when it starts (so every backend, the analyzer and the posture
 * ledger read it as a tool execution), attributed to the agent of the wrapped model that asked
 * for it: `wrap(model)` alone then records the tools the SDK runs. `monitor()` installs it;
 * with your own TracerProvider, `warden.spanProcessor` includes it.
 */
import type { Attributes, Context } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_WARDEN_SOURCE,
  GEN_AI_OPERATION,
  getActiveAgent,
} from '@warden/core';
import { agentAttributes, boundedName, safely } from '@warden/core/internal';
import { WARDEN_SOURCE_AI_SDK } from './middleware';
import { AI_SDK_TOOL_CALL_SPAN, traceAgentOf } from './telemetry-dedup';

/** The AI SDK's attribute names on its ai.toolCall span. */
const AI_TOOL_CALL_NAME = 'ai.toolCall.name';
const AI_TOOL_CALL_ID = 'ai.toolCall.id';

interface StartingSpan {
  name?: unknown;
  attributes?: Attributes;
  setAttributes?(attributes: Attributes): unknown;
  spanContext?(): { traceId: string };
}

export class AISDKToolCallSpanProcessor {
  onStart(span: unknown, parentContext: Context): void {
    const s = span as StartingSpan;
    // One string comparison for every other span: the cost of this processor when the SDK's telemetry is off.
    if (s?.name !== AI_SDK_TOOL_CALL_SPAN) return;
    safely('ai-sdk.toolCallSpan', () => {
      const a = s.attributes ?? {};
      const tool = a[AI_TOOL_CALL_NAME];
      if (typeof tool !== 'string' || !s.setAttributes) return;
      const agent = getActiveAgent(parentContext) ?? (s.spanContext ? traceAgentOf(s.spanContext().traceId) : undefined);
      const attrs: Attributes = agentAttributes(agent);
      attrs[ATTR_GEN_AI_OPERATION_NAME] = GEN_AI_OPERATION.EXECUTE_TOOL;
      attrs[ATTR_GEN_AI_TOOL_NAME] = boundedName(tool);
      attrs[ATTR_GEN_AI_TOOL_TYPE] = 'function';
      const id = a[AI_TOOL_CALL_ID];
      if (typeof id === 'string') attrs[ATTR_GEN_AI_TOOL_CALL_ID] = boundedName(id);
      attrs[ATTR_WARDEN_SOURCE] = WARDEN_SOURCE_AI_SDK;
      s.setAttributes(attrs);
    });
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
