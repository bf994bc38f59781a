/** Which provider and server an Anthropic client talks to, from its `baseURL`. */
import { GEN_AI_PROVIDER } from '@warden/core';

export interface ServerTarget {
  provider: string;
  address?: string;
  port?: number;
}

export function serverTarget(client: { baseURL?: unknown; _genAIProviderName?: unknown }): ServerTarget {
  // Bedrock and Vertex clients of the SDK name their provider themselves.
  const provider = typeof client._genAIProviderName === 'string' && client._genAIProviderName ? client._genAIProviderName : GEN_AI_PROVIDER.ANTHROPIC;
  let url: URL | undefined;
  try {
    url = typeof client.baseURL === 'string' ? new URL(client.baseURL) : undefined;
  } catch {
    url = undefined;
  }
  if (!url) return { provider };
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined;
  return { provider, address: url.hostname, port };
}
