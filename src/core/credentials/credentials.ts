import { inspect } from 'node:util';

/** AWS credentials as crossbar passes them around. The SDK accepts any object of this shape. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  readonly expiration?: Date | undefined;
}

export type AccountCredentials = Credentials & { readonly accountId: string };

const REDACTED = '[redacted]';

/**
 * Credentials that cannot leak by accident: the secret and the token live in private fields, so
 * `JSON.stringify`, `util.inspect`, `console.log`, object spread and `Object.keys` never see them; only an
 * explicit read of `.secretAccessKey` / `.sessionToken` (what the SDK's signer does) returns them.
 */
export class RedactedCredentials implements Credentials {
  readonly accessKeyId: string;
  readonly expiration?: Date | undefined;
  readonly #secretAccessKey: string;
  readonly #sessionToken: string | undefined;

  constructor(c: Credentials) {
    this.accessKeyId = c.accessKeyId;
    this.#secretAccessKey = c.secretAccessKey;
    this.#sessionToken = c.sessionToken;
    if (c.expiration) this.expiration = c.expiration;
  }

  get secretAccessKey(): string {
    return this.#secretAccessKey;
  }

  get sessionToken(): string | undefined {
    return this.#sessionToken;
  }

  toJSON(): Record<string, unknown> {
    return {
      accessKeyId: this.accessKeyId,
      secretAccessKey: REDACTED,
      ...(this.#sessionToken === undefined ? {} : { sessionToken: REDACTED }),
      ...(this.expiration ? { expiration: this.expiration.toISOString() } : {}),
    };
  }

  [inspect.custom](): string {
    return `${this.constructor.name} ${inspect(this.toJSON())}`;
  }

  toString(): string {
    return `${this.constructor.name}(${this.accessKeyId})`;
  }
}

/** Role credentials with the account they act in. */
export class RedactedAccountCredentials extends RedactedCredentials implements AccountCredentials {
  readonly accountId: string;

  constructor(c: Credentials, accountId: string) {
    super(c);
    this.accountId = accountId;
  }

  override toJSON(): Record<string, unknown> {
    return { accountId: this.accountId, ...super.toJSON() };
  }
}

/** Wraps plain credentials (from the SDK, from the cache) so that they redact themselves. */
export function redactCredentials(c: Credentials): RedactedCredentials {
  return c instanceof RedactedCredentials ? c : new RedactedCredentials(c);
}

/** Milliseconds until the credentials expire; Infinity for long-lived keys. */
export function remainingMs(c: Credentials, now: number): number {
  return c.expiration ? c.expiration.getTime() - now : Number.POSITIVE_INFINITY;
}

/** Refresh this long before expiry, so that a command started now does not run out mid-way. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export function needsRefresh(c: Credentials, now: number, marginMs = REFRESH_MARGIN_MS): boolean {
  return remainingMs(c, now) < marginMs;
}
