import { createHash } from 'node:crypto';
import type { IdentityCenterState, PermissionSet } from './identity-center-types.js';
import type { IamRole, World } from './types.js';
import { newResourceId } from './ids.js';
import { createRole } from './iam-entities.js';
import { trustDocument } from './build-org.js';

/**
 * Builds the organization's IAM Identity Center: the instance, its identity store, permission sets and account
 * assignments, and the `AWSReservedSSO_<set>_<16 hex>` roles that provisioning creates in each assigned account.
 */

const hex = (world: World, n: number) => newResourceId(world, 'x', n).slice(2);

export function createIdentityCenter(world: World, region: string): IdentityCenterState {
  const identityStoreId = `d-${hex(world, 10)}`;
  const ic: IdentityCenterState = {
    instanceArn: `arn:aws:sso:::instance/ssoins-${hex(world, 16)}`,
    identityStoreId,
    region,
    startUrl: `https://${identityStoreId}.awsapps.com/start`,
    users: {},
    groups: {},
    permissionSets: {},
    assignments: [],
    clients: {},
    devices: {},
    accessTokens: {},
    refreshTokens: {},
  };
  world.identityCenter = ic;
  return ic;
}

export function addIdcUser(world: World, ic: IdentityCenterState, userName: string, displayName: string): void {
  const id = hex(world, 32);
  const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
  ic.users[userName] = {
    userId: `${ic.identityStoreId.slice(2)}-${uuid}`,
    userName,
    displayName,
    email: `${userName}@example.com`,
  };
}

export function addIdcGroup(world: World, ic: IdentityCenterState, displayName: string, members: string[]): void {
  const id = hex(world, 32);
  ic.groups[displayName] = {
    groupId: `${ic.identityStoreId.slice(2)}-${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`,
    displayName,
    members,
  };
}

export function addPermissionSet(
  world: World,
  ic: IdentityCenterState,
  spec: Omit<PermissionSet, 'arn'>,
): PermissionSet {
  const instanceId = ic.instanceArn.slice(ic.instanceArn.lastIndexOf('/') + 1);
  const set: PermissionSet = { ...spec, arn: `arn:aws:sso:::permissionSet/${instanceId}/ps-${hex(world, 16)}` };
  ic.permissionSets[set.name] = set;
  return set;
}

/** PT8H, PT1H30M → seconds. */
export function durationSeconds(iso: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(iso);
  if (!m) return 3600;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) || 3600;
}

/**
 * The provisioned role's name. AWS's suffix is opaque and differs per account; the sandbox derives it from the
 * instance, the permission set and the account, so that the same world always has the same role names.
 */
export function provisionedRoleName(ic: IdentityCenterState, set: PermissionSet, accountId: string): string {
  const hash = createHash('sha256').update(`${ic.instanceArn}|${set.arn}|${accountId}`).digest('hex').slice(0, 16);
  return `AWSReservedSSO_${set.name}_${hash}`;
}

/** `/aws-reserved/sso.amazonaws.com/` plus the region when the instance is not in us-east-1, as AWS does. */
export function provisionedRolePath(ic: IdentityCenterState): string {
  return ic.region === 'us-east-1'
    ? '/aws-reserved/sso.amazonaws.com/'
    : `/aws-reserved/sso.amazonaws.com/${ic.region}/`;
}

/** The account's SAML provider that trusts the instance: `AWSSSO_<16 hex>_DO_NOT_DELETE`. */
export function samlProviderArn(ic: IdentityCenterState, accountId: string): string {
  const hash = createHash('sha256').update(`${ic.instanceArn}|saml|${accountId}`).digest('hex').slice(0, 16);
  return `arn:aws:iam::${accountId}:saml-provider/AWSSSO_${hash}_DO_NOT_DELETE`;
}

/** The role of a permission set in an account, if it is provisioned there. */
export function provisionedRole(
  world: World,
  ic: IdentityCenterState,
  set: PermissionSet,
  accountId: string,
): IamRole | undefined {
  return world.accounts[accountId]?.iam.roles[provisionedRoleName(ic, set, accountId)];
}

/** Assigns a permission set to a user or group in an account, provisioning its role there once. */
export function assign(
  world: World,
  ic: IdentityCenterState,
  accountId: string,
  permissionSet: string,
  principal: { type: 'USER' | 'GROUP'; name: string },
  createDate: string,
): void {
  const set = ic.permissionSets[permissionSet];
  const account = world.accounts[accountId];
  if (!set || !account) throw new Error(`cannot assign ${permissionSet} in ${accountId}`);
  ic.assignments.push({ accountId, permissionSet, principalType: principal.type, principalName: principal.name });
  if (provisionedRole(world, ic, set, accountId)) return;
  const role = createRole(world, account, provisionedRoleName(ic, set, accountId), {
    path: provisionedRolePath(ic),
    createDate,
    maxSessionDuration: durationSeconds(set.sessionDuration),
    ...(set.description ? { description: set.description } : {}),
    trust: trustDocument([
      {
        Effect: 'Allow',
        Principal: { Federated: samlProviderArn(ic, accountId) },
        Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
        Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
      },
    ]),
  });
  role.attachedPolicies.push(...set.managedPolicies);
  if (set.inlinePolicy) role.inlinePolicies['AwsSSOInlinePolicy'] = set.inlinePolicy;
}

/** Every (account, permission set) the user is assigned, directly or through a group. */
export function userAssignments(
  ic: IdentityCenterState,
  userName: string,
): { accountId: string; permissionSet: string }[] {
  const groups = new Set(
    Object.values(ic.groups)
      .filter((g) => g.members.includes(userName))
      .map((g) => g.displayName),
  );
  const seen = new Set<string>();
  const out: { accountId: string; permissionSet: string }[] = [];
  for (const a of ic.assignments) {
    const mine = a.principalType === 'USER' ? a.principalName === userName : groups.has(a.principalName);
    const key = `${a.accountId}|${a.permissionSet}`;
    if (!mine || seen.has(key)) continue;
    seen.add(key);
    out.push({ accountId: a.accountId, permissionSet: a.permissionSet });
  }
  return out;
}
