// OpenAI and Anthropic SDKs are both Stainless-generated: same APIPromise shape, observed by one function.
/**
 * Observes the `APIPromise` that Stainless-generated SDKs (openai, @anthropic-ai/sdk) return,
 * without wrapping it: the caller keeps the SDK's own object, so `.withResponse()`,
 * `.asResponse()` and `_thenUnwrap()` keep working.
 */
import { reportInternalError } from './registry';

/** The fields of an SDK `APIPromise` that Warden hooks; both SDKs define them the same way. */
interface ApiPromiseFields {
  responsePromise: Promise<unknown>;
  parseResponse: (this: unknown, client: unknown, props: unknown) => unknown;
  parsedPromise?: Promise<unknown>;
}

export interface ApiPromiseObserver {
  /** The parsed body: the response object, or the SDK's Stream for `stream: true`. */
  onData(data: unknown): void;
  /** The request or the parse failed; `error` is exactly what the caller receives. */
  onError(error: unknown): void;
  /** The response arrived but nobody parsed its body (`.asResponse()` only). */
  onUnparsed(): void;
}

// After the microtasks of a settled promise; setImmediate where the runtime has it.
const afterMicrotasks: (run: () => void) => void = typeof setImmediate === 'function' ? (run) => setImmediate(run) : (run) => setTimeout(run, 0);

function hasApiPromiseFields(value: unknown): value is ApiPromiseFields {
  const v = value as Partial<ApiPromiseFields> | null;
  return typeof v === 'object' && v !== null && typeof v.responsePromise?.then === 'function' && typeof v.parseResponse === 'function';
}

/** True for a value whose `then` can be called (a promise from any realm or library). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Calls `observer` exactly once with how `promise` settled, and returns `promise` itself.
 * The request promise is replaced by a derived one that settles identically, so a rejection
 * nobody handles stays unhandled, as it would be without Warden.
 */
export function observeApiPromise<P>(promise: P, observer: ApiPromiseObserver, where: string): P {
  // The closures below share one context that the SDK's promises can keep after the call, in
  // old space; whatever it still points to then survives young GCs (measured: twice the bytes
  // promoted per call). So it lets go of the observer and the APIPromise once they are used.
  let pending: ApiPromiseObserver | undefined = observer;
  // One reporting function per call, not a closure per outcome.
  const once = (outcome: 'data' | 'error' | 'unparsed', value?: unknown) => {
    const o = pending;
    if (!o) return;
    pending = undefined;
    try {
      if (outcome === 'data') o.onData(value);
      else if (outcome === 'error') o.onError(value);
      else o.onUnparsed();
    } catch (error) {
      reportInternalError(where, error);
    }
  };
  const onData = (data: unknown) => once('data', data);
  const onError = (error: unknown) => once('error', error);
  if (!hasApiPromiseFields(promise)) {
    // Not an SDK APIPromise (another SDK version): observe a derived promise, leave the original.
    if (isThenable(promise)) Promise.resolve(promise).then(onData, onError);
    else onData(promise);
    return promise;
  }
  const fields = promise;
  let unparsedCheck: ApiPromiseFields | undefined = fields;
  let parsing = false;
  const request = fields.responsePromise;
  fields.responsePromise = request.then(
    (props) => {
      const checked = unparsedCheck;
      unparsedCheck = undefined;
      // A helper may parse through a derived APIPromise (`_thenUnwrap`), which reaches our
      // parseResponse a few microtasks later; only a response still unparsed after that is one.
      if (!checked?.parsedPromise)
        afterMicrotasks(() => {
          if (!parsing) once('unparsed');
        });
      return props;
    },
    (error: unknown) => {
      once('error', error);
      throw error;
    },
  );
  const parse = fields.parseResponse;
  // Not an async function: the SDK's own parse promise goes back to the SDK, observed by one
  // reaction registered before anyone else's (so the span ends before the caller resumes),
  // instead of an async wrapper and its await adding two promises to every call.
  fields.parseResponse = function parseObserved(this: unknown, client: unknown, props: unknown) {
    parsing = true;
    let parsed: unknown;
    try {
      parsed = parse.call(this, client, props);
    } catch (error) {
      onError(error);
      return Promise.reject(error);
    }
    if (isThenable(parsed)) {
      parsed.then(onData, onError);
      return parsed;
    }
    onData(parsed);
    return Promise.resolve(parsed);
  };
  return promise;
}
