import { context, trace, type Context } from '@opentelemetry/api';
import { ATTR_WARDEN_SUPERSEDED, safely } from '@warden/core';

/**
 * The AI SDK's own spans (experimental_telemetry) that record the same model call or tool
 * call as the Warden span started inside them. `ai.generateText.doGenerate` & co. carry
 * gen_ai.usage.* too, so counting both would double the tokens.
 */
const AI_SDK_CALL_SPAN = /^ai\.[A-Za-z]+\.(doGenerate|doStream)$|^ai\.toolCall$/;

/**
 * Rule (read by the analyzer): when Warden's model-call or execute_tool span starts under one
 * of the AI SDK's per-call spans, Warden sets `warden.superseded = true` on that AI SDK span;
 * the analyzer skips spans so marked and counts Warden's child (which has `warden.source = 'ai-sdk'`).
 * Only recording SDK spans expose `name`; on other tracers nothing is marked.
 */
export function markSupersededParent(parent: Context = context.active()): void {
  safely('ai-sdk.markSuperseded', () => {
    const span = trace.getSpan(parent);
    if (!span || !span.isRecording()) return;
    const name = (span as unknown as { name?: unknown }).name;
    if (typeof name === 'string' && AI_SDK_CALL_SPAN.test(name)) span.setAttribute(ATTR_WARDEN_SUPERSEDED, true);
  });
}
