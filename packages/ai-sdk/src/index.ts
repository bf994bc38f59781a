export { wardenMiddleware, wrapAISDKModel, isAISDKLanguageModel, WARDEN_SOURCE_AI_SDK, type AISDKLanguageModel } from './middleware';
export { wardenTools } from './tools';
export type { WardenAISDKOptions } from './options';
