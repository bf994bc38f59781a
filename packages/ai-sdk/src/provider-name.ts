import { GEN_AI_PROVIDER } from '@warden/core';

// AI SDK provider ids are `<provider>.<api>` ('openai.chat', 'anthropic.messages'); the first
// segment names the provider. Map it to the gen_ai.provider.name well-known values.
const BY_PREFIX: Record<string, string> = {
  openai: GEN_AI_PROVIDER.OPENAI,
  anthropic: GEN_AI_PROVIDER.ANTHROPIC,
  azure: GEN_AI_PROVIDER.AZURE_OPENAI,
  'amazon-bedrock': GEN_AI_PROVIDER.AWS_BEDROCK,
  bedrock: GEN_AI_PROVIDER.AWS_BEDROCK,
  google: GEN_AI_PROVIDER.GCP_GEMINI,
  'google-vertex': GEN_AI_PROVIDER.GCP_VERTEX_AI,
  vertex: GEN_AI_PROVIDER.GCP_VERTEX_AI,
  mistral: GEN_AI_PROVIDER.MISTRAL,
  groq: GEN_AI_PROVIDER.GROQ,
  deepseek: GEN_AI_PROVIDER.DEEPSEEK,
  xai: GEN_AI_PROVIDER.X_AI,
  perplexity: GEN_AI_PROVIDER.PERPLEXITY,
  cohere: GEN_AI_PROVIDER.COHERE,
};

/** gen_ai.provider.name for an AI SDK provider id: 'openai.responses' → 'openai'. */
export function providerNameOf(aiSdkProvider: string): string {
  const prefix = aiSdkProvider.split('.')[0]?.toLowerCase() ?? aiSdkProvider;
  if (aiSdkProvider.toLowerCase().startsWith('google.vertex')) return GEN_AI_PROVIDER.GCP_VERTEX_AI;
  return BY_PREFIX[prefix] ?? (prefix || aiSdkProvider);
}
