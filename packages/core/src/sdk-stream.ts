// OpenAI and Anthropic SDKs are both Stainless-generated: same Stream shape, watched by one function.
/**
 * Watches the SDK's own `Stream` object (openai and @anthropic-ai/sdk share its shape) in
 * place: the caller keeps the same object, and iteration, `.tee()`, `.toReadableStream()` and
 * `.controller` keep working, because all of them pull through `stream.iterator()`.
 */
import type { StreamOutcome } from './model-call-span';
import { StreamWatch, type StreamWatchOptions } from './stream-watch';

/** The fields of an SDK `Stream` that Warden hooks. */
interface SdkStreamFields<T> {
  iterator: (this: unknown) => AsyncIterator<T>;
  controller: AbortController;
}

export interface SdkStreamHooks<T> {
  onChunk(chunk: T): void;
  /** Exactly once, however the stream ends. */
  onEnd(outcome: StreamOutcome, error?: unknown): void;
}

export function isSdkStream(value: unknown): value is SdkStreamFields<unknown> {
  const v = value as Partial<SdkStreamFields<unknown>> | null;
  return typeof v === 'object' && v !== null && typeof v.iterator === 'function' && v.controller instanceof AbortController;
}

/** Hooks `stream` so `hooks` see every chunk and its end; returns false if it is not an SDK stream. */
export function watchSdkStream<T>(stream: unknown, hooks: SdkStreamHooks<T>, options: StreamWatchOptions): boolean {
  if (!isSdkStream(stream)) return false;
  const fields = stream as SdkStreamFields<T>;
  const signal = fields.controller.signal;
  // Closures below hold the signal, never the stream, so a dropped stream can be collected.
  const watch = new StreamWatch<T>(
    {
      onChunk: (chunk) => hooks.onChunk(chunk),
      // The SDK ends its iterator quietly on controller.abort(): that is an abort, not a completion.
      onEnd: (outcome, error) => hooks.onEnd(outcome === 'completed' && signal.aborted ? 'aborted' : outcome, error),
    },
    options,
  );
  const makeIterator = fields.iterator;
  let watched = false;
  fields.iterator = function watchedIterator(this: unknown) {
    const iterator = makeIterator.call(this);
    if (watched) return iterator; // the SDK refuses a second read itself; keep its error as is
    watched = true;
    return watch.wrap(iterator);
  };
  watch.watchOwner(stream);
  watchAbort(fields.controller, signal, watch);
  return true;
}

/**
 * Aborted while nobody reads: no iterator call will report it. A timer lets an error that
 * caused the abort (the SDK aborts in its own cleanup) be reported first, as an error.
 * The SDKs abort this controller only through `controller.abort()` (the caller's, a linked
 * request signal's, a timeout's or their own cleanup's), so that call is observed on this one
 * controller; an 'abort' listener cost more than the rest of a stream's setup (about 1 µs).
 */
function watchAbort(controller: AbortController, signal: AbortSignal, watch: StreamWatch<unknown>): void {
  const abort = controller.abort as (this: unknown, ...args: unknown[]) => void;
  Object.defineProperty(controller, 'abort', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function abortWatched(this: unknown, ...args: unknown[]) {
      const before = signal.aborted;
      try {
        return abort.apply(this, args);
      } finally {
        if (!before && signal.aborted) setTimeout(() => watch.finish('aborted'), 0);
      }
    },
  });
}
