/** Narrows a parsed JSON value or a handler's output to a string-keyed object (arrays excluded). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
