import type { World } from '../../src/sandbox/world/types.js';
import { MANAGEMENT } from '../helpers/sandbox-clients.js';

/** The bootstrap tests' look at IAM: alice (the management account's user they run as), snapshots, access. */
export { MANAGEMENT };
export const ALICE = `arn:aws:iam::${MANAGEMENT}:user/alice`;

/**
 * What bootstrap may change, in every account: roles (trust, attached and inline policies), groups (policies)
 * and users' group memberships. `lastUsed` is left out: reading through `--via` assumes roles, which is not a
 * change bootstrap makes.
 */
export function iamSnapshot(world: World): string {
  return JSON.stringify(
    Object.values(world.accounts).map((a) => ({
      id: a.id,
      roles: Object.values(a.iam.roles).map((r) => [
        r.name,
        r.assumeRolePolicyDocument,
        r.attachedPolicies,
        r.inlinePolicies,
      ]),
      groups: Object.values(a.iam.groups).map((g) => [g.name, g.inlinePolicies, g.attachedPolicies]),
      users: Object.values(a.iam.users).map((u) => [u.name, u.groups]),
    })),
  );
}

/**
 * alice as the management account's admin: IAM in her own account (the groups bootstrap makes there) and
 * OrganizationAccountAccessRole in every member account, the way into accounts the organization created.
 */
export function allowOrganizationAccess(world: World): void {
  const alice = world.accounts[MANAGEMENT]?.iam.users['alice'];
  if (!alice) throw new Error('no alice in the sandbox');
  alice.inlinePolicies['organization-admin'] = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/OrganizationAccountAccessRole' },
      { Effect: 'Allow', Action: 'iam:*', Resource: `arn:aws:iam::${MANAGEMENT}:*` },
    ],
  });
}
