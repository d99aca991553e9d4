import { ApiError } from '../api-error.js';

/** SSO OIDC's errors carry an OAuth 2.0 `error` code beside the exception name (RFC 6749 / RFC 8628). */
const OAUTH_CODES: Readonly<Record<string, string>> = {
  AccessDeniedException: 'access_denied',
  AuthorizationPendingException: 'authorization_pending',
  ExpiredTokenException: 'expired_token',
  InternalServerException: 'server_error',
  InvalidClientException: 'invalid_client',
  InvalidClientMetadataException: 'invalid_client_metadata',
  InvalidGrantException: 'invalid_grant',
  InvalidRequestException: 'invalid_request',
  InvalidScopeException: 'invalid_scope',
  SlowDownException: 'slow_down',
  UnauthorizedClientException: 'unauthorized_client',
  UnsupportedGrantTypeException: 'unsupported_grant_type',
};

/** The OAuth `error` value of an SSO OIDC exception. */
export function oauthCode(exception: string): string {
  return OAUTH_CODES[exception] ?? 'invalid_request';
}

/** An SSO OIDC error: the exception name goes in `x-amzn-ErrorType`, the description in `error_description`. */
export function oidcError(exception: keyof typeof OAUTH_CODES, description: string): ApiError {
  const status = exception === 'InvalidClientException' ? 401 : exception === 'InternalServerException' ? 500 : 400;
  return new ApiError(exception, description, status);
}

/** The portal's answer to a missing, invalid, expired or logged-out bearer token. */
export function unauthorized(): ApiError {
  return new ApiError('UnauthorizedException', 'Session token not found or invalid', 401);
}

/** The portal's answer to an account or permission set the user is not assigned: not modelled, but what AWS sends. */
export function noAccess(): ApiError {
  return new ApiError('ForbiddenException', 'No access', 403);
}

export function invalidRequest(message: string): ApiError {
  return new ApiError('InvalidRequestException', message, 400);
}
