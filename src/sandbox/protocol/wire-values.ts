import { CrossbarError } from '../../core/errors.js';
import type { ScalarType, TimestampFormat } from '../model/shapes.js';

/** Options every output serializer takes. */
export interface SerializeOptions {
  /**
   * Called with the path (`Credentials.Foo`, `Reservations.0.Bar`) of every key of the handler's output
   * that the model's output shape does not have. Such keys are never sent (AWS would not send them);
   * tests pass a callback to catch handlers that misspell a member name.
   */
  onUnknownKey?: (path: string) => void;
}

/** A handler returned a value of the wrong type for its shape: a bug in the handler, reported loudly. */
export function wrongValue(path: string, expected: string, value: unknown): never {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw new CrossbarError('SANDBOX', `Output ${path || '(root)'} must be ${expected}, got ${got}`, {
    hint: 'Service handlers must return plain objects shaped like the operation output shape of the botocore model',
  });
}

/** Accepts a Date or an ISO 8601 string; epoch numbers are refused because seconds and milliseconds look alike. */
export function toDate(value: unknown, path: string): Date {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime()))
    return wrongValue(path, 'a Date or an ISO 8601 string', value);
  return date;
}

/** `2026-11-23T14:00:00Z`, keeping milliseconds only when there are some (AWS query services omit them). */
export function formatIso8601(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

export function formatTimestamp(date: Date, format: TimestampFormat): string | number {
  switch (format) {
    case 'iso8601':
      return formatIso8601(date);
    case 'unixTimestamp':
      // Epoch seconds, fractional when there are milliseconds: what the JSON protocols send.
      return date.getTime() / 1000;
    case 'rfc822':
      return date.toUTCString();
  }
}

export function toBase64(value: unknown, path: string): string {
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('base64');
  return wrongValue(path, 'a Uint8Array or a string', value);
}

/** Text of a number for XML or a JSON string: NaN and the infinities are spelled as AWS spells them. */
function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return String(value);
}

/**
 * Checks a scalar against its shape type and returns its text for XML bodies and headers. Timestamps are
 * formatted with `timestampFormat`.
 */
export function scalarText(type: ScalarType, value: unknown, path: string, timestampFormat: TimestampFormat): string {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : wrongValue(path, 'a string', value);
    case 'boolean':
      return typeof value === 'boolean' ? String(value) : wrongValue(path, 'a boolean', value);
    case 'integer':
    case 'long':
      if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) return String(value);
      return wrongValue(path, 'an integer', value);
    case 'double':
    case 'float':
      return typeof value === 'number' ? numberText(value) : wrongValue(path, 'a number', value);
    case 'timestamp':
      return String(formatTimestamp(toDate(value, path), timestampFormat));
    case 'blob':
      return toBase64(value, path);
  }
}

/** The same check for JSON bodies, where numbers, booleans and epoch timestamps stay JSON values. */
export function scalarJson(
  type: ScalarType,
  value: unknown,
  path: string,
  timestampFormat: TimestampFormat,
): string | number | boolean {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? value : wrongValue(path, 'a boolean', value);
    case 'integer':
    case 'long':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'bigint' && Number.isSafeInteger(Number(value))) return Number(value);
      return wrongValue(path, 'a safe integer', value);
    case 'double':
    case 'float':
      if (typeof value !== 'number') return wrongValue(path, 'a number', value);
      // JSON has no NaN or Infinity; AWS JSON protocols send them as strings.
      return Number.isFinite(value) ? value : numberText(value);
    case 'timestamp':
      return formatTimestamp(toDate(value, path), timestampFormat);
    default:
      return scalarText(type, value, path, timestampFormat);
  }
}

export function joinPath(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}
