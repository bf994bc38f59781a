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
  if (!hasApiPromiseFields(promise)) {
    // Not an SDK APIPromise (another SDK version): observe a derived promise, leave the original.
    if (typeof (promise as { then?: unknown } | null)?.then === 'function') {
      Promise.resolve(promise).then(
        (data) => once('data', data),
        (error) => once('error', error),
      );
    } else {
      once('data', promise);
    }
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
  fields.parseResponse = async function parseObserved(this: unknown, client: unknown, props: unknown) {
    parsing = true;
    let data: unknown;
    try {
      data = await parse.call(this, client, props);
    } catch (error) {
      once('error', error);
      throw error;
    }
    once('data', data);
    return data;
  };
  return promise;
}
