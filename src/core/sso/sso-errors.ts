import { CrossbarError } from '../errors.js';
import { awsErrorFacts, isUnreachable } from '../credentials/sts-errors.js';
import { loginCommand, oidcEndpoint, portalEndpoint, type SsoSettings } from './sso-settings.js';

/** The AWS error name of an SDK error (`SlowDownException`), or undefined for anything else. */
export function ssoErrorName(err: unknown): string | undefined {
  const { name } = awsErrorFacts(err);
  return name === 'Error' ? undefined : name;
}

/** The one line every dead SSO session ends in: the person signs in again. */
export function sessionExpired(settings: Pick<SsoSettings, 'name'>, cause?: unknown): CrossbarError {
  return new CrossbarError(
    'CREDENTIALS_EXPIRED',
    `SSO session of ${settings.name} expired — run \`${loginCommand(settings.name)}\``,
    {
      hint: 'Signing in again renews it; crossbar refreshes it on its own while the refresh token lasts',
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

export function notSignedIn(settings: Pick<SsoSettings, 'name' | 'startUrl'>): CrossbarError {
  return new CrossbarError(
    'CREDENTIALS_MISSING',
    `Not signed in to SSO ${settings.name} (${settings.startUrl}) — run \`${loginCommand(settings.name)}\``,
    { hint: 'The sign-in opens the browser (or prints a URL and a code) once; crossbar keeps the session encrypted' },
  );
}

/** An SSO endpoint that gave no answer: names the start URL and the endpoint called. */
export function ssoUnreachable(
  settings: Pick<SsoSettings, 'startUrl' | 'region' | 'endpoint'>,
  api: 'oidc' | 'portal',
  cause: unknown,
): CrossbarError {
  const endpoint = api === 'oidc' ? oidcEndpoint(settings) : portalEndpoint(settings);
  const what = api === 'oidc' ? 'SSO OIDC' : 'the SSO portal';
  return new CrossbarError(
    'ENDPOINT_UNREACHABLE',
    `No answer from ${what} at ${endpoint} for the start URL ${settings.startUrl}`,
    {
      hint: settings.endpoint
        ? 'Is the sandbox running? Start it with `crossbar sandbox start`, or fix `endpoint` in crossbar.yaml'
        : `Check the network or a proxy (HTTPS_PROXY), and that ${settings.region} is the region of the Identity Center instance of ${settings.startUrl}`,
      cause,
    },
  );
}

/** An error of an OIDC call other than those the device flow handles itself. */
export function oidcFailure(settings: SsoSettings, action: string, err: unknown): CrossbarError {
  if (err instanceof CrossbarError) return err;
  if (isUnreachable(err)) return ssoUnreachable(settings, 'oidc', err);
  const { name, message, status } = awsErrorFacts(err);
  if (name === 'InvalidRequestException' && action === 'StartDeviceAuthorization')
    return new CrossbarError(
      'NOT_FOUND',
      `IAM Identity Center in ${settings.region} refused the start URL ${settings.startUrl}: ${message || name}`,
      {
        hint: 'Check start_url and region of the source in crossbar.yaml (the AWS access portal URL and its region)',
        cause: err,
      },
    );
  return new CrossbarError(
    status !== undefined && status >= 500 ? 'ERROR' : 'INVALID',
    `${action} for ${settings.startUrl} failed: ${name}${message ? `: ${message}` : ''}`,
    {
      hint: `Try \`${loginCommand(settings.name)}\` again; if it keeps failing, check start_url and region`,
      cause: err,
    },
  );
}

const EXPIRED_SESSION = new Set([
  'UnauthorizedException',
  'InvalidGrantException',
  'ExpiredTokenException',
  'InvalidClientException',
  'UnauthorizedClientException',
  'AccessDeniedException',
]);

/** Whether an error says the token (or its refresh token, or the client) is no longer accepted. */
export function isDeadSession(err: unknown): boolean {
  return EXPIRED_SESSION.has(awsErrorFacts(err).name);
}

/** An error of GetRoleCredentials for one account × permission set. */
export function roleCredentialsFailure(
  settings: SsoSettings,
  accountId: string,
  permissionSet: string,
  err: unknown,
): CrossbarError {
  if (err instanceof CrossbarError) return err;
  if (isUnreachable(err)) return ssoUnreachable(settings, 'portal', err);
  const { name, message } = awsErrorFacts(err);
  if (name === 'UnauthorizedException') return sessionExpired(settings, err);
  if (name === 'ForbiddenException' || name === 'ResourceNotFoundException' || name === 'AccessDeniedException')
    return new CrossbarError(
      'DENIED',
      `SSO ${settings.name} does not give you permission set ${permissionSet} in account ${accountId}: you have no assignment of it (never made, or removed) (${name}${message ? `: ${message}` : ''})`,
      {
        hint: `An Identity Center administrator assigns permission sets; \`crossbar init --from-sso\` lists what you have now`,
        cause: err,
      },
    );
  if (name === 'TooManyRequestsException')
    return new CrossbarError(
      'THROTTLED',
      `GetRoleCredentials of ${permissionSet} in ${accountId} throttled by the SSO portal`,
      {
        hint: 'Retry in a moment, or lower --concurrency',
        cause: err,
      },
    );
  return new CrossbarError(
    'ERROR',
    `GetRoleCredentials of ${permissionSet} in ${accountId} failed: ${name}${message ? `: ${message}` : ''}`,
    {
      cause: err,
    },
  );
}
