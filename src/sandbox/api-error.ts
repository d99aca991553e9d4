/**
 * An error the sandbox answers with, in AWS's own terms: the code and message AWS sends, and the HTTP status.
 * The protocol layer turns it into `<ErrorResponse>` XML or `__type` JSON.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra elements of S3's `<Error>` body after `<Message>` (a redirect's `Endpoint` and `Bucket`). */
  readonly fields: Readonly<Record<string, string>>;
  /** Extra response headers (a redirect's `x-amz-bucket-region`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: string,
    message: string,
    status = 400,
    extra: { fields?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.fields = extra.fields ?? {};
    this.headers = extra.headers ?? {};
  }

  get senderFault(): boolean {
    return this.status < 500;
  }
}

export type WireProtocol = 'query' | 'ec2' | 'json' | 'rest-json' | 'rest-xml';

/** Authentication failures differ by protocol family, exactly as AWS's do. */
export function invalidTokenError(protocol: WireProtocol): ApiError {
  switch (protocol) {
    case 'ec2':
      return new ApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
    case 'json':
    case 'rest-json':
      return new ApiError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
    case 'rest-xml':
      return new ApiError(
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
        403,
      );
    default:
      return new ApiError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
  }
}

export function expiredTokenError(protocol: WireProtocol): ApiError {
  switch (protocol) {
    case 'ec2':
      return new ApiError('RequestExpired', 'Request has expired.', 400);
    case 'json':
    case 'rest-json':
      return new ApiError('ExpiredTokenException', 'The security token included in the request is expired', 400);
    case 'rest-xml':
      return new ApiError('ExpiredToken', 'The provided token has expired.', 400);
    default:
      return new ApiError('ExpiredToken', 'The security token included in the request is expired', 403);
  }
}

export function signatureMismatchError(protocol: WireProtocol): ApiError {
  const message =
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
  switch (protocol) {
    case 'ec2':
      return new ApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
    case 'json':
    case 'rest-json':
      return new ApiError('InvalidSignatureException', message, 400);
    default:
      return new ApiError('SignatureDoesNotMatch', message, 403);
  }
}

/** The Authorization header leaves out the host: AWS refuses to verify it at all. */
export function hostNotSignedError(protocol: WireProtocol): ApiError {
  const message = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";
  return protocol === 'json' || protocol === 'rest-json'
    ? new ApiError('IncompleteSignatureException', message, 400)
    : new ApiError('IncompleteSignature', message, 403);
}

/**
 * A credential scope naming a region AWS does not have. AWS has no endpoint there; the sandbox answers
 * `InvalidRegion` for it, as its regional services do (region-check.ts), so that a typo is not mistaken for a
 * disabled region or bad credentials.
 */
export function unknownScopeRegionError(region: string): ApiError {
  return new ApiError(
    'InvalidRegion',
    `Credential should be scoped to a valid region: '${region}' is not an AWS region.`,
    400,
  );
}

/** S3 checks a declared payload hash against the body it received, before the signature. */
export function contentSha256MismatchError(declared: string, computed: string): ApiError {
  return new ApiError(
    'XAmzContentSHA256Mismatch',
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
    400,
    { fields: { ClientComputedContentSHA256: declared, S3ComputedContentSHA256: computed } },
  );
}

export function missingAuthError(protocol: WireProtocol): ApiError {
  switch (protocol) {
    case 'json':
    case 'rest-json':
      return new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
    case 'ec2':
      return new ApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
    case 'rest-xml':
      return new ApiError('AccessDenied', 'Access Denied', 403);
    default:
      return new ApiError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
  }
}

export function unknownOperationError(protocol: WireProtocol, operation: string, apiVersion: string): ApiError {
  switch (protocol) {
    case 'json':
    case 'rest-json':
      return new ApiError('UnknownOperationException', '', 400);
    case 'ec2':
      return new ApiError('InvalidAction', `The action ${operation} is not valid for this web service.`, 400);
    case 'rest-xml':
      return new ApiError('NotImplemented', 'A header you provided implies functionality that is not implemented', 501);
    default:
      return new ApiError('InvalidAction', `Could not find operation ${operation} for version ${apiVersion}`, 400);
  }
}

export function throttlingError(protocol: WireProtocol): ApiError {
  switch (protocol) {
    case 'ec2':
      return new ApiError('RequestLimitExceeded', 'Request limit exceeded.', 503);
    case 'json':
    case 'rest-json':
      return new ApiError('ThrottlingException', 'Rate exceeded', 400);
    case 'rest-xml':
      return new ApiError('SlowDown', 'Please reduce your request rate.', 503);
    default:
      return new ApiError('Throttling', 'Rate exceeded', 400);
  }
}

export function internalError(protocol: WireProtocol): ApiError {
  if (protocol === 'ec2') return new ApiError('InternalError', 'An internal error has occurred', 500);
  if (protocol === 'rest-xml')
    return new ApiError('InternalError', 'We encountered an internal error. Please try again.', 500);
  if (protocol === 'json' || protocol === 'rest-json')
    return new ApiError(
      'InternalFailure',
      'The request processing has failed because of an unknown error, exception or failure.',
      500,
    );
  return new ApiError('ServiceUnavailable', 'Service is unable to handle request.', 503);
}

/** AWS's AccessDenied text for an identity policy that does not allow an action. */
export function accessDeniedMessage(callerArn: string, action: string, resource: string, explicit: boolean): string {
  const why = explicit
    ? 'with an explicit deny in an identity-based policy'
    : `because no identity-based policy allows the ${action} action`;
  return `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}

export function accessDeniedError(
  protocol: WireProtocol,
  callerArn: string,
  action: string,
  resource: string,
  explicit: boolean,
): ApiError {
  const message = accessDeniedMessage(callerArn, action, resource, explicit);
  switch (protocol) {
    case 'ec2':
      return new ApiError('UnauthorizedOperation', `You are not authorized to perform this operation. ${message}`, 403);
    case 'json':
    case 'rest-json':
      return new ApiError('AccessDeniedException', message, 400);
    default:
      return new ApiError('AccessDenied', message, 403);
  }
}
