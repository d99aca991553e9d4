import { homeOf } from '../../core/config-location.js';
import { loadCacheKey } from '../../core/credentials/index.js';
import { readAwsConfig, resolveAwsConfigPath, ssoSessionsIn } from '../../core/aws-config/index.js';
import {
  hasAwsTokenCache,
  readAwsTokenCache,
  SsoSession,
  writeAwsTokenCache,
  type SsoSettings,
} from '../../core/sso/index.js';
import type { CliContext } from '../context.js';
import { keyStoreFrom } from '../config-context.js';
import { crossbarHomeOf } from '../team/signed-in.js';

/** An SSO source as crossbar.yaml's registry lists it (RegistrySource of kind `sso`, or another kind). */
export interface SsoSourceEntry {
  name: string;
  kind: string;
  sso?: { startUrl: string; region: string; session: string } | undefined;
}

export function ssoSettingsOf(
  source: SsoSourceEntry & { sso: NonNullable<SsoSourceEntry['sso']> },
  endpoint: string | undefined,
): SsoSettings {
  return { name: source.name, ...source.sso, ...(endpoint ? { endpoint } : {}) };
}

/**
 * Whether the AWS tools' `sso_session` profiles use this session: ~/.aws/config has its `[sso-session NAME]` for
 * the same start URL (what `crossbar aws-config --write --sso-style sso-session` writes), or the AWS token cache
 * already holds it. Then crossbar keeps the AWS token cache in step with its own.
 */
export function awsToolsUseSession(env: Record<string, string | undefined>, settings: SsoSettings): boolean {
  if (hasAwsTokenCache(homeOf(env), settings.session)) return true;
  try {
    const { text } = readAwsConfig(resolveAwsConfigPath(env, homeOf(env)));
    return ssoSessionsIn(text).get(settings.session) === settings.startUrl;
  } catch {
    return false;
  }
}

/** The session of an SSO source for this CLI: CROSSBAR_HOME, the credential cache's key, the AWS token cache hook. */
export function openSsoSession(ctx: CliContext, settings: SsoSettings): SsoSession {
  const home = crossbarHomeOf(ctx);
  const { env } = ctx.io;
  const keyStore = keyStoreFrom(env['CROSSBAR_KEY_STORE']) ?? 'auto';
  const awsHome = homeOf(env);
  return new SsoSession({
    settings,
    home,
    cacheKey: async () => (await loadCacheKey({ home, keyStore })).key,
    external: () => readAwsTokenCache(awsHome, settings.session),
    onToken: (token) => {
      if (hasAwsTokenCache(awsHome, settings.session)) writeAwsTokenCache(awsHome, token);
    },
  });
}
