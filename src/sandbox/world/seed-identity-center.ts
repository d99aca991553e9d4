import type { World } from './types.js';
import { MANAGEMENT_ACCOUNT_ID, allowDocument } from './build-org.js';
import {
  addIdcGroup,
  addIdcUser,
  addPermissionSet,
  assign,
  createIdentityCenter,
  provisionedRole,
} from './identity-center.js';

/** The demo's Identity Center lives in eu-west-1, so that its roles carry the region in their path as AWS's do. */
export const IDENTITY_CENTER_REGION = 'eu-west-1';
const DAY = 86_400_000;

/**
 * The organization's Identity Center, mirroring its IAM people: the management account's users become identity
 * store users, its groups become groups, and each group's cross-account access becomes an assignment:
 * `<stage>_administrator` → AdministratorAccess in that account, `readers` → ReadOnlyAccess in the management
 * account and every member account a person of the organization may read without an ExternalId (a consultant's
 * client is not in the organization's Identity Center). The management account's ReadOnlyAccess session may chain
 * into CrossbarReadOnly, as the readers group may.
 */
export function seedIdentityCenter(world: World, now: number): void {
  const mgmt = world.accounts[MANAGEMENT_ACCOUNT_ID];
  if (!mgmt) return;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const createDate = iso(now - 200 * DAY);
  const ic = createIdentityCenter(world, IDENTITY_CENTER_REGION);
  for (const user of Object.values(mgmt.iam.users)) {
    const name = user.name.charAt(0).toUpperCase() + user.name.slice(1);
    addIdcUser(world, ic, user.name, name);
  }
  for (const group of Object.values(mgmt.iam.groups)) {
    const members = Object.values(mgmt.iam.users)
      .filter((u) => u.groups.includes(group.name))
      .map((u) => u.name);
    addIdcGroup(world, ic, group.name, members);
  }
  addPermissionSet(world, ic, {
    name: 'AdministratorAccess',
    description: 'Administrator access, for an hour at a time',
    sessionDuration: 'PT1H',
    managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'],
  });
  addPermissionSet(world, ic, {
    name: 'ReadOnlyAccess',
    description: 'Read-only access, and the hop into CrossbarReadOnly',
    sessionDuration: 'PT8H',
    managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    inlinePolicy: allowDocument('sts:AssumeRole', 'arn:aws:iam::*:role/CrossbarReadOnly'),
  });
  for (const account of Object.values(world.accounts)) {
    const admins = `${account.name}_administrator`;
    if (ic.groups[admins])
      assign(world, ic, account.id, 'AdministratorAccess', { type: 'GROUP', name: admins }, createDate);
  }
  if (!ic.groups['readers']) return;
  for (const account of Object.values(world.accounts)) {
    if (externalIdRequired(account.iam.roles['CrossbarReadOnly']?.assumeRolePolicyDocument)) continue;
    assign(world, ic, account.id, 'ReadOnlyAccess', { type: 'GROUP', name: 'readers' }, createDate);
  }
  // People sign in through Identity Center every day: its roles were used yesterday, as alice's key was.
  for (const a of ic.assignments) {
    const set = ic.permissionSets[a.permissionSet];
    const role = set ? provisionedRole(world, ic, set, a.accountId) : undefined;
    if (role) role.lastUsed = { date: iso(now - DAY), region: IDENTITY_CENTER_REGION };
  }
  const readOnly = ic.permissionSets['ReadOnlyAccess'];
  const hub = readOnly ? provisionedRole(world, ic, readOnly, mgmt.id) : undefined;
  if (!hub) return;
  // The management account's ReadOnlyAccess session is a hub like CrossbarHub: CrossbarReadOnly trusts it by its
  // exact ARN (path included, as AWS requires of AWSReservedSSO roles), so that SSO sessions chain in.
  for (const account of Object.values(world.accounts)) {
    const role = account.iam.roles['CrossbarReadOnly'];
    if (!role || externalIdRequired(role.assumeRolePolicyDocument)) continue;
    role.assumeRolePolicyDocument = withTrustedPrincipal(role.assumeRolePolicyDocument, hub.arn);
  }
}

/** Adds a principal to the first statement's `Principal.AWS` list. */
function withTrustedPrincipal(document: string, arn: string): string {
  const doc = JSON.parse(document) as { Statement?: { Principal?: { AWS?: string | string[] } }[] };
  const first = doc.Statement?.[0];
  if (!first?.Principal) return document;
  const current = first.Principal.AWS;
  first.Principal.AWS = [...(Array.isArray(current) ? current : current ? [current] : []), arn];
  return JSON.stringify(doc);
}

function externalIdRequired(trust: string | undefined): boolean {
  return trust !== undefined && trust.includes('sts:ExternalId');
}
