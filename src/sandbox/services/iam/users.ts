import { accessKeysOf, createUser } from '../../world/iam-entities.js';
import { strList, type HandlerContext } from '../../service.js';
import {
  alreadyExists,
  applyTags,
  byName,
  deleteConflict,
  findNamed,
  iamOf,
  isoNow,
  nameOf,
  pageOut,
  paginate,
  pathOf,
  pathPrefixFilter,
  recordWrite,
  tagsIn,
  tagsOut,
  validationError,
  type IamOperation,
} from './common.js';
import { requireUser, userOut, userResource } from './entities.js';

type Input = Record<string, unknown>;

function createUserOp(ctx: HandlerContext, input: Input) {
  const name = nameOf(input, 'UserName');
  const path = pathOf(input);
  const tags = tagsIn(input);
  const account = iamOf(ctx);
  if (findNamed(account.iam.users, name)) throw alreadyExists(`User with name ${name} already exists.`);
  const user = createUser(ctx.world, account, name, { path, createDate: isoNow(ctx), tags });
  recordWrite(ctx, input, [{ type: 'AWS::IAM::User', name: user.arn }]);
  return { User: userOut(user, true) };
}

/** Without UserName, GetUser describes the caller: a user, or the account root (which has no name or path). */
function getUser(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const p = ctx.caller.principal;
  if (input['UserName'] === undefined && p.type === 'root') {
    return { User: { UserId: account.id, Arn: ctx.caller.arn, CreateDate: new Date(account.joinedTimestamp) } };
  }
  if (input['UserName'] === undefined && p.type !== 'user')
    throw validationError('Must specify userName when calling with non-User credentials');
  const name = input['UserName'] === undefined && p.type === 'user' ? p.userName : nameOf(input, 'UserName', 128);
  return { User: userOut(requireUser(account, name), true) };
}

function getUserResource(ctx: HandlerContext, input: Input): string {
  if (input['UserName'] === undefined && ctx.caller.principal.type !== 'user') return ctx.caller.arn;
  const p = ctx.caller.principal;
  return userResource(ctx, input['UserName'] === undefined && p.type === 'user' ? { UserName: p.userName } : input);
}

function listUsers(ctx: HandlerContext, input: Input) {
  const users = Object.values(iamOf(ctx).iam.users).filter(pathPrefixFilter(input)).sort(byName);
  return pageOut(
    'Users',
    paginate(
      users.map((u) => userOut(u)),
      input,
    ),
  );
}

/** IAM refuses to delete a user that still owns anything, naming the first thing to remove. */
function deleteUser(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const user = requireUser(account, nameOf(input, 'UserName', 128));
  if (accessKeysOf(ctx.world, account.id, user.name).length > 0)
    throw deleteConflict('Cannot delete entity, must delete access keys first.');
  if (Object.values(account.iam.mfaDevices).some((d) => d.userName === user.name))
    throw deleteConflict('Cannot delete entity, must delete MFA device first.');
  if (user.attachedPolicies.length > 0) throw deleteConflict('Cannot delete entity, must detach all policies first.');
  if (Object.keys(user.inlinePolicies).length > 0)
    throw deleteConflict('Cannot delete entity, must delete policies first.');
  if (user.groups.length > 0) throw deleteConflict('Cannot delete entity, must remove user from all groups first.');
  delete account.iam.users[user.name];
  recordWrite(ctx, input, [{ type: 'AWS::IAM::User', name: user.arn }]);
  return {};
}

function tagUser(ctx: HandlerContext, input: Input) {
  const user = requireUser(iamOf(ctx), nameOf(input, 'UserName', 128));
  applyTags(user.tags, tagsIn(input));
  recordWrite(ctx, input);
  return {};
}

function untagUser(ctx: HandlerContext, input: Input) {
  const user = requireUser(iamOf(ctx), nameOf(input, 'UserName', 128));
  for (const key of strList(input, 'TagKeys')) delete user.tags[key];
  recordWrite(ctx, input);
  return {};
}

function listUserTags(ctx: HandlerContext, input: Input) {
  const user = requireUser(iamOf(ctx), nameOf(input, 'UserName', 128));
  return pageOut('Tags', paginate(tagsOut(user.tags) ?? [], input));
}

export const userOperations: Record<string, IamOperation> = {
  CreateUser: { run: createUserOp, resource: userResource },
  GetUser: { run: getUser, resource: getUserResource },
  ListUsers: listUsers,
  DeleteUser: { run: deleteUser, resource: userResource },
  TagUser: { run: tagUser, resource: userResource },
  UntagUser: { run: untagUser, resource: userResource },
  ListUserTags: { run: listUserTags, resource: userResource },
};
