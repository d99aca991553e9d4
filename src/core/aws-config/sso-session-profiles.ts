import { splitLines, sectionHeader, strip } from './ini-lines.js';

/**
 * `sso_session` profiles (the AWS CLI v2's and every SDK's native SSO configuration): one `[sso-session NAME]`
 * section per SSO source, and per permission-set role a profile naming the session, the account and the
 * permission set. The AWS tools then get the role credentials themselves, with the token in their own cache
 * (`~/.aws/sso/cache`), which `crossbar login` writes for such sessions.
 */
export interface SsoSessionSpec {
  /** The sso-session name. */
  session: string;
  startUrl: string;
  /** The Identity Center region. */
  region: string;
  /** The crossbar source it comes from, for the marker comment. */
  source: string;
}

export function ssoSessionSection(spec: SsoSessionSpec, endpoint?: string): string[] {
  return [
    `[sso-session ${spec.session}]`,
    `# crossbar: sso-session of source ${spec.source}`,
    `sso_start_url = ${spec.startUrl}`,
    `sso_region = ${spec.region}`,
    'sso_registration_scopes = sso:account:access',
    ...(endpoint ? [`# the sandbox: AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC or endpoint_url reach it`] : []),
  ];
}

export function ssoProfileSettings(session: string, accountId: string, permissionSet: string): [string, string][] {
  return [
    ['sso_session', session],
    ['sso_account_id', accountId],
    ['sso_role_name', permissionSet],
  ];
}

/** The `[sso-session NAME]` sections of an AWS config text, with their start URL (empty when none is set). */
export function ssoSessionsIn(text: string): Map<string, string> {
  const found = new Map<string, string>();
  let current: string | undefined;
  for (const { text: line } of splitLines(text)) {
    const header = sectionHeader(line);
    if (header !== undefined) {
      const words = header.trim().split(/\s+/);
      current = words.length === 2 && words[0] === 'sso-session' ? words[1] : undefined;
      if (current !== undefined && !found.has(current)) found.set(current, '');
      continue;
    }
    const m = current === undefined ? null : /^sso_start_url\s*[=:]\s*(\S+)/.exec(strip(line));
    if (current !== undefined && m?.[1]) found.set(current, m[1]);
  }
  return found;
}
