import type { KeyringSlot, KeyStore } from './cache-key.js';
import type { RedactedCredentials } from './credentials.js';
import type { SsoSourceConfig } from '../config/registry.js';
import { CrossbarError } from '../errors.js';

export type { SsoSourceConfig } from '../config/registry.js';

/**
 * The seam between the credential engine and IAM Identity Center: what an SSO source offers the engine. The engine
 * caches what it returns (encrypted), refreshes it 5 minutes before expiry and single-flights it like every other
 * entry; the implementation owns the token (its cache, refresh and the portal calls).
 */
export interface SsoRoleAccess {
  /** Names the SSO source for messages: `SSO acme-sso (https://…/start)`. */
  label: string;
  /** GetRoleCredentials for an account and permission set, with the cached token (refreshed when due). */
  roleCredentials(accountId: string, permissionSet: string): Promise<RedactedCredentials>;
  /**
   * Whether a token is cached and still usable (or refreshable), read without a network call: `whoami` shows it.
   * Optional: without it, `whoami` says the state is unknown.
   */
  signInState?(): Promise<SsoSignInState>;
}

/** What the token cache says about an SSO source, without asking the network. */
export interface SsoSignInState {
  signedIn: boolean;
  /** When the access token expires (a refresh token may extend it). */
  expiresAt?: Date | undefined;
}

/** What an SSO access needs of its surroundings: where the token cache lives, the endpoint (the sandbox), time. */
export interface SsoAccessContext {
  /** CROSSBAR_HOME. */
  home: string;
  /** Config `endpoint` (the sandbox), for SSO OIDC and the portal as for every other call. */
  endpoint: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  now: () => number;
  keyStore?: KeyStore | undefined;
  keyring?: KeyringSlot | undefined;
}

/** Builds the access of one SSO source (by its name in crossbar.yaml). */
export type SsoAccessFactory = (name: string, sso: SsoSourceConfig, context: SsoAccessContext) => SsoRoleAccess;

/** `SSO acme-sso (https://d-1234567890.awsapps.com/start)`. */
export function ssoLabel(name: string, sso: Pick<SsoSourceConfig, 'startUrl'>): string {
  return `SSO ${name} (${sso.startUrl})`;
}

/**
 * The factory used when none is given. It fails clearly on use (never on construction, so a config with an SSO
 * source still loads and its other sources still work). The IAM Identity Center client replaces it.
 */
export const unavailableSsoAccess: SsoAccessFactory = (name, sso) => {
  const label = ssoLabel(name, sso);
  return {
    label,
    roleCredentials: () =>
      Promise.reject(
        new CrossbarError('CREDENTIALS_MISSING', `${label}: this crossbar cannot sign in to IAM Identity Center`, {
          hint: 'Update crossbar, or reach these accounts through an IAM source (sources: with a profile)',
        }),
      ),
  };
};
