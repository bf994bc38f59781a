export { WardenCallbackHandler, WARDEN_SOURCE_LANGCHAIN } from './callback-handler';
export { wrapLangChain, isLangChainRunnable, type LangChainRunnable } from './wrap';
export type { WardenLangChainOptions } from './options';
