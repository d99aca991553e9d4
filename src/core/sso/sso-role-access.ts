import type { RedactedCredentials } from '../credentials/credentials.js';
import { getSsoRoleCredentials } from './portal.js';
import { ssoLabel } from './sso-settings.js';
import type { SsoSession } from './sso-session.js';

/**
 * What the credential engine asks of an SSO source (the seam `SsoRoleAccess` of credentials/sso-access.ts):
 * a label for messages and an account × permission set's role credentials, through the session's cached token.
 */
export interface SsoRoleCredentialsAccess {
  label: string;
  roleCredentials(accountId: string, permissionSet: string): Promise<RedactedCredentials>;
}

export function ssoRoleAccessOf(session: SsoSession): SsoRoleCredentialsAccess {
  return {
    label: ssoLabel(session.settings),
    roleCredentials: (accountId, permissionSet) => getSsoRoleCredentials(session, accountId, permissionSet),
  };
}
