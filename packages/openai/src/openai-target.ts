/** Which provider and server an OpenAI client talks to, from its `baseURL`. */
import { GEN_AI_PROVIDER } from '@warden/core';
import { baseUrlOf, serverTarget, type ServerTarget } from '@warden/core/internal';

const AZURE_HOST = /\.(openai\.azure\.com|cognitiveservices\.azure\.com|services\.ai\.azure\.com)$/i;

export function openaiTarget(client: { baseURL?: unknown; constructor?: { name?: string } }): ServerTarget {
  const url = baseUrlOf(client);
  const azure = client.constructor?.name === 'AzureOpenAI' || (url !== undefined && AZURE_HOST.test(url.hostname));
  return serverTarget(azure ? GEN_AI_PROVIDER.AZURE_OPENAI : GEN_AI_PROVIDER.OPENAI, url);
}
