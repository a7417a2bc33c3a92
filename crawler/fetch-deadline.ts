// One AbortSignal per fetch that fires on the total deadline, on a per-hop "no headers yet"
// deadline, or when the caller aborts. The abort reason says which, as a VigieError.
import { RetryableError, VigieError } from '../config/errors.ts';

export interface FetchDeadline {
  readonly signal: AbortSignal;
  /** Arms the per-hop deadline for receiving response headers; returns its disarm function. */
  armHop(url: string, timeoutMs: number): () => void;
  /** The error to report for a failure seen after (or because) the signal fired, or null. */
  abortError(): VigieError | null;
  dispose(): void;
}

export function createFetchDeadline(url: string, totalTimeoutMs: number, callerSignal?: AbortSignal): FetchDeadline {
  const controller = new AbortController();
  const total = setTimeout(() => {
    controller.abort(new RetryableError('timeout', `fetching ${url} took longer than ${totalTimeoutMs} ms`, {
      details: { url, timeoutMs: totalTimeoutMs, phase: 'total' },
    }));
  }, totalTimeoutMs);
  const onCallerAbort = (): void => {
    controller.abort(new RetryableError('aborted', `fetching ${url} was aborted`, {
      cause: callerSignal?.reason,
      details: { url },
    }));
  };
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });

  return {
    signal: controller.signal,
    armHop(hopUrl, timeoutMs) {
      const timer = setTimeout(() => {
        controller.abort(new RetryableError('timeout', `no response headers from ${hopUrl} within ${timeoutMs} ms`, {
          details: { url: hopUrl, timeoutMs, phase: 'headers' },
        }));
      }, timeoutMs);
      return () => clearTimeout(timer);
    },
    abortError() {
      const reason: unknown = controller.signal.reason;
      return controller.signal.aborted && reason instanceof VigieError ? reason : null;
    },
    dispose() {
      clearTimeout(total);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
