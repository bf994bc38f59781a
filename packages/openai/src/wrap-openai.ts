/** `wrapOpenAI(client)`: the same client, with each model call recorded as a GenAI span. */
import { UnsupportedClientError } from '@warden/core';
import {
  checkWrapOptions,
  toWrapperSettings,
  traceModelCall,
  type ModelCallPlan,
  type ServerTarget,
  type WrapOptions,
  type WrapperSettings,
} from '@warden/core/internal';
import { chatCompletionsPlan } from './chat-completions';
import { embeddingsPlan } from './embeddings';
import { openaiTarget } from './openai-target';
import { responsesPlan } from './responses';

export type WrapOpenAIOptions = WrapOptions;

/** Marks a wrapped client; holds its current settings so a second wrap only updates them. */
const WRAPPED = Symbol.for('warden.openai.wrapped');

interface WrapState {
  settings: WrapperSettings;
  target: ServerTarget;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

interface Resource {
  create?: unknown;
}

interface OpenAILike {
  chat?: { completions?: Resource };
  responses?: Resource;
  embeddings?: Resource;
  baseURL?: unknown;
}

/** True for an `openai` client (OpenAI or AzureOpenAI), checked by shape so the SDK is not loaded. */
export function isOpenAIClient(value: unknown): boolean {
  const c = value as OpenAILike | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.chat?.completions?.create === 'function' &&
    typeof c.embeddings?.create === 'function' &&
    typeof c.baseURL === 'string'
  );
}

function patchCreate(resource: Resource | undefined, state: WrapState, plan: (body: unknown, target: ServerTarget) => ModelCallPlan): void {
  const original = resource?.create;
  if (!resource || typeof original !== 'function') return;
  const create = original as Method;
  // An own property on this client's resource: other clients and the prototype stay untouched.
  Object.defineProperty(resource, 'create', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function create_(this: unknown, ...args: unknown[]) {
      return traceModelCall(state.settings, plan, state.target, args[0], () => create.apply(this, args));
    },
  });
}

const settingsOf = (options: WrapOptions): WrapperSettings => toWrapperSettings(options, { scope: '@warden/openai', where: 'openai' });

/**
 * Records `chat.completions.create`, `responses.create` and `embeddings.create` of `client`
 * (plain and streamed) as GenAI spans, and returns the same client object. Wrapping twice
 * records each call once; the second wrap's options replace the first's.
 */
export function wrapOpenAI<C extends object>(client: C, options?: WrapOpenAIOptions): C {
  const checked = checkWrapOptions('wrapOpenAI', options);
  if (!isOpenAIClient(client)) throw new UnsupportedClientError('wrapOpenAI: expected an OpenAI client (new OpenAI() from the "openai" package)');
  const marked = client as C & { [WRAPPED]?: WrapState };
  const existing = marked[WRAPPED];
  if (existing) {
    existing.settings = settingsOf(checked);
    return client;
  }
  const c = client as OpenAILike;
  const state: WrapState = { settings: settingsOf(checked), target: openaiTarget(c) };
  patchCreate(c.chat?.completions, state, chatCompletionsPlan);
  patchCreate(c.responses, state, responsesPlan);
  patchCreate(c.embeddings, state, embeddingsPlan);
  Object.defineProperty(client, WRAPPED, { value: state, configurable: true, enumerable: false });
  return client;
}
