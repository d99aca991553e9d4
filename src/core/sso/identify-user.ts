import { parseArn } from '../arn.js';
import { getCallerIdentity } from '../credentials/sts-calls.js';
import { stsClientFor } from '../credentials/sts-client.js';
import { withPortalToken } from './portal.js';
import type { SsoSession } from './sso-session.js';

/**
 * Who signed in. SSO OIDC's token says nothing about the person, but every permission set's role session is
 * named after them (`assumed-role/AWSReservedSSO_<set>_<hash>/alice@acme.com`): the first assignment's role
 * credentials and GetCallerIdentity tell. Undefined when there is no assignment or a call fails: knowing the
 * name is worth a few calls at sign-in, never a failed sign-in.
 */
export async function identifySsoUser(
  session: SsoSession,
  options: { endpoint?: string | undefined } = {},
): Promise<{ user: string; arn: string } | undefined> {
  try {
    const { accounts } = await withPortalToken(session, (t) => session.portal.listAccounts(t));
    const first = accounts[0];
    if (!first) return undefined;
    const { roles } = await withPortalToken(session, (t) => session.portal.listAccountRoles(t, first.accountId));
    const role = roles[0];
    if (!role) return undefined;
    const creds = await withPortalToken(session, (t) => session.portal.getRoleCredentials(t, first.accountId, role));
    const sts = stsClientFor(creds, {
      region: session.settings.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      maxAttempts: 2,
    });
    try {
      const { arn } = await getCallerIdentity(sts);
      const user = parseArn(arn).resourceName;
      return user ? { user, arn } : undefined;
    } finally {
      sts.destroy();
    }
  } catch {
    return undefined;
  }
}
