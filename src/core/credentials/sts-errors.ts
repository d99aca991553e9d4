import { CrossbarError } from '../errors.js';

/** What crossbar reads from an SDK error: its AWS code, message and HTTP status, or a network error code. */
export interface AwsErrorFacts {
  name: string;
  message: string;
  status: number | undefined;
  /** ECONNREFUSED, ETIMEDOUT, … for network failures. */
  networkCode: string | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function awsErrorFacts(err: unknown): AwsErrorFacts {
  if (!isRecord(err)) return { name: 'Error', message: String(err), status: undefined, networkCode: undefined };
  const metadata = isRecord(err['$metadata']) ? err['$metadata'] : {};
  const status = typeof metadata['httpStatusCode'] === 'number' ? metadata['httpStatusCode'] : undefined;
  const code = typeof err['code'] === 'string' ? err['code'] : undefined;
  const cause = isRecord(err['cause']) && typeof err['cause']['code'] === 'string' ? err['cause']['code'] : undefined;
  return {
    name: typeof err['name'] === 'string' ? err['name'] : 'Error',
    message: typeof err['message'] === 'string' ? err['message'] : '',
    status,
    networkCode: code ?? cause,
  };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/** A request that never got an HTTP answer: refused, reset, unresolvable or timed out. */
export function isUnreachable(err: unknown): boolean {
  const f = awsErrorFacts(err);
  if (f.status !== undefined) return false;
  return (f.networkCode !== undefined && NETWORK_CODES.has(f.networkCode)) || TIMEOUT_NAMES.has(f.name);
}

export function endpointUnreachable(endpoint: string | undefined, region: string, err: unknown): CrossbarError {
  const where = endpoint ?? `the STS endpoint of ${region}`;
  return new CrossbarError('ENDPOINT_UNREACHABLE', `No answer from ${where}`, {
    hint: endpoint
      ? `Is the sandbox running? Start it with \`crossbar sandbox start\`, or fix \`endpoint\` in crossbar.yaml`
      : 'Check the network, a proxy (HTTPS_PROXY) or the region',
    cause: err,
  });
}

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const REJECTED = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidAccessKeyId',
]);

/**
 * An error that says the source credentials themselves are bad (expired, unknown, mis-signed) rather than that
 * a role refused them. Undefined when the error is about something else.
 */
export function sourceCredentialsError(err: unknown, source: string): CrossbarError | undefined {
  const f = awsErrorFacts(err);
  if (EXPIRED.has(f.name)) {
    return new CrossbarError('CREDENTIALS_EXPIRED', `The credentials of ${source} have expired`, {
      hint: 'Refresh them (aws sso login, or new keys) and try again',
      cause: err,
    });
  }
  if (REJECTED.has(f.name)) {
    return new CrossbarError('CREDENTIALS_MISSING', `AWS does not recognize the credentials of ${source} (${f.name})`, {
      hint: 'The access key may be deleted, inactive or mistyped: check the profile, or the endpoint if you use the sandbox',
      cause: err,
    });
  }
  return undefined;
}
