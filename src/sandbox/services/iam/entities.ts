import type { HandlerContext } from '../../service.js';
import type { IamGroup, IamRole, IamUser, SandboxAccount } from '../../world/types.js';
import { str } from '../../service.js';
import { encodeDocument, findNamed, noSuchEntity, tagsOut, userNameOrCaller } from './common.js';

/** Lookups that fail with IAM's NoSuchEntity, and the model's output shapes of users, groups and roles. */

export function requireUser(account: SandboxAccount, name: string): IamUser {
  const user = findNamed(account.iam.users, name);
  if (!user) throw noSuchEntity(`The user with name ${name} cannot be found.`);
  return user;
}

export function requireGroup(account: SandboxAccount, name: string): IamGroup {
  const group = findNamed(account.iam.groups, name);
  if (!group) throw noSuchEntity(`The group with name ${name} cannot be found.`);
  return group;
}

export function requireRole(account: SandboxAccount, name: string): IamRole {
  const role = findNamed(account.iam.roles, name);
  if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return role;
}

/**
 * The ARN an operation is authorized against. AWS authorizes before it looks the entity up, so an unknown
 * name still gets AccessDenied (not NoSuchEntity) and the ARN is built from the name with the root path.
 */
function arnFor(ctx: HandlerContext, kind: 'user' | 'group' | 'role', name: string | undefined): string {
  const account = ctx.world.accounts[ctx.caller.accountId];
  const records = kind === 'user' ? account?.iam.users : kind === 'group' ? account?.iam.groups : account?.iam.roles;
  const found =
    name === undefined || records === undefined ? undefined : findNamed<{ name: string; arn: string }>(records, name);
  return found?.arn ?? `arn:aws:iam::${ctx.caller.accountId}:${kind}/${name ?? '*'}`;
}

export const userResource = (ctx: HandlerContext, input: Record<string, unknown>) =>
  arnFor(ctx, 'user', str(input, 'UserName'));
/** For self-service calls (no UserName) the resource is the calling user. */
export const selfUserResource = (ctx: HandlerContext, input: Record<string, unknown>) =>
  arnFor(ctx, 'user', userNameOrCaller(ctx, input));
export const groupResource = (ctx: HandlerContext, input: Record<string, unknown>) =>
  arnFor(ctx, 'group', str(input, 'GroupName'));
export const roleResource = (ctx: HandlerContext, input: Record<string, unknown>) =>
  arnFor(ctx, 'role', str(input, 'RoleName'));

export function userOut(user: IamUser, withTags = false): Record<string, unknown> {
  return {
    Path: user.path,
    UserName: user.name,
    UserId: user.id,
    Arn: user.arn,
    CreateDate: new Date(user.createDate),
    ...(user.passwordLastUsed ? { PasswordLastUsed: new Date(user.passwordLastUsed) } : {}),
    ...(withTags ? { Tags: tagsOut(user.tags) } : {}),
  };
}

export function groupOut(group: IamGroup): Record<string, unknown> {
  return {
    Path: group.path,
    GroupName: group.name,
    GroupId: group.id,
    Arn: group.arn,
    CreateDate: new Date(group.createDate),
  };
}

export function roleLastUsedOut(role: IamRole): Record<string, unknown> {
  return role.lastUsed ? { LastUsedDate: new Date(role.lastUsed.date), Region: role.lastUsed.region } : {};
}

/** ListRoles leaves out tags and last use ("to view all of the information for a role, see GetRole"). */
export function roleOut(role: IamRole, full: boolean): Record<string, unknown> {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: role.arn,
    CreateDate: new Date(role.createDate),
    AssumeRolePolicyDocument: encodeDocument(role.assumeRolePolicyDocument),
    ...(role.description === undefined ? {} : { Description: role.description }),
    MaxSessionDuration: role.maxSessionDuration,
    ...(full ? { Tags: tagsOut(role.tags), RoleLastUsed: roleLastUsedOut(role) } : {}),
  };
}
