import { providerNameForVendorId } from '@warden/core/internal';

/** gen_ai.provider.name from `ls_provider` ('openai'), else from the Serialized id (['langchain','chat_models','openai','ChatOpenAI']). */
export function providerNameOf(lsProvider: unknown, serializedId: unknown): string {
  if (typeof lsProvider === 'string' && lsProvider) return providerNameForVendorId(lsProvider) ?? lsProvider.toLowerCase();
  if (Array.isArray(serializedId) && typeof serializedId[2] === 'string') return providerNameForVendorId(serializedId[2]) ?? serializedId[2];
  return 'langchain';
}
