import type { MiddlewareStack } from '@smithy/types';

/** Counts the AWS calls (attempts, retries included) a client makes, per operation, and the most in flight at once. */
export function countCalls() {
  const byOperation = new Map<string, number>();
  const state = { total: 0, inFlight: 0, mostInFlight: 0 };
  return {
    byOperation,
    get total() {
      return state.total;
    },
    get mostInFlight() {
      return state.mostInFlight;
    },
    /** Adds the counter inside the SDK's retry loop, so every attempt is seen. */
    attach<I extends object, O extends object>(client: { middlewareStack: MiddlewareStack<I, O> }): void {
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const operation = context.commandName?.replace(/Command$/, '') ?? 'unknown';
          byOperation.set(operation, (byOperation.get(operation) ?? 0) + 1);
          state.total += 1;
          state.inFlight += 1;
          state.mostInFlight = Math.max(state.mostInFlight, state.inFlight);
          try {
            return await next(args);
          } finally {
            state.inFlight -= 1;
          }
        },
        { step: 'finalizeRequest', name: 'countCalls' },
      );
    },
  };
}
