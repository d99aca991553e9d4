import { epochMs, items, readGroups, readPolicies, readRoles, readUsers, text } from './read-iam.js';
import type { AccessKeyInfo, CollectedAccount, IamUserInfo, OrganizationInfo } from './types.js';

/**
 * One account's IAM, as the audit needs it: GetAccountAuthorizationDetails (every page), then per user its
 * access keys with their last use and its MFA devices, and the organization the account says it belongs to.
 * Any IAM failure fails the account (it is then "not covered"); only DescribeOrganization is best-effort,
 * since an account outside any organization answers it with an error.
 */
export type CallAws = (
  service: string,
  operation: string,
  input?: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

export interface CollectMeta {
  accountId: string;
  name: string;
  now: number;
}

async function accessKeysOf(call: CallAws, userName: string): Promise<AccessKeyInfo[]> {
  const listed = await call('iam', 'ListAccessKeys', { UserName: userName });
  return Promise.all(
    items(listed['AccessKeyMetadata']).map(async (k) => {
      const id = text(k['AccessKeyId']) ?? '?';
      const used = await call('iam', 'GetAccessKeyLastUsed', { AccessKeyId: id });
      const last = used['AccessKeyLastUsed'];
      return {
        id,
        status: text(k['Status']) ?? 'Active',
        createDate: epochMs(k['CreateDate']),
        lastUsed:
          typeof last === 'object' && last !== null && 'LastUsedDate' in last ? epochMs(last.LastUsedDate) : undefined,
      };
    }),
  );
}

async function mfaDevicesOf(call: CallAws, userName: string): Promise<string[]> {
  const listed = await call('iam', 'ListMFADevices', { UserName: userName });
  return items(listed['MFADevices'])
    .map((d) => text(d['SerialNumber']))
    .filter((s): s is string => s !== undefined);
}

async function organizationOf(call: CallAws): Promise<OrganizationInfo | undefined> {
  try {
    const out = await call('organizations', 'DescribeOrganization');
    const org = out['Organization'];
    if (typeof org !== 'object' || org === null) return undefined;
    const id = 'Id' in org ? text(org.Id) : undefined;
    const managementAccountId = 'MasterAccountId' in org ? text(org.MasterAccountId) : undefined;
    return id && managementAccountId ? { id, managementAccountId } : undefined;
  } catch {
    // AWSOrganizationsNotInUseException or a denial: the account's membership is simply unknown.
    return undefined;
  }
}

export async function collectAccount(call: CallAws, meta: CollectMeta): Promise<CollectedAccount> {
  const [details, organization] = await Promise.all([
    call('iam', 'GetAccountAuthorizationDetails'),
    organizationOf(call),
  ]);
  const users: IamUserInfo[] = await Promise.all(
    readUsers(details).map(async (u) => {
      const [accessKeys, mfaDevices] = await Promise.all([accessKeysOf(call, u.name), mfaDevicesOf(call, u.name)]);
      return { ...u, accessKeys, mfaDevices, passwordLastUsed: undefined };
    }),
  );
  return {
    accountId: meta.accountId,
    name: meta.name,
    users,
    groups: readGroups(details),
    roles: readRoles(details),
    policies: readPolicies(details),
    organization,
    collectedAt: meta.now,
  };
}
