import { describeRetries, retryReportOf } from '../aws-clients/retry-strategy.js';
import { RoleDenialError } from '../credentials/explain-denial.js';
import { awsErrorFacts } from '../credentials/sts-errors.js';
import { isCrossbarError, type CrossbarError, type ErrorCode } from '../errors.js';
import type { FailureCode, TargetError } from './types.js';

/**
 * AWS's error codes, sorted into what a run reports. AccessDenied is data here, not a crash (iam-collect's
 * lesson): a target that was refused is a row that says DENIED and why.
 */
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'AuthorizationErrorException',
  'Forbidden',
  'ForbiddenException',
  'NotAuthorized',
  'NotAuthorizedException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'InvalidAccessKeyId',
  'MissingAuthenticationToken',
  'OptInRequired',
  'SubscriptionRequiredException',
]);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'TransactionInProgressException',
  'EC2ThrottledException',
]);
const INVALID = new Set([
  'ValidationError',
  'ValidationException',
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'InvalidParameter',
  'InvalidParameterException',
  'InvalidParameterValueException',
  'MissingParameter',
  'InvalidInput',
  'InvalidInputException',
  'SerializationException',
  'InvalidRequestException',
  'InvalidRegion',
  'InvalidAction',
  'UnknownOperationException',
  'InvalidNextToken',
  'InvalidPaginationToken',
  'MalformedQueryString',
]);
const TIMEOUT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
/**
 * How AWS answers a call into an opt-in region the account has not enabled: it does not know the credentials
 * there. Only with the region's opt-in status can this be told apart from bad credentials.
 */
const UNKNOWN_CREDENTIALS = new Set(['AuthFailure', 'UnrecognizedClientException', 'InvalidClientTokenId']);

/** What the SDK says when it cannot even build the request from the input (no HTTP answer involved). */
const SERIALIZATION =
  /input HTTP label|No value provided for|Expected .+ to be|cannot be serialized|failed to serialize|Unable to serialize/i;

/** crossbar's own errors (from the credential engine), as a run reports them. */
const FROM_CROSSBAR: Partial<Record<ErrorCode, FailureCode>> = {
  ROLE_ASSUME_DENIED: 'DENIED',
  MFA_REQUIRED: 'DENIED',
  MFA_INVALID: 'DENIED',
  CREDENTIALS_MISSING: 'DENIED',
  CREDENTIALS_EXPIRED: 'DENIED',
  UNKNOWN_ROLE: 'DENIED',
  DENIED: 'DENIED',
  THROTTLED: 'THROTTLED',
  REGION_DISABLED: 'REGION_DISABLED',
  TIMEOUT: 'TIMEOUT',
  INTERRUPTED: 'INTERRUPTED',
  USAGE: 'INVALID',
};

export function isUnknownCredentials(err: unknown): boolean {
  return UNKNOWN_CREDENTIALS.has(awsErrorFacts(err).name);
}

function codeOfAws(name: string, status: number | undefined): FailureCode {
  if (DENIED.has(name) || UNKNOWN_CREDENTIALS.has(name)) return 'DENIED';
  if (THROTTLED.has(name) || status === 429) return 'THROTTLED';
  if (name === 'RegionDisabledException') return 'REGION_DISABLED';
  if (INVALID.has(name) || /^Invalid.*(Parameter|Value|Format|Request)/.test(name)) return 'INVALID';
  if (TIMEOUT.has(name)) return 'TIMEOUT';
  if (/NotFound|^NoSuch/.test(name)) return 'NOT_FOUND';
  if (status === 403) return 'DENIED';
  return 'ERROR';
}

function crossbarFailure(err: CrossbarError): TargetError {
  const code = FROM_CROSSBAR[err.code] ?? 'ERROR';
  // A non-AWS answer has no AWS code: the SDK's SyntaxError is not one.
  const facts = err.cause === undefined || err.code === 'NOT_AWS' ? undefined : awsErrorFacts(err.cause);
  const reason =
    err instanceof RoleDenialError
      ? err.reason
      : err.code === 'MFA_REQUIRED' || err.code === 'MFA_INVALID'
        ? 'MFA'
        : undefined;
  return {
    code,
    message: reason ? `${err.message}: ${reason}` : err.message,
    ...(facts && facts.name !== 'Error' ? { awsCode: facts.name, awsMessage: facts.message } : {}),
    ...(reason ? { reason } : {}),
    ...(err.hint ? { hint: err.hint } : {}),
    cause: err,
  };
}

/**
 * A target's failure from whatever was thrown: a CrossbarError of the credential engine, an SDK error with
 * AWS's code and message, a network error, or an abort. `regionDisabled` tells an unknown-credentials answer
 * in a region the account has not enabled (REGION_DISABLED) from a real denial.
 */
export function classifyError(err: unknown, context: { regionDisabled?: boolean } = {}): TargetError {
  if (isCrossbarError(err)) return crossbarFailure(err);
  const facts = awsErrorFacts(err);
  if (facts.name === 'AbortError')
    return { code: 'INTERRUPTED', message: 'Interrupted before this target finished', cause: err };
  if (facts.status === undefined && facts.networkCode !== undefined) {
    return {
      code: TIMEOUT.has(facts.name) || facts.networkCode === 'ETIMEDOUT' ? 'TIMEOUT' : 'ERROR',
      message: `No answer: ${facts.networkCode} ${facts.message}`.trim(),
      cause: err,
    };
  }
  if (facts.status === undefined && SERIALIZATION.test(facts.message)) {
    return {
      code: 'INVALID',
      message: facts.message,
      hint: 'The parameters do not fit the operation: see its documentation',
      cause: err,
    };
  }
  if (context.regionDisabled && UNKNOWN_CREDENTIALS.has(facts.name)) {
    return {
      code: 'REGION_DISABLED',
      message: 'The region is not enabled in this account',
      awsCode: facts.name,
      awsMessage: facts.message,
      hint: 'Enable the region in the account settings, or leave it out of --regions',
      cause: err,
    };
  }
  const code = codeOfAws(facts.name, facts.status);
  const retries = retryReportOf(err);
  if (retries) {
    // The SDK retried to the end of its budget: say so, with AWS's own words beside.
    return {
      code,
      message: describeRetries(retries),
      ...(facts.name !== 'Error' ? { awsCode: facts.name, awsMessage: facts.message } : {}),
      hint:
        code === 'THROTTLED'
          ? 'AWS limits the calls of one account per second: try a lower --concurrency or --per-account, or again later'
          : 'AWS kept failing for this target: try again later',
      cause: err,
    };
  }
  return {
    code,
    message: facts.message || facts.name,
    ...(facts.name !== 'Error' ? { awsCode: facts.name } : {}),
    ...(code === 'THROTTLED' ? { hint: "Still throttled after the SDK's retries: lower --concurrency" } : {}),
    cause: err,
  };
}
