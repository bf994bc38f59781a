import { UnsupportedClientError } from '@warden/core';
import { parseConfig } from '@warden/core/internal';
import { isAISDKLanguageModel, wrapAISDKModel } from '@warden/ai-sdk';
import { isAnthropicClient, wrapAnthropic } from '@warden/anthropic';
import { isLangChainRunnable, wrapLangChain } from '@warden/langchain';
import { isMcpClient, wrapMcpClient } from '@warden/mcp';
import { isOpenAIClient, wrapOpenAI } from '@warden/openai';

import { wrapOptionsSchema, type WrapOptions } from './options';

const SUPPORTED =
  'an OpenAI client (new OpenAI()), an Anthropic client (new Anthropic()), an MCP Client (@modelcontextprotocol/sdk), ' +
  'a LangChain chat model or runnable, or a Vercel AI SDK language model';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object' && typeof value !== 'function') return `a ${typeof value}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `an instance of ${name}` : 'a plain object';
}

type Detector = { name: string; is: (v: unknown) => boolean; wrap: (v: never, o: never) => unknown };

// Order matters only where shapes could overlap: SDK clients first, frameworks last.
const DETECTORS: Detector[] = [
  { name: 'openai', is: isOpenAIClient, wrap: wrapOpenAI as Detector['wrap'] },
  { name: 'anthropic', is: isAnthropicClient, wrap: wrapAnthropic as Detector['wrap'] },
  { name: 'mcp', is: isMcpClient, wrap: wrapMcpClient as Detector['wrap'] },
  { name: 'ai-sdk', is: isAISDKLanguageModel, wrap: wrapAISDKModel as Detector['wrap'] },
  { name: 'langchain', is: isLangChainRunnable, wrap: wrapLangChain as Detector['wrap'] },
];

/** Which wrapper `wrap()` would use for `client`, or undefined. */
export function detectClient(client: unknown): string | undefined {
  if (client === null || (typeof client !== 'object' && typeof client !== 'function')) return undefined;
  return DETECTORS.find((d) => d.is(client))?.name;
}

/**
 * The one line: wrap a client so every call becomes an OpenTelemetry GenAI span. Returns
 * the same object (still an instance of its class), except for AI SDK models, which the AI
 * SDK's own `wrapLanguageModel` idiom returns as a new model.
 */
export function wrap<T>(client: T, options: WrapOptions = {}): T {
  const name = detectClient(client);
  if (!name) {
    throw new UnsupportedClientError(`wrap() does not support ${describe(client)}. Supported: ${SUPPORTED}.`);
  }
  const parsed = parseConfig(wrapOptionsSchema, options, 'wrap() options');
  const detector = DETECTORS.find((d) => d.name === name)!;
  return detector.wrap(client as never, parsed as never) as T;
}
