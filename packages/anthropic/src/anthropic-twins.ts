/** Test support: a bare and a wrapped Anthropic client on twin fake servers (@warden/testing's startTwinClients). */
import Anthropic from '@anthropic-ai/sdk';
import { startTwinClients, type FakeBehaviour, type TwinClients } from '@warden/testing';
import { wrapAnthropic, type WrapAnthropicOptions } from './wrap-anthropic';

export function startAnthropicTwins(options: WrapAnthropicOptions = {}, behaviour?: FakeBehaviour): Promise<TwinClients<Anthropic>> {
  const connect = (server: { anthropicBaseURL: string }) => new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.anthropicBaseURL, maxRetries: 0 });
  return startTwinClients(connect, (client) => wrapAnthropic(client, options), behaviour);
}
