/**
 * The SDK's `send` options for a signal that may be absent: the SDK types `abortSignal` as present or missing,
 * never `undefined`, so an absent signal is an absent key.
 */
export function sendOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {};
}
