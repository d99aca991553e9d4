import type { RedactedCredentials } from '../credentials/credentials.js';
import type { KeyringSlot, KeyStore } from '../credentials/cache-key.js';
import type { SsoAccessFactory, SsoSignInState } from '../credentials/sso-access.js';
import { homeOf } from '../config-location.js';
import type { SsoSession } from './sso-session.js';

/**
 * The real SSO access of an SSO source for the credential engine, as the composition root makes it by default.
 * Nothing of the SSO client loads until the first role credentials are asked for (the SDK's SSO clients included),
 * so `credential-process` and every command that never touches an SSO role start as lean as before.
 */
export interface LazySsoAccessOptions {
  name: string;
  sso: { startUrl: string; region: string; session: string };
  home: string;
  /** Config `endpoint` (the sandbox). */
  endpoint?: string | undefined;
  keyStore?: KeyStore | undefined;
  keyring?: KeyringSlot | undefined;
  /** HOME, for the AWS tools' token cache kept in step on refresh (when they use the session). */
  awsHome?: string | undefined;
  now?: (() => number) | undefined;
}

export interface LazySsoAccess {
  label: string;
  roleCredentials(accountId: string, permissionSet: string): Promise<RedactedCredentials>;
  signInState(): Promise<SsoSignInState>;
}

export function lazySsoAccess(options: LazySsoAccessOptions): LazySsoAccess {
  let session: Promise<SsoSession> | undefined;
  const open = async (): Promise<SsoSession> => {
    const [{ SsoSession }, { loadCacheKey }, aws] = await Promise.all([
      import('./sso-session.js'),
      import('../credentials/cache-key.js'),
      import('./aws-token-cache.js'),
    ]);
    const { awsHome } = options;
    return new SsoSession({
      settings: { name: options.name, ...options.sso, ...(options.endpoint ? { endpoint: options.endpoint } : {}) },
      home: options.home,
      ...(options.now ? { now: options.now } : {}),
      cacheKey: async () =>
        (
          await loadCacheKey({
            home: options.home,
            keyStore: options.keyStore ?? 'auto',
            ...(options.keyring ? { keyring: options.keyring } : {}),
          })
        ).key,
      ...(awsHome ? { external: () => aws.readAwsTokenCache(awsHome, options.sso.session) } : {}),
      onToken: (token) => {
        if (awsHome && aws.hasAwsTokenCache(awsHome, token.session)) aws.writeAwsTokenCache(awsHome, token);
      },
    });
  };
  return {
    label: `SSO ${options.name} (${options.sso.startUrl})`,
    async roleCredentials(accountId, permissionSet) {
      session ??= open();
      const { getSsoRoleCredentials } = await import('./portal.js');
      return getSsoRoleCredentials(await session, accountId, permissionSet);
    },
    async signInState() {
      session ??= open();
      const token = await (await session).cached();
      const now = (options.now ?? Date.now)();
      if (!token) return { signedIn: false };
      return {
        signedIn: token.expiresAt.getTime() > now || token.refreshToken !== undefined,
        expiresAt: token.expiresAt,
      };
    },
  };
}

/** The default SsoAccessFactory of the composition root: the real IAM Identity Center client, loaded lazily. */
export const ssoAccessFromCache: SsoAccessFactory = (name, sso, context) =>
  lazySsoAccess({
    name,
    sso,
    home: context.home,
    endpoint: context.endpoint,
    keyStore: context.keyStore,
    keyring: context.keyring,
    awsHome: homeOf(context.env),
    now: context.now,
  });
