import { createRole } from '../../world/iam-entities.js';
import { num, str, strList, type HandlerContext } from '../../service.js';
import {
  alreadyExists,
  applyTags,
  byName,
  checkPolicy,
  deleteConflict,
  findNamed,
  iamOf,
  isoNow,
  limitExceeded,
  nameOf,
  pageOut,
  paginate,
  pathOf,
  pathPrefixFilter,
  recordWrite,
  required,
  tagsIn,
  tagsOut,
  validationError,
  type IamOperation,
} from './common.js';
import { requireRole, roleOut, roleResource } from './entities.js';

type Input = Record<string, unknown>;

const ROLES_PER_ACCOUNT = 1000;

function maxSessionDurationOf(input: Input): number | undefined {
  const value = num(input, 'MaxSessionDuration');
  if (value === undefined) return undefined;
  if (value < 3600)
    throw validationError(
      `1 validation error detected: Value '${value}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600`,
    );
  if (value > 43_200)
    throw validationError(
      `1 validation error detected: Value '${value}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200`,
    );
  return value;
}

function descriptionOf(input: Input): string | undefined {
  const value = str(input, 'Description');
  if (value !== undefined && value.length > 1000) {
    throw validationError(
      `1 validation error detected: Value '${value}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000`,
    );
  }
  return value;
}

function createRoleOp(ctx: HandlerContext, input: Input) {
  const name = nameOf(input, 'RoleName');
  const path = pathOf(input);
  const trust = checkPolicy(required(input, 'AssumeRolePolicyDocument'), 'trust');
  const maxSessionDuration = maxSessionDurationOf(input);
  const description = descriptionOf(input);
  const tags = tagsIn(input);
  const account = iamOf(ctx);
  if (findNamed(account.iam.roles, name)) throw alreadyExists(`Role with name ${name} already exists.`);
  if (Object.keys(account.iam.roles).length >= ROLES_PER_ACCOUNT)
    throw limitExceeded(`Cannot exceed quota for RolesPerAccount: ${ROLES_PER_ACCOUNT}`);
  const role = createRole(ctx.world, account, name, {
    path,
    createDate: isoNow(ctx),
    trust,
    tags,
    ...(maxSessionDuration === undefined ? {} : { maxSessionDuration }),
    ...(description === undefined ? {} : { description }),
  });
  recordWrite(ctx, input, [{ type: 'AWS::IAM::Role', name: role.arn }]);
  return { Role: { ...roleOut(role, false), Tags: tagsOut(role.tags) } };
}

function getRole(ctx: HandlerContext, input: Input) {
  return { Role: roleOut(requireRole(iamOf(ctx), nameOf(input, 'RoleName')), true) };
}

function listRoles(ctx: HandlerContext, input: Input) {
  const roles = Object.values(iamOf(ctx).iam.roles).filter(pathPrefixFilter(input)).sort(byName);
  return pageOut(
    'Roles',
    paginate(
      roles.map((r) => roleOut(r, false)),
      input,
    ),
  );
}

function deleteRole(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const role = requireRole(account, nameOf(input, 'RoleName'));
  if (role.attachedPolicies.length > 0) throw deleteConflict('Cannot delete entity, must detach all policies first.');
  if (Object.keys(role.inlinePolicies).length > 0)
    throw deleteConflict('Cannot delete entity, must delete policies first.');
  delete account.iam.roles[role.name];
  recordWrite(ctx, input, [{ type: 'AWS::IAM::Role', name: role.arn }]);
  return {};
}

function updateRole(ctx: HandlerContext, input: Input) {
  const role = requireRole(iamOf(ctx), nameOf(input, 'RoleName'));
  const maxSessionDuration = maxSessionDurationOf(input);
  const description = descriptionOf(input);
  if (maxSessionDuration !== undefined) role.maxSessionDuration = maxSessionDuration;
  if (description !== undefined) role.description = description;
  recordWrite(ctx, input, [{ type: 'AWS::IAM::Role', name: role.arn }]);
  return {};
}

function updateAssumeRolePolicy(ctx: HandlerContext, input: Input) {
  const role = requireRole(iamOf(ctx), nameOf(input, 'RoleName'));
  role.assumeRolePolicyDocument = checkPolicy(required(input, 'PolicyDocument'), 'trust');
  recordWrite(ctx, input, [{ type: 'AWS::IAM::Role', name: role.arn }]);
  return {};
}

function tagRole(ctx: HandlerContext, input: Input) {
  const role = requireRole(iamOf(ctx), nameOf(input, 'RoleName'));
  applyTags(role.tags, tagsIn(input));
  recordWrite(ctx, input);
  return {};
}

function untagRole(ctx: HandlerContext, input: Input) {
  const role = requireRole(iamOf(ctx), nameOf(input, 'RoleName'));
  for (const key of strList(input, 'TagKeys')) delete role.tags[key];
  recordWrite(ctx, input);
  return {};
}

function listRoleTags(ctx: HandlerContext, input: Input) {
  const role = requireRole(iamOf(ctx), nameOf(input, 'RoleName'));
  return pageOut('Tags', paginate(tagsOut(role.tags) ?? [], input));
}

export const roleOperations: Record<string, IamOperation> = {
  CreateRole: { run: createRoleOp, resource: roleResource },
  GetRole: { run: getRole, resource: roleResource },
  ListRoles: listRoles,
  DeleteRole: { run: deleteRole, resource: roleResource },
  UpdateRole: { run: updateRole, resource: roleResource },
  UpdateAssumeRolePolicy: { run: updateAssumeRolePolicy, resource: roleResource },
  TagRole: { run: tagRole, resource: roleResource },
  UntagRole: { run: untagRole, resource: roleResource },
  ListRoleTags: { run: listRoleTags, resource: roleResource },
};
