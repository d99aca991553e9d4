import { getSsoRoleCredentials, type SsoAssignment, type SsoSession } from '../sso/index.js';
import { requireSdk } from '../aws-clients/require-sdk.js';
import { discoverOrganization, type DiscoveredAccount } from './discover-organization.js';
import { createOrganizationsClient } from './organizations-client.js';

/**
 * Organizations' OUs and tags for `init --from-sso`, read through one of the person's own SSO sessions: only the
 * management account (or a delegated administrator) can list the organization, so the management account's
 * permission sets are tried first (the least privileged first), then each other account's, until one can read
 * it. No such session is not an error: the registry is built without OUs and tags, and the note says why.
 */
export interface SsoOrganization {
  accounts: Map<string, DiscoveredAccount>;
  /** `333333333333 AdministratorAccess`: the session that read it. */
  readAs?: string;
  /** Why OUs and tags are missing, when they are. */
  note?: string;
}

/** Read-only permission sets first: the session used to list the organization should be the least privileged. */
export function permissionSetRank(set: string): number {
  if (/read|view|audit|security/i.test(set)) return 0;
  if (/admin/i.test(set)) return 2;
  return 1;
}

const MAX_TRIES = 6;

export async function readOrganizationThroughSso(
  session: SsoSession,
  assignments: readonly SsoAssignment[],
  options: { endpoint?: string | undefined; onTry?: (accountId: string, set: string) => void } = {},
): Promise<SsoOrganization> {
  const candidates = assignments.flatMap((a) =>
    [...a.permissionSets].sort((x, y) => permissionSetRank(x) - permissionSetRank(y)).map((set) => ({ a, set })),
  );
  if (candidates.length === 0) return { accounts: new Map(), note: 'no permission set is assigned to you' };
  // DescribeOrganization answers in every member account: it names the management account to try first.
  const first = candidates[0];
  const managementId = first ? await managementAccountOf(session, first.a.accountId, first.set, options) : undefined;
  const ordered = [
    ...candidates.filter((c) => c.a.accountId === managementId),
    ...candidates.filter((c) => c.a.accountId !== managementId),
  ];
  const tried = new Set<string>();
  for (const { a, set } of ordered) {
    if (tried.size >= MAX_TRIES) break;
    if (tried.has(a.accountId) && a.accountId !== managementId) continue;
    tried.add(a.accountId);
    options.onTry?.(a.accountId, set);
    try {
      const credentials = await getSsoRoleCredentials(session, a.accountId, set);
      const client = createOrganizationsClient({ credentials, endpoint: options.endpoint, maxAttempts: 4 });
      try {
        const org = await discoverOrganization(client, {
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        });
        return { accounts: new Map(org.accounts.map((x) => [x.id, x])), readAs: `${a.accountId} ${set}` };
      } finally {
        client.destroy();
      }
    } catch {
      // not this session: try the next
    }
  }
  return {
    accounts: new Map(),
    note: `OUs and tags were not read: none of the permission sets tried (${tried.size} account${tried.size === 1 ? '' : 's'}${managementId ? `, the management account ${managementId} ${tried.has(managementId) ? 'included' : 'not assigned to you'}` : ''}) can list AWS Organizations; stages come from the account names`,
  };
}

async function managementAccountOf(
  session: SsoSession,
  accountId: string,
  set: string,
  options: { endpoint?: string | undefined },
): Promise<string | undefined> {
  try {
    const credentials = await getSsoRoleCredentials(session, accountId, set);
    const client = createOrganizationsClient({ credentials, endpoint: options.endpoint, maxAttempts: 2 });
    try {
      const { DescribeOrganizationCommand } = requireSdk('@aws-sdk/client-organizations');
      const out = await client.send(new DescribeOrganizationCommand({}));
      return out.Organization?.MasterAccountId;
    } finally {
      client.destroy();
    }
  } catch {
    return undefined;
  }
}
