import { isUnreachable } from '../credentials/sts-errors.js';
import { withFileLock } from '../credentials/file-lock.js';
import { ensurePrivateDir } from '../credentials/atomic-file.js';
import { CrossbarError } from '../errors.js';
import { pollDeviceToken, SSO_SCOPES, startDeviceAuthorization, type DeviceFlowOptions } from './device-flow.js';
import { createOidcApi, createPortalApi, type ClientRegistration, type OidcApi, type PortalApi } from './sso-apis.js';
import { isDeadSession, notSignedIn, oidcFailure, sessionExpired, ssoErrorName, ssoUnreachable } from './sso-errors.js';
import type { SsoSettings } from './sso-settings.js';
import { SsoToken } from './sso-token.js';
import {
  clientEntryName,
  deleteClient,
  deleteToken,
  readClient,
  readToken,
  ssoDir,
  tokenEntryName,
  tokenLockPath,
  writeClient,
  writeToken,
  type TokenCacheLocation,
} from './token-cache.js';

/**
 * One SSO source's session: sign-in (the device flow), the token cached encrypted under CROSSBAR_HOME, refreshed
 * with its refresh token before it runs out (single-flight: one refresh per process through a shared promise,
 * one across processes through the entry's lock file, whose waiters pick up the holder's result), and sign-out.
 */
export interface SsoSessionOptions {
  settings: SsoSettings;
  home: string;
  /** The credential cache's key (loadCacheKey): SSO tokens are encrypted with it. */
  cacheKey: () => Promise<Buffer>;
  oidc?: OidcApi;
  portal?: PortalApi;
  now?: () => number;
  /** Told of every token written (sign-in or refresh): keeps the AWS shared token cache in step. */
  onToken?: (token: SsoToken) => void;
  /** The client name registered with SSO OIDC. */
  clientName?: string;
  /**
   * Another holder of the same session's token (the AWS tools' token cache): refresh tokens rotate, so when they
   * refreshed it, theirs is the live one and crossbar takes it over instead of failing with its spent one.
   */
  external?: () => { startUrl: string; accessToken: string; expiresAt: Date; refreshToken?: string } | undefined;
}

/** A token is refreshed when it has less than this left, so that a command started now does not run out mid-way. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;
/** A cached client registration is reused while it has at least this long left. */
const CLIENT_MARGIN_MS = 60 * 60_000;

export interface LogoutResult {
  /** There was a cached token to forget. */
  hadToken: boolean;
  /** The portal revoked it (Logout); false when it was not reachable or refused. */
  revoked: boolean;
  failure?: CrossbarError;
}

export class SsoSession {
  readonly settings: SsoSettings;
  readonly #options: SsoSessionOptions;
  readonly #now: () => number;
  readonly #tokenName: string;
  readonly #clientName: string;
  #key: Promise<Buffer> | undefined;
  #oidc: (OidcApi & { destroy?(): void }) | undefined;
  #portal: (PortalApi & { destroy?(): void }) | undefined;
  #refreshing: Promise<SsoToken> | undefined;
  #location: TokenCacheLocation | undefined;

  constructor(options: SsoSessionOptions) {
    this.settings = options.settings;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#tokenName = tokenEntryName(options.settings);
    this.#clientName = clientEntryName(options.settings);
    this.#oidc = options.oidc;
    this.#portal = options.portal;
  }

