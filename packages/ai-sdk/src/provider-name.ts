import { GEN_AI_PROVIDER } from '@warden/core';
import { providerNameForVendorId } from '@warden/core/internal';

/**
 * gen_ai.provider.name for an AI SDK provider id: 'openai.responses' → 'openai'. AI SDK
 * provider ids are `<provider>.<api>`; the first segment names the vendor.
 */
export function providerNameOf(aiSdkProvider: string): string {
  const prefix = aiSdkProvider.split('.')[0]?.toLowerCase() ?? aiSdkProvider;
  if (aiSdkProvider.toLowerCase().startsWith('google.vertex')) return GEN_AI_PROVIDER.GCP_VERTEX_AI;
  return providerNameForVendorId(prefix) ?? (prefix || aiSdkProvider);
}
