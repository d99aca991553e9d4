import { CrossbarError } from '../errors.js';
import type { ClientRegistration, DeviceAuthorizationAnswer, OidcApi, TokenAnswer } from './sso-apis.js';
import { oidcFailure, ssoErrorName } from './sso-errors.js';
import { loginCommand, type SsoSettings } from './sso-settings.js';

/**
 * The OAuth 2.0 device authorization grant (RFC 8628) as IAM Identity Center speaks it: StartDeviceAuthorization
 * gives a code the person approves in the browser, and CreateToken is polled until they do. The poll waits
 * `interval` seconds between calls, adds 5 s on every SlowDownException (RFC 8628 §3.5), keeps going on
 * AuthorizationPendingException, and stops with one clear error on ExpiredTokenException (the code ran out), on
 * AccessDeniedException (the person denied it) or when the code's lifetime has passed.
 */
export const SSO_SCOPES = ['sso:account:access'] as const;
export const SLOW_DOWN_SECONDS = 5;

/** What the person is shown: where to go and the code to check there. */
export interface DeviceCode {
  verificationUri: string;
  verificationUriComplete?: string | undefined;
  userCode: string;
  expiresAt: Date;
}

export type DeviceFlowEvent =
  | { kind: 'code'; code: DeviceCode }
  | { kind: 'waiting'; intervalSeconds: number; polls: number }
  | { kind: 'slow-down'; intervalSeconds: number };

export interface DeviceFlowOptions {
  now?: () => number;
  /** Waits `ms` (rejecting when the signal aborts); injectable so tests need no real time. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal | undefined;
  onEvent?: (event: DeviceFlowEvent) => void;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(interrupted(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(interrupted(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function interrupted(signal: AbortSignal | undefined): CrossbarError {
  return new CrossbarError('INTERRUPTED', 'The SSO sign-in was interrupted before it was approved', {
    cause: signal?.reason,
  });
}

export async function startDeviceAuthorization(
  oidc: OidcApi,
  client: ClientRegistration,
  settings: SsoSettings,
): Promise<DeviceAuthorizationAnswer> {
  try {
    return await oidc.startDeviceAuthorization(client, settings.startUrl);
  } catch (err) {
    throw oidcFailure(settings, 'StartDeviceAuthorization', err);
  }
}

/** Polls CreateToken for an authorization until the person approves it, denies it, or it expires. */
export async function pollDeviceToken(
  oidc: OidcApi,
  client: ClientRegistration,
  settings: SsoSettings,
  auth: DeviceAuthorizationAnswer,
  options: DeviceFlowOptions = {},
): Promise<TokenAnswer> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const expiresAt = now() + auth.expiresInSeconds * 1000;
  let interval = Math.max(1, auth.intervalSeconds);
  for (let polls = 1; ; polls++) {
    options.onEvent?.({ kind: 'waiting', intervalSeconds: interval, polls });
    await sleep(interval * 1000, options.signal);
    if (now() >= expiresAt) throw codeExpired(settings, auth);
    try {
      return await oidc.createToken(client, { deviceCode: auth.deviceCode });
    } catch (err) {
      switch (ssoErrorName(err)) {
        case 'AuthorizationPendingException':
          continue;
        case 'SlowDownException':
          interval += SLOW_DOWN_SECONDS;
          options.onEvent?.({ kind: 'slow-down', intervalSeconds: interval });
          continue;
        case 'ExpiredTokenException':
          throw codeExpired(settings, auth, err);
        case 'AccessDeniedException':
          throw new CrossbarError(
            'DENIED',
            `The sign-in to SSO ${settings.name} with code ${auth.userCode} was denied`,
            {
              hint: `The code was refused in the browser; run \`${loginCommand(settings.name)}\` to get a new one`,
              cause: err,
            },
          );
        default:
          throw oidcFailure(settings, 'CreateToken', err);
      }
    }
  }
}

function codeExpired(settings: SsoSettings, auth: DeviceAuthorizationAnswer, cause?: unknown): CrossbarError {
  return new CrossbarError(
    'CREDENTIALS_EXPIRED',
    `The sign-in code ${auth.userCode} for SSO ${settings.name} expired before it was approved`,
    {
      hint: `Run \`${loginCommand(settings.name)}\` again and approve the new code within ${Math.round(auth.expiresInSeconds / 60)} minutes`,
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
