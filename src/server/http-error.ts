import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { CrossbarError, isCrossbarError, type ErrorCode } from '../core/errors.js';

/**
 * The one mapping from errors to HTTP answers: `{ error: { code, message, hint } }` with a status from the code.
 * Never a stack, never an internal message: anything that is not a CrossbarError is a 500 with a request-neutral
 * message (the cause goes to the server's log, not to the client).
 */
const STATUS: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  USAGE: 400,
  INVALID: 400,
  CONFIG_INVALID: 400,
  UNKNOWN_ACCOUNT: 404,
  UNKNOWN_ROLE: 404,
  UNKNOWN_USER: 404,
  UNKNOWN_SHORTCUT: 404,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  MFA_REQUIRED: 401,
  MFA_INVALID: 401,
  DENIED: 403,
  FORBIDDEN: 403,
  CSRF: 403,
  CONFIRM_REQUIRED: 403,
  ROLE_ASSUME_DENIED: 403,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  THROTTLED: 429,
  LOCKED: 423,
  // The server's own connection into AWS failed (its source's keys missing or expired): the member's request was
  // fine and their token is good, so not a 401 their client would take for "sign in again".
  CREDENTIALS_EXPIRED: 502,
  CREDENTIALS_MISSING: 502,
  ENDPOINT_UNREACHABLE: 502,
  NOT_AWS: 502,
  TIMEOUT: 504,
  /** The server was started without what the request needs (a crossbar.yaml for workspaces). */
  CONFIG_NOT_FOUND: 503,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; hint?: string };
}

export function statusFor(code: ErrorCode): ContentfulStatusCode {
  return STATUS[code] ?? 500;
}

export function errorBody(err: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  if (isCrossbarError(err)) {
    const body: ErrorBody = { error: { code: err.code, message: err.message } };
    if (err.hint) body.error.hint = err.hint;
    return { status: statusFor(err.code), body };
  }
  return {
    status: 500,
    body: { error: { code: 'ERROR', message: 'the server failed to answer this request; its log says why' } },
  };
}

/** Shorthands for routes: `throw notFound('workspace platform')`. */
export function notFound(what: string): CrossbarError {
  return new CrossbarError('NOT_FOUND', `${what} does not exist`, {
    hint: 'check the name; `crossbar workspace list` shows what you can see',
  });
}

export function forbidden(message: string, hint?: string): CrossbarError {
  return new CrossbarError('FORBIDDEN', message, hint ? { hint } : {});
}
