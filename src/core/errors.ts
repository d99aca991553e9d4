/**
 * The one error type of crossbar. Every error has a code, names the thing it is about, and says what to do
 * next in `hint`. The cause is kept, never flattened into a message.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'USAGE'
  | 'INVALID_ARN'
  | 'INVALID_POLICY'
  | 'UNKNOWN_ACCOUNT'
  | 'UNKNOWN_ROLE'
  | 'UNKNOWN_USER'
  | 'UNKNOWN_SHORTCUT'
  | 'ROLE_ASSUME_DENIED'
  | 'MFA_INVALID'
  | 'MFA_REQUIRED'
  | 'CREDENTIALS_MISSING'
  | 'CREDENTIALS_EXPIRED'
  | 'ENDPOINT_UNREACHABLE'
  | 'DENIED'
  | 'THROTTLED'
  | 'REGION_DISABLED'
  | 'TIMEOUT'
  | 'INTERRUPTED'
  | 'SANDBOX'
  | 'ERROR';

export interface CrossbarErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Exit code the CLI should use: 2 for usage and configuration errors, 1 otherwise. */
  exitCode?: 1 | 2;
}

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set([
  'CONFIG_INVALID',
  'CONFIG_NOT_FOUND',
  'USAGE',
  'UNKNOWN_ACCOUNT',
  'UNKNOWN_ROLE',
  'UNKNOWN_SHORTCUT',
  'UNKNOWN_USER',
]);

export class CrossbarError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: 1 | 2;

  constructor(code: ErrorCode, message: string, options: CrossbarErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CrossbarError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? (USAGE_CODES.has(code) ? 2 : 1);
  }
}

export function isCrossbarError(value: unknown): value is CrossbarError {
  return value instanceof CrossbarError;
}
