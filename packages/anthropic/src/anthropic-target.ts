/** Which provider and server an Anthropic client talks to, from its `baseURL`. */
import { GEN_AI_PROVIDER } from '@warden/core';
import { baseUrlOf, serverTarget, type ServerTarget } from '@warden/core/internal';

export function anthropicTarget(client: { baseURL?: unknown; _genAIProviderName?: unknown }): ServerTarget {
  // Bedrock and Vertex clients of the SDK name their provider themselves.
  const provider = typeof client._genAIProviderName === 'string' && client._genAIProviderName ? client._genAIProviderName : GEN_AI_PROVIDER.ANTHROPIC;
  return serverTarget(provider, baseUrlOf(client));
}
