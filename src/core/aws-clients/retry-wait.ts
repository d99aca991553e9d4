import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who is told, by async context, when a call waits to retry (its backoff, then its turn in the rate limiter):
 * the fan-out gives the target's concurrency slot to another target while the call sends nothing, and the
 * target takes a slot back, ahead of targets not yet started, before the retry is sent. Outside a listener's
 * context (a plain command, the credential engine) a wait is just a wait.
 */
export interface RetryWaitListener {
  /** A call of this context starts waiting to retry. */
  waiting(): void;
  /** That wait is over: the retry is sent once the promise resolves. */
  resumed(): Promise<void>;
}

const listeners = new AsyncLocalStorage<RetryWaitListener>();

/** Runs `fn` (and every call it makes, however deep) with `listener` told of their retry waits. */
export function withRetryWaitListener<T>(listener: RetryWaitListener, fn: () => T): T {
  return listeners.run(listener, fn);
}

/** Runs `fn` outside any listener's context: what it starts is nobody's target (a fan-out's own bookkeeping). */
export function withoutRetryWaitListener<T>(fn: () => T): T {
  return listeners.exit(fn);
}

/** A retry's wait, announced to the listener of the calling context when there is one. */
export async function retryWait(wait: () => Promise<void>): Promise<void> {
  const listener = listeners.getStore();
  if (!listener) return wait();
  listener.waiting();
  try {
    await wait();
  } finally {
    await listener.resumed();
  }
}
