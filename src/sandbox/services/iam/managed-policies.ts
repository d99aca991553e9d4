import { createManagedPolicy } from '../../world/iam-entities.js';
import { bool, str, type HandlerContext } from '../../service.js';
import type { ManagedPolicy, SandboxAccount } from '../../world/types.js';
import {
  alreadyExists,
  byName,
  checkPolicy,
  deleteConflict,
  iamOf,
  isoNow,
  limitExceeded,
  nameOf,
  noSuchEntity,
  pageOut,
  paginate,
  pathPrefixFilter,
  recordWrite,
  required,
  validationError,
  type IamOperation,
} from './common.js';
import {
  attachedEntities,
  attachmentCount,
  awsManagedViews,
  localViews,
  policyArnOf,
  policyOut,
  policyResource,
  requirePolicy,
  versionOut,
} from './policy-view.js';

type Input = Record<string, unknown>;

const VERSIONS_PER_POLICY = 5;
const POLICY_PATH_RE = /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/;

function policyPathOf(input: Input): string {
  const path = str(input, 'Path') ?? '/';
  if (path.length > 512 || !POLICY_PATH_RE.test(path)) {
    throw validationError(
      `1 validation error detected: Value '${path}' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/`,
    );
  }
  return path;
}

/** Only customer managed policies can be changed; AWS managed ones are not the account's to edit. */
function requireLocal(account: SandboxAccount, arn: string): ManagedPolicy {
  const policy = Object.hasOwn(account.iam.policies, arn) ? account.iam.policies[arn] : undefined;
  if (!policy) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  return policy;
}

function createPolicy(ctx: HandlerContext, input: Input) {
  const name = nameOf(input, 'PolicyName', 128);
  const path = policyPathOf(input);
  const document = checkPolicy(required(input, 'PolicyDocument'), 'identity');
  const description = str(input, 'Description');
  const account = iamOf(ctx);
  const lower = name.toLowerCase();
  if (Object.values(account.iam.policies).some((p) => p.name.toLowerCase() === lower)) {
    throw alreadyExists(`A policy called ${name} already exists. Duplicate names are not allowed.`);
  }
  const policy = createManagedPolicy(ctx.world, account, name, {
    path,
    createDate: isoNow(ctx),
    document,
    ...(description === undefined ? {} : { description }),
  });
  recordWrite(ctx, input, [{ type: 'AWS::IAM::Policy', name: policy.arn }]);
  return { Policy: policyOut(account, requirePolicy(account, policy.arn)) };
}

function getPolicy(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  return { Policy: policyOut(account, requirePolicy(account, policyArnOf(input))) };
}

function getPolicyVersion(ctx: HandlerContext, input: Input) {
  const arn = policyArnOf(input);
  const versionId = required(input, 'VersionId');
  const policy = requirePolicy(iamOf(ctx), arn);
  const version = policy.versions.find((v) => v.versionId === versionId);
  if (!version) throw noSuchEntity(`Policy ${arn} version ${versionId} does not exist or is not attachable.`);
  return { PolicyVersion: versionOut(policy, version) };
}

function listPolicyVersions(ctx: HandlerContext, input: Input) {
  const policy = requirePolicy(iamOf(ctx), policyArnOf(input));
  // ListPolicyVersions leaves the documents out; GetPolicyVersion returns them.
  const versions = policy.versions.map((v) => ({ ...versionOut(policy, v), Document: undefined })).reverse();
  return pageOut('Versions', paginate(versions, input));
}

function listPolicies(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const scope = str(input, 'Scope') ?? 'All';
  const onlyAttached = bool(input, 'OnlyAttached') ?? false;
  const views = [...(scope === 'Local' ? [] : awsManagedViews()), ...(scope === 'AWS' ? [] : localViews(account))]
    .filter(pathPrefixFilter(input))
    .filter((p) => !onlyAttached || attachmentCount(account, p.arn) > 0)
    .sort(byName);
  return pageOut(
    'Policies',
    paginate(
      views.map((p) => policyOut(account, p)),
      input,
    ),
  );
}

function nextVersionId(policy: ManagedPolicy): string {
  const highest = Math.max(
    0,
    ...Object.keys(policy.versions)
      .map((v) => Number(v.slice(1)))
      .filter(Number.isFinite),
  );
  return `v${highest + 1}`;
}

