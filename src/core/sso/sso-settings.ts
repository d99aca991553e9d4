/**
 * One SSO source as the SSO client needs it: crossbar.yaml's `sso:` block (start URL, the Identity Center region,
 * the sso-session name) with the source's name for messages and the config's `endpoint` (the sandbox).
 */
export interface SsoSettings {
  /** The source's name in crossbar.yaml (`acme-sso`; `default` for the unnamed `source:`). */
  name: string;
  startUrl: string;
  /** The Identity Center region: SSO OIDC and the portal are called there. */
  region: string;
  /** The sso-session name (`[sso-session NAME]` in ~/.aws/config); the source's name when not set. */
  session: string;
  /** Only for the sandbox or another AWS-compatible endpoint (config `endpoint`). */
  endpoint?: string | undefined;
}

/** The SSO OIDC endpoint a call goes to: the configured one, else AWS's for the region. */
export function oidcEndpoint(settings: Pick<SsoSettings, 'region' | 'endpoint'>): string {
  return settings.endpoint ?? `https://oidc.${settings.region}.amazonaws.com`;
}

/** The SSO portal endpoint a call goes to: the configured one, else AWS's for the region. */
export function portalEndpoint(settings: Pick<SsoSettings, 'region' | 'endpoint'>): string {
  return settings.endpoint ?? `https://portal.sso.${settings.region}.amazonaws.com`;
}

/** What to type to sign in to this source again: `crossbar login` for the default source, else with its name. */
export function loginCommand(name: string): string {
  return name === 'default' ? 'crossbar login' : `crossbar login ${name}`;
}

/** `SSO acme-sso (https://d-…/start)`: how messages name the source. */
export function ssoLabel(settings: Pick<SsoSettings, 'name' | 'startUrl'>): string {
  return `SSO ${settings.name} (${settings.startUrl})`;
}
