/** Which provider and server an OpenAI client talks to, from its `baseURL`. */
import { GEN_AI_PROVIDER } from '@warden/core';

export interface ServerTarget {
  provider: string;
  address?: string;
  port?: number;
}

const AZURE_HOST = /\.(openai\.azure\.com|cognitiveservices\.azure\.com|services\.ai\.azure\.com)$/i;

export function serverTarget(client: { baseURL?: unknown; constructor?: { name?: string } }): ServerTarget {
  let url: URL | undefined;
  try {
    url = typeof client.baseURL === 'string' ? new URL(client.baseURL) : undefined;
  } catch {
    url = undefined;
  }
  const azure = client.constructor?.name === 'AzureOpenAI' || (url !== undefined && AZURE_HOST.test(url.hostname));
  const provider = azure ? GEN_AI_PROVIDER.AZURE_OPENAI : GEN_AI_PROVIDER.OPENAI;
  if (!url) return { provider };
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined;
  return { provider, address: url.hostname, port };
}
