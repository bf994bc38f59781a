/** Test support: a bare and a wrapped OpenAI client on twin fake servers (@warden/testing's startTwinClients). */
import { startTwinClients, type FakeBehaviour, type TwinClients } from '@warden/testing';
import OpenAI from 'openai';
import { wrapOpenAI, type WrapOpenAIOptions } from './wrap-openai';

export function startOpenAITwins(options: WrapOpenAIOptions = {}, behaviour?: FakeBehaviour): Promise<TwinClients<OpenAI>> {
  const connect = (server: { openaiBaseURL: string }) => new OpenAI({ apiKey: 'sk-test', baseURL: server.openaiBaseURL, maxRetries: 0 });
  return startTwinClients(connect, (client) => wrapOpenAI(client, options), behaviour);
}
