import { GEN_AI_PROVIDER } from '@warden/core';

// LangChain's `ls_provider` metadata (and the integration package in a Serialized id) to
// the gen_ai.provider.name well-known values.
const BY_LS_PROVIDER: Record<string, string> = {
  openai: GEN_AI_PROVIDER.OPENAI,
  anthropic: GEN_AI_PROVIDER.ANTHROPIC,
  azure: GEN_AI_PROVIDER.AZURE_OPENAI,
  azure_openai: GEN_AI_PROVIDER.AZURE_OPENAI,
  bedrock: GEN_AI_PROVIDER.AWS_BEDROCK,
  amazon_bedrock: GEN_AI_PROVIDER.AWS_BEDROCK,
  aws: GEN_AI_PROVIDER.AWS_BEDROCK,
  google_genai: GEN_AI_PROVIDER.GCP_GEMINI,
  'google-genai': GEN_AI_PROVIDER.GCP_GEMINI,
  google_vertexai: GEN_AI_PROVIDER.GCP_VERTEX_AI,
  'google-vertexai': GEN_AI_PROVIDER.GCP_VERTEX_AI,
  mistralai: GEN_AI_PROVIDER.MISTRAL,
  mistral: GEN_AI_PROVIDER.MISTRAL,
  groq: GEN_AI_PROVIDER.GROQ,
  deepseek: GEN_AI_PROVIDER.DEEPSEEK,
  xai: GEN_AI_PROVIDER.X_AI,
  perplexity: GEN_AI_PROVIDER.PERPLEXITY,
  cohere: GEN_AI_PROVIDER.COHERE,
};

/** gen_ai.provider.name from `ls_provider` ('openai'), else from the Serialized id (['langchain','chat_models','openai','ChatOpenAI']). */
export function providerNameOf(lsProvider: unknown, serializedId: unknown): string {
  if (typeof lsProvider === 'string' && lsProvider) return BY_LS_PROVIDER[lsProvider.toLowerCase()] ?? lsProvider.toLowerCase();
  if (Array.isArray(serializedId) && typeof serializedId[2] === 'string') return BY_LS_PROVIDER[serializedId[2]] ?? serializedId[2];
  return 'langchain';
}
