import { traceTool, type TraceToolOptions } from '@warden/core';
import type { ToolExecutionOptions, ToolSet } from 'ai';
import { WARDEN_SOURCE_AI_SDK } from './middleware';
import { validateOptions, type WardenAISDKOptions } from './options';
import { markSupersededParent } from './telemetry-dedup';

type Execute = (input: unknown, options: ToolExecutionOptions) => unknown;

function isAsyncGeneratorFunction(fn: unknown): boolean {
  return typeof fn === 'function' && fn.constructor?.name === 'AsyncGeneratorFunction';
}

/**
 * One execution through core's traceTool: an `execute_tool {name}` span (child of the active
 * context, which is the AI SDK's ai.toolCall span when its telemetry is on), the ToolGuard
 * check with source 'ai-sdk' before the tool runs, and the tool's own result or error.
 * Only the tool input is the traced argument, so capture records the input, not the SDK's
 * execution options (messages, abort signal).
 */
function executeTraced(
  name: string,
  traceOptions: TraceToolOptions<[unknown]>,
  execute: Execute,
  input: unknown,
  options: ToolExecutionOptions,
): Promise<unknown> {
  markSupersededParent();
  const traced = traceTool(name, (toolInput: unknown) => execute(toolInput, options), { ...traceOptions, callId: options?.toolCallId });
  return traced(input);
}

/**
 * The same tools, each `execute` wrapped: the policy (ToolGuard) checks the call before it
 * runs, and a denied call throws PolicyDeniedError, which the AI SDK hands back to the model
 * as a tool-error; each execution is an `execute_tool {name}` span. Tools without `execute`
 * (client-side tools) are returned as they are.
 */
export function wardenTools<T extends ToolSet>(tools: T, options?: WardenAISDKOptions): T {
  const opts = validateOptions(options, 'wardenTools');
  const out: Record<string, T[keyof T]> = {};
  for (const [name, tool] of Object.entries(tools) as [string, T[keyof T]][]) {
    const execute = (tool as { execute?: Execute }).execute;
    if (typeof execute !== 'function') {
      out[name] = tool;
      continue;
    }
    const traceOptions: TraceToolOptions<[unknown]> = {
      description: (tool as { description?: string }).description,
      agent: opts.agent,
      captureContent: opts.captureContent,
      redactPatterns: opts.redactPatterns,
      maxContentLength: opts.maxContentLength,
      source: WARDEN_SOURCE_AI_SDK,
    };
    const run = execute.bind(tool);
    // The AI SDK reads preliminary results only from an iterable returned synchronously, so a
    // generator tool stays a generator (the policy check runs before its first value).
    const traced = isAsyncGeneratorFunction(execute)
      ? async function* (input: unknown, execOptions: ToolExecutionOptions) {
          yield* (await executeTraced(name, traceOptions, run, input, execOptions)) as AsyncIterable<unknown>;
        }
      : (input: unknown, execOptions: ToolExecutionOptions) => executeTraced(name, traceOptions, run, input, execOptions);
    out[name] = { ...tool, execute: traced };
  }
  return out as unknown as T;
}