  get oidc(): OidcApi {
    return (this.#oidc ??= createOidcApi(this.settings));
  }

  get portal(): PortalApi {
    return (this.#portal ??= createPortalApi(this.settings));
  }

  /** Closes the SDK clients this session made (not those it was given). */
  close(): void {
    if (!this.#options.oidc) this.#oidc?.destroy?.();
    if (!this.#options.portal) this.#portal?.destroy?.();
  }

  async #at(): Promise<TokenCacheLocation> {
    this.#key ??= this.#options.cacheKey();
    return { home: this.#options.home, key: await this.#key };
  }

  /** The cached token as it is, expired or not; undefined when there is none (or it does not decrypt). */
  async cached(): Promise<SsoToken | undefined> {
    const token = readToken(await this.#at(), this.#tokenName);
    return token && token.startUrl === this.settings.startUrl ? token : undefined;
  }

  /** A client registration: the cached one while it has an hour left, else a new one (RegisterClient). */
  async registration(options: { fresh?: boolean } = {}): Promise<ClientRegistration> {
    const at = await this.#at();
    const cached = options.fresh ? undefined : readClient(at, this.#clientName);
    if (cached && cached.expiresAt.getTime() - this.#now() > CLIENT_MARGIN_MS) return cached;
    let client: ClientRegistration;
    try {
      client = await this.oidc.registerClient(this.#options.clientName ?? 'crossbar', SSO_SCOPES);
    } catch (err) {
      throw oidcFailure(this.settings, 'RegisterClient', err);
    }
    writeClient(at, this.#clientName, client);
    return client;
  }

  /**
   * The device flow: registers (or reuses) the client, shows the code through `onEvent`, waits for the person's
   * approval and caches the token. A cached registration SSO OIDC no longer knows is replaced once.
   */
  async login(flow: DeviceFlowOptions = {}): Promise<SsoToken> {
    let client = await this.registration();
    let auth;
    try {
      auth = await startDeviceAuthorization(this.oidc, client, this.settings);
    } catch (err) {
      if (!isClientRejected(err)) throw err;
      deleteClient(this.#options.home, this.#clientName);
      client = await this.registration({ fresh: true });
      auth = await startDeviceAuthorization(this.oidc, client, this.settings);
    }
    flow.onEvent?.({
      kind: 'code',
      code: {
        verificationUri: auth.verificationUri,
        verificationUriComplete: auth.verificationUriComplete,
        userCode: auth.userCode,
        expiresAt: new Date(this.#now() + auth.expiresInSeconds * 1000),
      },
    });
    const answer = await pollDeviceToken(this.oidc, client, this.settings, auth, { now: this.#now, ...flow });
    const now = this.#now();
    const token = new SsoToken({
      startUrl: this.settings.startUrl,
      region: this.settings.region,
      session: this.settings.session,
      accessToken: answer.accessToken,
      expiresAt: new Date(now + answer.expiresInSeconds * 1000),
      refreshToken: answer.refreshToken,
      client,
      signedInAt: new Date(now),
    });
    await this.#withLock(async () => this.#store(token));
    return token;
  }

  /** Records who signed in (the CLI finds out after the sign-in) in the cached token. */
  async rememberUser(token: SsoToken, user: string): Promise<SsoToken> {
    const named = new SsoToken({ ...token.fields(), user });
    await this.#withLock(async () => {
      const current = await this.cached();
      if (current?.accessToken === token.accessToken) this.#store(named, { quiet: true });
    });
    return named;
  }

  /** A token good for at least the refresh margin: the cached one, else refreshed. Fails with the one line to sign in. */
  async token(): Promise<SsoToken> {
    const token = await this.cached();
    if (!token) throw notSignedIn(this.settings);
    if (!this.#due(token)) return token;
    return this.#refresh(token.accessToken, false);
  }

  /** After the portal refused `rejected` (UnauthorizedException): a new token, or the session is over. */
  async refreshAfterRejection(rejected: SsoToken): Promise<SsoToken> {
    return this.#refresh(rejected.accessToken, true);
  }

  #due(token: SsoToken): boolean {
    return token.expiresAt.getTime() - this.#now() < TOKEN_REFRESH_MARGIN_MS;
  }

  #refresh(stale: string, rejected: boolean): Promise<SsoToken> {
    this.#refreshing ??= this.#withLock(() => this.#refreshLocked(stale, rejected), {
      peek: async () => {
        const seen = await this.cached();
        return seen && seen.accessToken !== stale && !this.#due(seen) ? seen : undefined;
      },
    }).finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async #refreshLocked(stale: string, rejected: boolean): Promise<SsoToken> {
    let token = await this.cached();
    if (!token) throw notSignedIn(this.settings);
    // Another process (or an earlier call) refreshed it while this one waited for the lock.
    if (token.accessToken !== stale && !this.#due(token)) return token;
    const external = this.#options.external?.();
    if (
      external &&
      external.startUrl === token.startUrl &&
      external.accessToken !== stale &&
      external.expiresAt.getTime() > token.expiresAt.getTime()
    ) {
      token = new SsoToken({
        ...token.fields(),
        accessToken: external.accessToken,
        expiresAt: external.expiresAt,
        refreshToken: external.refreshToken ?? token.refreshToken,
      });
      this.#store(token, { quiet: true });
      if (!this.#due(token)) return token;
    }
    const usable = !rejected && token.expiresAt.getTime() > this.#now();
    if (!token.refreshToken) {
      if (usable) return token;
      throw sessionExpired(this.settings);
    }
    let answer;
    try {
      answer = await this.oidc.createToken(token.client, { refreshToken: token.refreshToken });
    } catch (err) {
      if (usable && (isUnreachable(err) || isDeadSession(err))) return token; // good for a few minutes more
      if (isDeadSession(err)) throw sessionExpired(this.settings, err);
      if (isUnreachable(err)) throw ssoUnreachable(this.settings, 'oidc', err);
      throw oidcFailure(this.settings, 'CreateToken (refresh)', err);
    }
    const refreshed = new SsoToken({
      ...token.fields(),
      accessToken: answer.accessToken,
      expiresAt: new Date(this.#now() + answer.expiresInSeconds * 1000),
      refreshToken: answer.refreshToken ?? token.refreshToken,
    });
    this.#store(refreshed);
    return refreshed;
  }

  /** Writes the token; only called inside #withLock, which has loaded the key. */
  #store(token: SsoToken, options: { quiet?: boolean } = {}): void {
    if (!this.#location) throw new CrossbarError('ERROR', 'the SSO token cache key was not loaded');
    writeToken(this.#location, this.#tokenName, token);
    if (!options.quiet) this.#options.onToken?.(token);
  }

  async #withLock<T>(work: () => Promise<T>, options: { peek?: () => Promise<T | undefined> } = {}): Promise<T> {
    this.#location = await this.#at();
    ensurePrivateDir(this.#options.home);
    ensurePrivateDir(ssoDir(this.#options.home));
    return withFileLock(tokenLockPath(this.#options.home, this.#tokenName), work, {
      staleMs: 30_000,
      ...(options.peek ? { peek: options.peek } : {}),
    });
  }

  /** Logout on the portal (revokes the token there), then forgets the cached token whatever the portal said. */
  async logout(): Promise<LogoutResult> {
    const token = await this.cached();
    if (!token) return { hadToken: false, revoked: false };
    let result: LogoutResult = { hadToken: true, revoked: true };
    try {
      await this.portal.logout(token.accessToken);
    } catch (err) {
      // A token the portal no longer accepts is as good as revoked.
      if (ssoErrorName(err) !== 'UnauthorizedException')
        result = {
          hadToken: true,
          revoked: false,
          failure: isUnreachable(err)
            ? ssoUnreachable(this.settings, 'portal', err)
            : new CrossbarError(
                'ERROR',
                `Logout of SSO ${this.settings.name} failed: ${ssoErrorName(err) ?? String(err)}`,
                {
                  cause: err,
                },
              ),
        };
    }
    await this.#withLock(async () => deleteToken(this.#options.home, this.#tokenName));
    return result;
  }
}

function isClientRejected(err: unknown): boolean {
  const cause = err instanceof CrossbarError ? err.cause : err;
  const name = ssoErrorName(cause);
  return name === 'InvalidClientException' || name === 'UnauthorizedClientException';
}
