import { randomBytes, randomInt } from 'node:crypto';
import type { IdentityCenterState, OidcClient } from '../world/identity-center-types.js';
import { str, strList } from '../service.js';
import { oidcError } from './sso-error.js';

/**
 * SSO OIDC as AWS answers it: RegisterClient, StartDeviceAuthorization and CreateToken with the device-code
 * grant (RFC 8628) and refresh tokens. Requests are unsigned; the client id and secret authenticate the client.
 */
export interface OidcDeps {
  ic: IdentityCenterState;
  now(): number;
  /** The sandbox's own address, for the verification page. */
  endpoint: string;
  markDirty(): void;
}

const DAY_MS = 86_400_000;
export const CLIENT_SECRET_DAYS = 90;
export const DEVICE_CODE_SECONDS = 600;
export const POLL_INTERVAL_SECONDS = 1;
/** An access token lasts an hour when a refresh token renews it, eight hours (the session) otherwise. */
export const ACCESS_TOKEN_SECONDS_WITH_REFRESH = 3600;
export const SESSION_SECONDS = 8 * 3600;
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

const secret = (bytes: number) => randomBytes(bytes).toString('base64url');
const seconds = (ms: number) => Math.floor(ms / 1000);

/** Eight letters without vowels (no words), as `ABCD-EFGH`. */
function userCode(): string {
  const letters = 'BCDFGHJKLMNPQRSTVWXZ';
  let code = '';
  for (let i = 0; i < 8; i += 1) code += letters[randomInt(letters.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Start URLs as people paste them: with or without a trailing `/`, `#` or `#/`. */
export function sameStartUrl(a: string, b: string): boolean {
  const norm = (u: string) => u.trim().replace(/#\/?$/, '').replace(/\/+$/, '');
  return norm(a) === norm(b);
}

export function registerClient(deps: OidcDeps, input: Record<string, unknown>) {
  const clientName = str(input, 'clientName');
  const clientType = str(input, 'clientType');
  if (!clientName) throw oidcError('InvalidRequestException', 'clientName is required');
  if (clientType !== 'public') throw oidcError('InvalidClientMetadataException', 'Invalid client type provided');
  const grantTypes = strList(input, 'grantTypes');
  const unsupported = grantTypes.find((g) => g !== DEVICE_GRANT && g !== 'refresh_token');
  if (unsupported) throw oidcError('UnsupportedGrantTypeException', `Unsupported grant type: ${unsupported}`);
  const now = deps.now();
  const client: OidcClient = {
    clientId: secret(16),
    clientSecret: `eyJraWQiOiJrZXktc2FuZGJveCJ9.${secret(96)}`,
    clientName,
    scopes: strList(input, 'scopes'),
    issuedAt: now,
    expiresAt: now + CLIENT_SECRET_DAYS * DAY_MS,
  };
  deps.ic.clients[client.clientId] = client;
  deps.markDirty();
  return {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    clientIdIssuedAt: seconds(client.issuedAt),
    clientSecretExpiresAt: seconds(client.expiresAt),
  };
}

/** The registered client named by the request, with the right secret and not expired. */
function authenticClient(deps: OidcDeps, input: Record<string, unknown>): OidcClient {
  const client = deps.ic.clients[str(input, 'clientId') ?? ''];
  if (!client || client.clientSecret !== str(input, 'clientSecret'))
    throw oidcError('InvalidClientException', 'Invalid client provided');
  if (client.expiresAt <= deps.now()) throw oidcError('InvalidClientException', 'Client secret has expired');
  return client;
}

export function startDeviceAuthorization(deps: OidcDeps, input: Record<string, unknown>) {
  const client = authenticClient(deps, input);
  const startUrl = str(input, 'startUrl') ?? '';
  if (!sameStartUrl(startUrl, deps.ic.startUrl)) throw oidcError('InvalidRequestException', 'Invalid start url');
  let code = userCode();
  while (Object.values(deps.ic.devices).some((d) => d.userCode === code)) code = userCode();
  const deviceCode = secret(48);
  const now = deps.now();
  pruneDevices(deps.ic, now);
  deps.ic.devices[deviceCode] = {
    deviceCode,
    userCode: code,
    clientId: client.clientId,
    expiresAt: now + DEVICE_CODE_SECONDS * 1000,
    interval: POLL_INTERVAL_SECONDS,
    status: 'pending',
  };
  deps.markDirty();
  const verificationUri = `${deps.endpoint}/device`;
  return {
    deviceCode,
    userCode: code,
    verificationUri,
    verificationUriComplete: `${verificationUri}?user_code=${code}`,
    expiresIn: DEVICE_CODE_SECONDS,
    interval: POLL_INTERVAL_SECONDS,
  };
}

/** Device authorizations a day past their expiry are forgotten. */
function pruneDevices(ic: IdentityCenterState, now: number): void {
  for (const [code, d] of Object.entries(ic.devices)) if (d.expiresAt < now - DAY_MS) delete ic.devices[code];
}

export function createToken(deps: OidcDeps, input: Record<string, unknown>) {
  const client = authenticClient(deps, input);
  const grantType = str(input, 'grantType') ?? '';
  if (grantType === DEVICE_GRANT) return redeemDeviceCode(deps, client, str(input, 'deviceCode') ?? '');
  if (grantType === 'refresh_token') return redeemRefreshToken(deps, client, str(input, 'refreshToken') ?? '');
  throw oidcError('UnsupportedGrantTypeException', `Unsupported grant type: ${grantType}`);
}

function redeemDeviceCode(deps: OidcDeps, client: OidcClient, deviceCode: string) {
  const device = deps.ic.devices[deviceCode];
  if (!device || device.clientId !== client.clientId || device.status === 'redeemed')
    throw oidcError('InvalidGrantException', 'Invalid grant provided');
  const now = deps.now();
  if (device.expiresAt <= now) throw oidcError('ExpiredTokenException', 'Device code has expired');
  if (device.status === 'denied') {
    delete deps.ic.devices[deviceCode];
    deps.markDirty();
    throw oidcError('AccessDeniedException', 'Authorization was denied');
  }
  if (device.status === 'pending') {
    // Polling faster than the interval is refused, and the interval grows by 5 seconds (RFC 8628 §3.5).
    const early = device.lastPollAt !== undefined && now - device.lastPollAt < device.interval * 1000;
    device.lastPollAt = now;
    deps.markDirty();
    if (early) {
      device.interval += 5;
      throw oidcError('SlowDownException', 'Client is polling too quickly');
    }
    throw oidcError('AuthorizationPendingException', 'Authorization is still pending');
  }
  const userName = device.userName ?? '';
  device.status = 'redeemed';
  return issueTokens(deps, client, userName, randomBytes(12).toString('hex'), now + SESSION_SECONDS * 1000);
}

function redeemRefreshToken(deps: OidcDeps, client: OidcClient, token: string) {
  const record = deps.ic.refreshTokens[token];
  const now = deps.now();
  if (!record || record.revoked || record.clientId !== client.clientId || record.sessionExpiresAt <= now)
    throw oidcError('InvalidGrantException', 'Invalid refresh token provided');
  // Refresh tokens rotate: the one just used is spent.
  delete deps.ic.refreshTokens[token];
  return issueTokens(deps, client, record.userName, record.sessionId, record.sessionExpiresAt);
}

function issueTokens(
  deps: OidcDeps,
  client: OidcClient,
  userName: string,
  sessionId: string,
  sessionExpiresAt: number,
) {
  const now = deps.now();
  const refresh = client.scopes.length > 0;
  const lifetime = Math.max(
    1,
    Math.min(refresh ? ACCESS_TOKEN_SECONDS_WITH_REFRESH : SESSION_SECONDS, seconds(sessionExpiresAt - now)),
  );
  const accessToken = `aoa${secret(96)}`;
  deps.ic.accessTokens[accessToken] = {
    userName,
    clientId: client.clientId,
    sessionId,
    expiresAt: now + lifetime * 1000,
  };
  let refreshToken: string | undefined;
  if (refresh) {
    refreshToken = `aor${secret(96)}`;
    deps.ic.refreshTokens[refreshToken] = {
      userName,
      clientId: client.clientId,
      sessionId,
      scopes: client.scopes,
      sessionExpiresAt,
    };
  }
  pruneTokens(deps.ic, now);
  deps.markDirty();
  return { accessToken, tokenType: 'Bearer', expiresIn: lifetime, ...(refreshToken ? { refreshToken } : {}) };
}

/** Access tokens an hour past expiry are forgotten; they would be refused anyway. */
function pruneTokens(ic: IdentityCenterState, now: number): void {
  for (const [token, t] of Object.entries(ic.accessTokens))
    if (t.expiresAt < now - 3_600_000) delete ic.accessTokens[token];
  for (const [token, t] of Object.entries(ic.refreshTokens))
    if (t.sessionExpiresAt < now || t.revoked) delete ic.refreshTokens[token];
}

/**
 * The user's decision on the verification page (or `crossbar sandbox approve`): returns what went wrong in one
 * line, or undefined when the decision was recorded.
 */
export function decideDevice(
  ic: IdentityCenterState,
  userCodeText: string,
  userName: string,
  approve: boolean,
  now: number,
): string | undefined {
  if (!ic.users[userName]) return `no user '${userName}' in the identity store ${ic.identityStoreId}`;
  const code = userCodeText.trim().toUpperCase();
  const device = Object.values(ic.devices).find((d) => d.userCode === code);
  if (!device) return `no sign-in request has the code '${userCodeText}'`;
  if (device.expiresAt <= now) return `the code ${code} has expired: start the sign-in again`;
  if (device.status !== 'pending') return `the code ${code} was already ${device.status}`;
  device.status = approve ? 'approved' : 'denied';
  device.userName = userName;
  return undefined;
}