function createPolicyVersion(ctx: HandlerContext, input: Input) {
  const arn = policyArnOf(input);
  const document = checkPolicy(required(input, 'PolicyDocument'), 'identity');
  const account = iamOf(ctx);
  const policy = requireLocal(account, arn);
  if (Object.keys(policy.versions).length >= VERSIONS_PER_POLICY) {
    throw limitExceeded(
      `A managed policy can have up to ${VERSIONS_PER_POLICY} versions. Before you create a new version, you must delete an existing version.`,
    );
  }
  const versionId = nextVersionId(policy);
  const now = isoNow(ctx);
  policy.versions[versionId] = { document, createDate: now };
  if (bool(input, 'SetAsDefault') === true) {
    policy.defaultVersionId = versionId;
    policy.updateDate = now;
  }
  recordWrite(ctx, input, [{ type: 'AWS::IAM::Policy', name: arn }]);
  const view = requirePolicy(account, arn);
  const version = view.versions.find((v) => v.versionId === versionId);
  return { PolicyVersion: version ? { ...versionOut(view, version), Document: undefined } : undefined };
}

function existingVersion(policy: ManagedPolicy, versionId: string): string {
  if (!Object.hasOwn(policy.versions, versionId))
    throw noSuchEntity(`Policy ${policy.arn} version ${versionId} does not exist or is not attachable.`);
  return versionId;
}

function deletePolicyVersion(ctx: HandlerContext, input: Input) {
  const policy = requireLocal(iamOf(ctx), policyArnOf(input));
  const versionId = existingVersion(policy, required(input, 'VersionId'));
  if (versionId === policy.defaultVersionId) throw deleteConflict('Cannot delete the default version of a policy.');
  delete policy.versions[versionId];
  recordWrite(ctx, input, [{ type: 'AWS::IAM::Policy', name: policy.arn }]);
  return {};
}

function setDefaultPolicyVersion(ctx: HandlerContext, input: Input) {
  const policy = requireLocal(iamOf(ctx), policyArnOf(input));
  policy.defaultVersionId = existingVersion(policy, required(input, 'VersionId'));
  policy.updateDate = isoNow(ctx);
  recordWrite(ctx, input, [{ type: 'AWS::IAM::Policy', name: policy.arn }]);
  return {};
}

function deletePolicy(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const policy = requireLocal(account, policyArnOf(input));
  if (attachmentCount(account, policy.arn) > 0) throw deleteConflict('Cannot delete a policy attached to entities.');
  if (Object.keys(policy.versions).length > 1) {
    throw deleteConflict(
      "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
    );
  }
  delete account.iam.policies[policy.arn];
  recordWrite(ctx, input, [{ type: 'AWS::IAM::Policy', name: policy.arn }]);
  return {};
}

/** Users, groups and roles a policy is attached to, as one paginated sequence split into three lists. */
function listEntitiesForPolicy(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const policy = requirePolicy(account, policyArnOf(input));
  const filter = str(input, 'EntityFilter');
  const inPath = pathPrefixFilter(input);
  const { users, groups, roles } = attachedEntities(account, policy.arn);
  const entries = [
    ...(filter === undefined || filter === 'Group'
      ? groups
          .filter(inPath)
          .sort(byName)
          .map((g) => ({ kind: 'group' as const, item: { GroupName: g.name, GroupId: g.id } }))
      : []),
    ...(filter === undefined || filter === 'User'
      ? users
          .filter(inPath)
          .sort(byName)
          .map((u) => ({ kind: 'user' as const, item: { UserName: u.name, UserId: u.id } }))
      : []),
    ...(filter === undefined || filter === 'Role'
      ? roles
          .filter(inPath)
          .sort(byName)
          .map((r) => ({ kind: 'role' as const, item: { RoleName: r.name, RoleId: r.id } }))
      : []),
  ];
  const page = paginate(entries, input);
  const of = (kind: string) => page.items.filter((e) => e.kind === kind).map((e) => e.item);
  return {
    PolicyGroups: of('group'),
    PolicyUsers: of('user'),
    PolicyRoles: of('role'),
    IsTruncated: page.IsTruncated,
    ...(page.Marker ? { Marker: page.Marker } : {}),
  };
}

export const managedPolicyOperations: Record<string, IamOperation> = {
  CreatePolicy: createPolicy,
  GetPolicy: { run: getPolicy, resource: policyResource },
  GetPolicyVersion: { run: getPolicyVersion, resource: policyResource },
  ListPolicyVersions: { run: listPolicyVersions, resource: policyResource },
  ListPolicies: listPolicies,
  CreatePolicyVersion: { run: createPolicyVersion, resource: policyResource },
  DeletePolicyVersion: { run: deletePolicyVersion, resource: policyResource },
  SetDefaultPolicyVersion: { run: setDefaultPolicyVersion, resource: policyResource },
  DeletePolicy: { run: deletePolicy, resource: policyResource },
  ListEntitiesForPolicy: { run: listEntitiesForPolicy, resource: policyResource },
};
