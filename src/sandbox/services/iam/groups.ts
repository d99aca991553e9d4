import { createGroup } from '../../world/iam-entities.js';
import type { HandlerContext } from '../../service.js';
import type { SandboxAccount } from '../../world/types.js';
import {
  alreadyExists,
  byName,
  deleteConflict,
  findNamed,
  iamOf,
  isoNow,
  limitExceeded,
  nameOf,
  noSuchEntity,
  pageOut,
  paginate,
  pathOf,
  pathPrefixFilter,
  recordWrite,
  type IamOperation,
} from './common.js';
import { groupOut, groupResource, requireGroup, requireUser, userOut, userResource } from './entities.js';

type Input = Record<string, unknown>;

/** IAM allows a user in at most 10 groups. */
const GROUPS_PER_USER = 10;

function membersOf(account: SandboxAccount, groupName: string) {
  return Object.values(account.iam.users)
    .filter((u) => u.groups.includes(groupName))
    .sort(byName);
}

function createGroupOp(ctx: HandlerContext, input: Input) {
  const name = nameOf(input, 'GroupName', 128);
  const path = pathOf(input);
  const account = iamOf(ctx);
  if (findNamed(account.iam.groups, name)) throw alreadyExists(`Group with name ${name} already exists.`);
  const group = createGroup(ctx.world, account, name, { path, createDate: isoNow(ctx) });
  recordWrite(ctx, input, [{ type: 'AWS::IAM::Group', name: group.arn }]);
  return { Group: groupOut(group) };
}

function getGroup(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const group = requireGroup(account, nameOf(input, 'GroupName', 128));
  const page = paginate(
    membersOf(account, group.name).map((u) => userOut(u)),
    input,
  );
  return { Group: groupOut(group), ...pageOut('Users', page) };
}

function listGroups(ctx: HandlerContext, input: Input) {
  const groups = Object.values(iamOf(ctx).iam.groups).filter(pathPrefixFilter(input)).sort(byName);
  return pageOut('Groups', paginate(groups.map(groupOut), input));
}

function listGroupsForUser(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const user = requireUser(account, nameOf(input, 'UserName', 128));
  const groups = user.groups.flatMap((g) => {
    const group = account.iam.groups[g];
    return group ? [groupOut(group)] : [];
  });
  return pageOut('Groups', paginate(groups, input));
}

function addUserToGroup(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const group = requireGroup(account, nameOf(input, 'GroupName', 128));
  const user = requireUser(account, nameOf(input, 'UserName', 128));
  if (!user.groups.includes(group.name)) {
    if (user.groups.length >= GROUPS_PER_USER)
      throw limitExceeded(`Cannot exceed quota for GroupsPerUser: ${GROUPS_PER_USER}`);
    user.groups.push(group.name);
  }
  recordWrite(ctx, input, [{ type: 'AWS::IAM::Group', name: group.arn }]);
  return {};
}

function removeUserFromGroup(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const group = requireGroup(account, nameOf(input, 'GroupName', 128));
  const user = requireUser(account, nameOf(input, 'UserName', 128));
  if (!user.groups.includes(group.name))
    throw noSuchEntity(`The user with name ${user.name} cannot be found in group ${group.name}.`);
  user.groups = user.groups.filter((g) => g !== group.name);
  recordWrite(ctx, input, [{ type: 'AWS::IAM::Group', name: group.arn }]);
  return {};
}

function deleteGroup(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const group = requireGroup(account, nameOf(input, 'GroupName', 128));
  if (membersOf(account, group.name).length > 0)
    throw deleteConflict('Cannot delete entity, must remove users from group first.');
  if (group.attachedPolicies.length > 0) throw deleteConflict('Cannot delete entity, must detach all policies first.');
  if (Object.keys(group.inlinePolicies).length > 0)
    throw deleteConflict('Cannot delete entity, must delete policies first.');
  delete account.iam.groups[group.name];
  recordWrite(ctx, input, [{ type: 'AWS::IAM::Group', name: group.arn }]);
  return {};
}

export const groupOperations: Record<string, IamOperation> = {
  CreateGroup: { run: createGroupOp, resource: groupResource },
  GetGroup: { run: getGroup, resource: groupResource },
  ListGroups: listGroups,
  ListGroupsForUser: { run: listGroupsForUser, resource: userResource },
  AddUserToGroup: { run: addUserToGroup, resource: groupResource },
  RemoveUserFromGroup: { run: removeUserFromGroup, resource: groupResource },
  DeleteGroup: { run: deleteGroup, resource: groupResource },
};
