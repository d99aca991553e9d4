/**
 * The one error type of crossbar. Every error has a code, names the thing it is about, and says what to do
 * next in `hint`. The cause is kept, never flattened into a message.
 */
/**
 * What a fan-out target can fail with: the subset of codes a run reports per target (`DENIED ×2, THROTTLED ×1`).
 * One vocabulary: these are error codes like any other.
 */
export const FAILURE_CODES = [
  'DENIED',
  'THROTTLED',
  'REGION_DISABLED',
  'TIMEOUT',
  'INTERRUPTED',
  'NOT_FOUND',
  'INVALID',
  'ERROR',
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

export type ErrorCode =
  | FailureCode
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'USAGE'
  | 'INVALID_ARN'
  | 'INVALID_POLICY'
  | 'UNKNOWN_ACCOUNT'
  | 'UNKNOWN_ROLE'
  | 'UNKNOWN_USER'
  | 'UNKNOWN_SHORTCUT'
  | 'UNKNOWN_SOURCE'
  | 'ROLE_ASSUME_DENIED'
  | 'MFA_INVALID'
  | 'MFA_REQUIRED'
  | 'CREDENTIALS_MISSING'
  | 'CREDENTIALS_EXPIRED'
  | 'ENDPOINT_UNREACHABLE'
  | 'NOT_AWS'
  | 'SANDBOX'
  // The team server's answers (crossbar serve): who is calling, and may they.
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CSRF'
  | 'CONFLICT'
  | 'LOCKED'
  | 'PAYLOAD_TOO_LARGE'
  // A guarded role (crossbar.yaml `confirm: true`, production) asked for without saying so.
  | 'CONFIRM_REQUIRED';

export interface CrossbarErrorOptions {
  hint?: string;
  cause?: unknown;
}

export class CrossbarError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: CrossbarErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CrossbarError';
    this.code = code;
    this.hint = options.hint;
  }
}

export function isCrossbarError(value: unknown): value is CrossbarError {
  return value instanceof CrossbarError;
}

/**
 * Codes that mean "the request itself is wrong" (a bad flag, config or name) rather than "the work failed":
 * a front end maps them to its own status (the CLI's exit 2, a server's 400).
 */
export const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CONFIG_INVALID',
  'CONFIG_NOT_FOUND',
  'USAGE',
  'UNKNOWN_ACCOUNT',
  'UNKNOWN_ROLE',
  'UNKNOWN_SHORTCUT',
  'UNKNOWN_SOURCE',
  'UNKNOWN_USER',
]);

export function isUsageError(err: unknown): boolean {
  return isCrossbarError(err) && USAGE_CODES.has(err.code);
}
