export { wrapAnthropic, isAnthropicClient, type WrapAnthropicOptions } from './wrap-anthropic';
