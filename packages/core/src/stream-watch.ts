import type { StreamOutcome } from './model-call-span';
import { reportInternalError, safely } from './registry';

export interface StreamWatchHooks<T> {
  /** Each chunk as the caller receives it. */
  onChunk(chunk: T): void;
  /** Exactly once, however the stream ends. */
  onEnd(outcome: StreamOutcome, error?: unknown): void;
}

export interface StreamWatchOptions {
  /**
   * End the span as `abandoned` when no chunk was pulled for this long (the caller dropped
   * the stream unread, or stopped reading without cancelling). Default 5 minutes.
   */
  idleTimeoutMs?: number;
}

export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 5 * 60_000;

// Ends the span of a stream object that was garbage-collected before it finished.
const abandoned = new FinalizationRegistry<StreamWatch<unknown>>((watch) => watch.finish('abandoned'));

function isAbort(err: unknown): boolean {
  const name = (err as Error | undefined)?.name;
  return name === 'AbortError' || name === 'APIUserAbortError' || name === 'APIConnectionAbortError';
}

/**
 * Watches the async iterators of one stream object without changing what they yield,
 * return or throw, and reports its end exactly once.
 */
export class StreamWatch<T> {
  private finished = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly idleMs: number = 0;
  /** performance.now() of the last pull; the idle timer compares against it when it fires. */
  private lastPullAt = 0;

  constructor(
    private readonly hooks: StreamWatchHooks<T>,
    options: StreamWatchOptions = {},
  ) {
    const idle = options.idleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
    if (idle > 0 && Number.isFinite(idle)) {
      this.idleMs = idle;
      this.lastPullAt = performance.now();
      this.armIdleTimer(idle);
    }
  }

  // A pull only notes the time: re-inserting the timer (refresh()) on every chunk cost more
  // than the rest of the chunk's bookkeeping. The timer re-arms itself for the time left.
  private armIdleTimer(ms: number): void {
    this.timer = setTimeout(() => {
      const quiet = performance.now() - this.lastPullAt;
      if (quiet >= this.idleMs) this.finish('abandoned');
      else if (!this.finished) this.armIdleTimer(this.idleMs - quiet);
    }, ms);
    this.timer.unref?.();
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** Ends the span of `owner` if it is collected unread. */
  watchOwner(owner: object): void {
    abandoned.register(owner, this as StreamWatch<unknown>, this);
  }

  finish(outcome: StreamOutcome, error?: unknown): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    abandoned.unregister(this);
    safely('core.stream.onEnd', () => this.hooks.onEnd(outcome, error));
  }

  /** Wraps an iterator; results and errors pass through unchanged. */
  wrap(source: AsyncIterator<T>): AsyncIterator<T> & AsyncIterable<T> {
    const watch = this;
    // Made once per stream, not once per chunk: next() is a plain function chaining these,
    // which settles exactly as the async function it replaced, with one promise less per chunk.
    const settled = (result: IteratorResult<T>): IteratorResult<T> => {
      if (result.done) watch.finish('completed');
      else if (!watch.finished) {
        try {
          watch.hooks.onChunk(result.value);
        } catch (error) {
          reportInternalError('core.stream.onChunk', error);
        }
      }
      return result;
    };
    const failed = (err: unknown): never => {
      watch.finish(isAbort(err) ? 'aborted' : 'error', err);
      throw err;
    };
    const wrapped: AsyncIterator<T> & AsyncIterable<T> = {
      next(...args: [] | [unknown]) {
        if (watch.timer) watch.lastPullAt = performance.now();
        let pending: Promise<IteratorResult<T>>;
        try {
          pending = Promise.resolve(source.next(...args));
        } catch (err) {
          watch.finish(isAbort(err) ? 'aborted' : 'error', err);
          return Promise.reject(err);
        }
        return pending.then(settled, failed);
      },
      async return(value?: unknown) {
        watch.finish('broken');
        return source.return ? source.return(value) : { done: true, value: value as T };
      },
      async throw(err?: unknown) {
        watch.finish(isAbort(err) ? 'aborted' : 'error', err);
        if (source.throw) return source.throw(err);
        throw err;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return wrapped;
  }
}
