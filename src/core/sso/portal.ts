import { RedactedAccountCredentials } from '../credentials/credentials.js';
import { isUnreachable } from '../credentials/sts-errors.js';
import { mapBounded } from '../map-bounded.js';
import { CrossbarError } from '../errors.js';
import { roleCredentialsFailure, sessionExpired, ssoErrorName, ssoUnreachable } from './sso-errors.js';
import type { SsoSession } from './sso-session.js';

/**
 * The SSO portal with a session's token: every call takes the current token (refreshed when due), and a token the
 * portal refuses (UnauthorizedException: revoked, or expired early) is refreshed once and the call repeated;
 * refused again, the session is over and the error says to sign in.
 */
export async function withPortalToken<T>(session: SsoSession, call: (accessToken: string) => Promise<T>): Promise<T> {
  const token = await session.token();
  try {
    return await call(token.accessToken);
  } catch (err) {
    if (ssoErrorName(err) !== 'UnauthorizedException') throw err;
    const fresh = await session.refreshAfterRejection(token);
    try {
      return await call(fresh.accessToken);
    } catch (again) {
      if (ssoErrorName(again) === 'UnauthorizedException') throw sessionExpired(session.settings, again);
      throw again;
    }
  }
}

/** An account the person may use through Identity Center, with the permission sets assigned to them there. */
export interface SsoAssignment {
  accountId: string;
  accountName?: string | undefined;
  email?: string | undefined;
  permissionSets: string[];
}

function portalError(session: SsoSession, action: string, err: unknown): CrossbarError {
  if (err instanceof CrossbarError) return err;
  if (isUnreachable(err)) return ssoUnreachable(session.settings, 'portal', err);
  const name = ssoErrorName(err) ?? 'Error';
  return new CrossbarError('ERROR', `${action} on the SSO portal of ${session.settings.startUrl} failed: ${name}`, {
    cause: err,
  });
}

/** Every account × permission set assigned to the signed-in person (ListAccounts, ListAccountRoles; all pages). */
export async function listAssignments(
  session: SsoSession,
  options: { concurrency?: number } = {},
): Promise<SsoAssignment[]> {
  const accounts: { accountId: string; accountName?: string | undefined; emailAddress?: string | undefined }[] = [];
  try {
    let next: string | undefined;
    do {
      const page = await withPortalToken(session, (t) => session.portal.listAccounts(t, next));
      accounts.push(...page.accounts);
      next = page.nextToken;
    } while (next);
  } catch (err) {
    throw portalError(session, 'ListAccounts', err);
  }
  // The portal throttles per user; a few at a time lists 300 accounts in seconds without tripping it.
  const withRoles = await mapBounded(accounts, options.concurrency ?? 4, async (a) => {
    const roles: string[] = [];
    try {
      let next: string | undefined;
      do {
        const page = await withPortalToken(session, (t) => session.portal.listAccountRoles(t, a.accountId, next));
        roles.push(...page.roles);
        next = page.nextToken;
      } while (next);
    } catch (err) {
      throw portalError(session, `ListAccountRoles of ${a.accountId}`, err);
    }
    return {
      accountId: a.accountId,
      ...(a.accountName ? { accountName: a.accountName } : {}),
      ...(a.emailAddress ? { email: a.emailAddress } : {}),
      permissionSets: [...new Set(roles)].sort(),
    };
  });
  return withRoles.sort((x, y) => (x.accountName ?? x.accountId).localeCompare(y.accountName ?? y.accountId));
}

/** GetRoleCredentials: the permission set's role credentials in one account, with their expiration. */
export async function getSsoRoleCredentials(
  session: SsoSession,
  accountId: string,
  permissionSet: string,
): Promise<RedactedAccountCredentials> {
  try {
    const c = await withPortalToken(session, (t) => session.portal.getRoleCredentials(t, accountId, permissionSet));
    return new RedactedAccountCredentials(c, accountId);
  } catch (err) {
    throw roleCredentialsFailure(session.settings, accountId, permissionSet, err);
  }
}
