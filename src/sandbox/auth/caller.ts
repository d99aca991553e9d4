import type { PrincipalRef, SessionRecord, World } from '../world/types.js';
import { findAwsManagedPolicy } from '../world/aws-managed-policies.js';

/** The authenticated principal a request acts as. */
export interface Caller {
  accountId: string;
  /** arn:aws:iam::A:user/alice, arn:aws:sts::A:assumed-role/R/session or arn:aws:iam::A:root */
  arn: string;
  /** AIDA… for a user, AROA…:session for a role session, the account id for root. */
  userId: string;
  principal: PrincipalRef;
  accessKeyId: string;
  /** Set for temporary credentials. */
  session?: SessionRecord;
}

export function principalArn(world: World, principal: PrincipalRef): string {
  switch (principal.type) {
    case 'root':
      return `arn:aws:iam::${principal.accountId}:root`;
    case 'user':
      return (
        world.accounts[principal.accountId]?.iam.users[principal.userName]?.arn ??
        `arn:aws:iam::${principal.accountId}:user/${principal.userName}`
      );
    case 'assumed-role':
      return `arn:aws:sts::${principal.accountId}:assumed-role/${principal.roleName}/${principal.sessionName}`;
  }
}

export function principalUserId(world: World, principal: PrincipalRef): string {
  const account = world.accounts[principal.accountId];
  switch (principal.type) {
    case 'root':
      return principal.accountId;
    case 'user':
      return account?.iam.users[principal.userName]?.id ?? principal.userName;
    case 'assumed-role':
      return `${account?.iam.roles[principal.roleName]?.id ?? principal.roleName}:${principal.sessionName}`;
  }
}

/** Does the principal still exist? A deleted user's keys and a deleted role's sessions stop working. */
export function principalExists(world: World, principal: PrincipalRef): boolean {
  const account = world.accounts[principal.accountId];
  if (!account) return false;
  if (principal.type === 'user') return principal.userName in account.iam.users;
  if (principal.type === 'assumed-role') return principal.roleName in account.iam.roles;
  return true;
}

export function callerFor(world: World, principal: PrincipalRef, accessKeyId: string, session?: SessionRecord): Caller {
  return {
    accountId: principal.accountId,
    arn: principalArn(world, principal),
    userId: principalUserId(world, principal),
    principal,
    accessKeyId,
    ...(session ? { session } : {}),
  };
}

function managedDocument(world: World, accountId: string, arn: string): string | undefined {
  const aws = findAwsManagedPolicy(arn);
  if (aws) return aws.document;
  const policy = world.accounts[accountId]?.iam.policies[arn];
  return policy?.versions[policy.defaultVersionId]?.document;
}

/**
 * The identity-based policies that apply to a principal: a user's inline and attached policies and those of
 * its groups; a role session's role policies. Root has none: it is allowed everything (returns undefined).
 */
export function identityPolicies(world: World, principal: PrincipalRef): string[] | undefined {
  const account = world.accounts[principal.accountId];
  if (!account) return [];
  if (principal.type === 'root') return undefined;
  const docs: string[] = [];
  const addAttached = (arns: string[]) => {
    for (const arn of arns) {
      const doc = managedDocument(world, principal.accountId, arn);
      if (doc) docs.push(doc);
    }
  };
  if (principal.type === 'user') {
    const user = account.iam.users[principal.userName];
    if (!user) return [];
    docs.push(...Object.values(user.inlinePolicies));
    addAttached(user.attachedPolicies);
    for (const groupName of user.groups) {
      const group = account.iam.groups[groupName];
      if (!group) continue;
      docs.push(...Object.values(group.inlinePolicies));
      addAttached(group.attachedPolicies);
    }
    return docs;
  }
  const role = account.iam.roles[principal.roleName];
  if (!role) return [];
  docs.push(...Object.values(role.inlinePolicies));
  addAttached(role.attachedPolicies);
  return docs;
}
