/** `wrapAnthropic(client)`: the same client, with each model call recorded as a GenAI span. */
import { UnsupportedClientError } from '@warden/core';
import { checkWrapOptions, toWrapperSettings, traceModelCall, type ServerTarget, type WrapOptions, type WrapperSettings } from '@warden/core/internal';
import { anthropicTarget } from './anthropic-target';
import { messagesPlan } from './messages';
import { withoutSdkSpans } from './sdk-tracing';

export type WrapAnthropicOptions = WrapOptions;

/** Marks a wrapped client; holds its current settings so a second wrap only updates them. */
const WRAPPED = Symbol.for('warden.anthropic.wrapped');

interface WrapState {
  settings: WrapperSettings;
  target: ServerTarget;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

interface MessagesResource {
  create?: unknown;
  stream?: unknown;
}

interface AnthropicLike {
  messages?: MessagesResource;
  baseURL?: unknown;
  chat?: unknown;
}

/** True for an `@anthropic-ai/sdk` client, checked by shape so the SDK is not loaded. */
export function isAnthropicClient(value: unknown): boolean {
  const c = value as AnthropicLike | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.messages?.create === 'function' &&
    typeof c.messages?.stream === 'function' &&
    typeof c.baseURL === 'string' &&
    c.chat === undefined
  );
}

function defineMethod(resource: MessagesResource, name: 'create' | 'stream', value: Method): void {
  // An own property on this client's resource: other clients and the prototype stay untouched.
  Object.defineProperty(resource, name, { configurable: true, writable: true, enumerable: false, value });
}

const settingsOf = (options: WrapOptions): WrapperSettings => toWrapperSettings(options, { scope: '@warden/anthropic', where: 'anthropic' });

/**
 * Records `messages.create` (plain and streamed) and `messages.stream()` of `client` as GenAI
 * spans, one per call, in place of the SDK's own span for those calls; returns the same
 * client object. Wrapping twice records each call once; the second wrap's options win.
 */
export function wrapAnthropic<C extends object>(client: C, options?: WrapAnthropicOptions): C {
  const checked = checkWrapOptions('wrapAnthropic', options);
  if (!isAnthropicClient(client))
    throw new UnsupportedClientError('wrapAnthropic: expected an Anthropic client (new Anthropic() from the "@anthropic-ai/sdk" package)');
  const marked = client as C & { [WRAPPED]?: WrapState };
  const existing = marked[WRAPPED];
  if (existing) {
    existing.settings = settingsOf(checked);
    return client;
  }
  const c = client as AnthropicLike;
  const messages = c.messages!;
  const state: WrapState = { settings: settingsOf(checked), target: anthropicTarget(c) };
  const create = messages.create as Method;
  defineMethod(messages, 'create', function create_(this: unknown, ...args: unknown[]) {
    return traceModelCall(state.settings, messagesPlan, state.target, args[0], () => withoutSdkSpans(client, () => create.apply(this, args)));
  });
  // stream() starts its request through messages.create (recorded above); only the SDK's
  // own span, which stream() starts before calling create, has to be kept out.
  const stream = messages.stream as Method;
  defineMethod(messages, 'stream', function stream_(this: unknown, ...args: unknown[]) {
    return withoutSdkSpans(client, () => stream.apply(this, args));
  });
  Object.defineProperty(client, WRAPPED, { value: state, configurable: true, enumerable: false });
  return client;
}
