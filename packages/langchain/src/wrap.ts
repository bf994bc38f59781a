import type { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Callbacks } from '@langchain/core/callbacks/manager';
import type { Runnable, RunnableConfig } from '@langchain/core/runnables';
import { UnsupportedClientError } from '@warden/core';
import { safely } from '@warden/core/internal';
import { WardenCallbackHandler } from './callback-handler';
import type { WardenLangChainOptions } from './options';

/** What `wrapLangChain` accepts: any LangChain Runnable (chat model, LLM, tool, retriever, chain, graph). */
export type LangChainRunnable = Runnable<unknown, unknown>;

const WRAPPED = Symbol.for('warden.langchain.wrapped');
// Runnable entry points; each takes the RunnableConfig as its second argument.
const ENTRY_POINTS = ['invoke', 'stream', 'batch', 'streamEvents', 'streamLog', 'transform'] as const;

/** Duck-type check for a LangChain Runnable (what `wrap()` hands to `wrapLangChain`). */
export function isLangChainRunnable(x: unknown): x is LangChainRunnable {
  return (
    typeof x === 'object' && x !== null && (x as { lc_runnable?: unknown }).lc_runnable === true && typeof (x as { invoke?: unknown }).invoke === 'function'
  );
}

interface CallbackManagerLike {
  handlers: BaseCallbackHandler[];
  addHandler(handler: BaseCallbackHandler, inherit?: boolean): void;
  copy(): CallbackManagerLike;
}

function isManager(c: unknown): c is CallbackManagerLike {
  return (
    typeof c === 'object' && c !== null && typeof (c as CallbackManagerLike).addHandler === 'function' && Array.isArray((c as CallbackManagerLike).handlers)
  );
}

/** `config` with `handler` among its (inheritable) callbacks; the caller's config object is not changed. */
function withHandler(config: RunnableConfig | undefined, handler: WardenCallbackHandler): RunnableConfig {
  const callbacks = config?.callbacks;
  if (!callbacks) return { ...config, callbacks: [handler] };
  if (Array.isArray(callbacks)) return callbacks.includes(handler) ? config! : { ...config, callbacks: [...callbacks, handler] };
  if (isManager(callbacks)) {
    if (callbacks.handlers.includes(handler)) return config!;
    const copy = callbacks.copy();
    copy.addHandler(handler, true);
    return { ...config, callbacks: copy as unknown as Callbacks };
  }
  return config!;
}

/**
 * The one line: `wrapLangChain(modelOrRunnable, { agent })` returns the same object, traced.
 * - Chat models, LLMs, tools and retrievers (objects with a `callbacks` field) get the
 *   handler added to their own callbacks: their runs are traced wherever they are called.
 * - Chains, graphs and other runnables get their entry points (invoke, stream, batch,
 *   streamEvents, streamLog, transform) patched on the instance to pass the handler in the
 *   call's config, where LangChain hands it down to every child run (models, tools, steps).
 */
export function wrapLangChain<T extends LangChainRunnable>(target: T, options?: WardenLangChainOptions): T {
  if (!isLangChainRunnable(target))
    throw new UnsupportedClientError('wrapLangChain: expected a LangChain Runnable (chat model, tool, retriever, chain or graph)');
  if ((target as unknown as Record<symbol, unknown>)[WRAPPED]) return target;
  const handler = new WardenCallbackHandler(options);
  safely('langchain.wrap', () => {
    const t = target as unknown as Record<string | symbol, unknown>;
    if ('callbacks' in t) {
      const callbacks = t.callbacks;
      if (isManager(callbacks)) callbacks.addHandler(handler, false);
      else t.callbacks = Array.isArray(callbacks) ? [...(callbacks as unknown[]), handler] : [handler];
    } else {
      for (const method of ENTRY_POINTS) {
        const original = t[method];
        if (typeof original !== 'function') continue;
        const patched =
          method === 'batch'
            ? function (this: unknown, inputs: unknown, config?: RunnableConfig | RunnableConfig[], ...rest: unknown[]) {
                const withWarden = Array.isArray(config) ? config.map((c) => withHandler(c, handler)) : withHandler(config, handler);
                return (original as (...a: unknown[]) => unknown).call(this, inputs, withWarden, ...rest);
              }
            : function (this: unknown, input: unknown, config?: RunnableConfig, ...rest: unknown[]) {
                return (original as (...a: unknown[]) => unknown).call(this, input, withHandler(config, handler), ...rest);
              };
        Object.defineProperty(t, method, { value: patched, configurable: true, writable: true });
      }
    }
    Object.defineProperty(t, WRAPPED, { value: true, configurable: true });
  });
  return target;
}
