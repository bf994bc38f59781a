import { GEN_AI_PROVIDER } from './semconv';

/**
 * The names frameworks give a model vendor (AI SDK provider prefixes, LangChain `ls_provider`
 * values and integration packages), lower-case, to gen_ai.provider.name: one table for every
 * integration that has to translate.
 */
const PROVIDER_BY_VENDOR_ID: Readonly<Record<string, string>> = {
  openai: GEN_AI_PROVIDER.OPENAI,
  anthropic: GEN_AI_PROVIDER.ANTHROPIC,
  azure: GEN_AI_PROVIDER.AZURE_OPENAI,
  azure_openai: GEN_AI_PROVIDER.AZURE_OPENAI,
  bedrock: GEN_AI_PROVIDER.AWS_BEDROCK,
  'amazon-bedrock': GEN_AI_PROVIDER.AWS_BEDROCK,
  amazon_bedrock: GEN_AI_PROVIDER.AWS_BEDROCK,
  aws: GEN_AI_PROVIDER.AWS_BEDROCK,
  google: GEN_AI_PROVIDER.GCP_GEMINI,
  google_genai: GEN_AI_PROVIDER.GCP_GEMINI,
  'google-genai': GEN_AI_PROVIDER.GCP_GEMINI,
  'google-vertex': GEN_AI_PROVIDER.GCP_VERTEX_AI,
  vertex: GEN_AI_PROVIDER.GCP_VERTEX_AI,
  google_vertexai: GEN_AI_PROVIDER.GCP_VERTEX_AI,
  'google-vertexai': GEN_AI_PROVIDER.GCP_VERTEX_AI,
  mistral: GEN_AI_PROVIDER.MISTRAL,
  mistralai: GEN_AI_PROVIDER.MISTRAL,
  groq: GEN_AI_PROVIDER.GROQ,
  deepseek: GEN_AI_PROVIDER.DEEPSEEK,
  xai: GEN_AI_PROVIDER.X_AI,
  perplexity: GEN_AI_PROVIDER.PERPLEXITY,
  cohere: GEN_AI_PROVIDER.COHERE,
};

/** gen_ai.provider.name for a framework's vendor id ('mistralai' → 'mistral_ai'), or undefined when unknown. */
export function providerNameForVendorId(vendorId: string): string | undefined {
  const key = vendorId.toLowerCase();
  return Object.prototype.hasOwnProperty.call(PROVIDER_BY_VENDOR_ID, key) ? PROVIDER_BY_VENDOR_ID[key] : undefined;
}
