export { wrapOpenAI, isOpenAIClient, type WrapOpenAIOptions } from './wrap-openai';
