export { wardenMiddleware, wrapAISDKModel, isAISDKLanguageModel, WARDEN_SOURCE_AI_SDK, type AISDKLanguageModel } from './middleware';
export { wardenTools } from './tools';
export { AISDKToolCallSpanProcessor } from './tool-call-spans';
export type { WardenAISDKOptions } from './options';
