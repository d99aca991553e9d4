import { inspect } from 'node:util';
import type { ClientRegistration } from './sso-apis.js';

/** What an SSO sign-in leaves: the bearer token, its refresh token and the client registration that can refresh it. */
export interface SsoTokenFields {
  startUrl: string;
  region: string;
  session: string;
  accessToken: string;
  expiresAt: Date;
  refreshToken?: string | undefined;
  client: ClientRegistration;
  /** When the person approved the sign-in (refreshes keep it). */
  signedInAt: Date;
  /** Who signed in, when crossbar could tell (the SSO user's name). */
  user?: string | undefined;
}

const REDACTED = '[redacted]';

/**
 * An SSO token that cannot leak by accident: the access token, the refresh token and the client secret live in
 * private fields, so JSON.stringify, util.inspect and spreads never see them (as RedactedCredentials does).
 */
export class SsoToken {
  readonly startUrl: string;
  readonly region: string;
  readonly session: string;
  readonly expiresAt: Date;
  readonly signedInAt: Date;
  readonly user: string | undefined;
  readonly clientId: string;
  readonly clientExpiresAt: Date;
  readonly #accessToken: string;
  readonly #refreshToken: string | undefined;
  readonly #clientSecret: string;

  constructor(f: SsoTokenFields) {
    this.startUrl = f.startUrl;
    this.region = f.region;
    this.session = f.session;
    this.expiresAt = f.expiresAt;
    this.signedInAt = f.signedInAt;
    this.user = f.user;
    this.clientId = f.client.clientId;
    this.clientExpiresAt = f.client.expiresAt;
    this.#accessToken = f.accessToken;
    this.#refreshToken = f.refreshToken;
    this.#clientSecret = f.client.clientSecret;
  }

  get accessToken(): string {
    return this.#accessToken;
  }

  get refreshToken(): string | undefined {
    return this.#refreshToken;
  }

  get client(): ClientRegistration {
    return { clientId: this.clientId, clientSecret: this.#clientSecret, expiresAt: this.clientExpiresAt };
  }

  /** Every field, secrets included: for the encrypted cache and the AWS token cache only. */
  fields(): SsoTokenFields {
    return {
      startUrl: this.startUrl,
      region: this.region,
      session: this.session,
      accessToken: this.#accessToken,
      expiresAt: this.expiresAt,
      ...(this.#refreshToken ? { refreshToken: this.#refreshToken } : {}),
      client: this.client,
      signedInAt: this.signedInAt,
      ...(this.user ? { user: this.user } : {}),
    };
  }

  toJSON(): Record<string, unknown> {
    return {
      startUrl: this.startUrl,
      region: this.region,
      session: this.session,
      accessToken: REDACTED,
      ...(this.#refreshToken ? { refreshToken: REDACTED } : {}),
      expiresAt: this.expiresAt.toISOString(),
      clientId: this.clientId,
      ...(this.user ? { user: this.user } : {}),
    };
  }

  [inspect.custom](): string {
    return `SsoToken ${inspect(this.toJSON())}`;
  }

  toString(): string {
    return `SsoToken(${this.startUrl})`;
  }
}
