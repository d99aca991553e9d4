import { strList, type HandlerContext } from '../../service.js';
import type { IamGroup, IamRole, IamUser, SandboxAccount } from '../../world/types.js';
import { byName, encodeDocument, iamOf, paginate, tagsOut, validationError, type IamOperation } from './common.js';
import { roleLastUsedOut } from './entities.js';
import {
  attachedPolicyRefs,
  awsManagedViews,
  localViews,
  policyOut,
  versionOut,
  type PolicyView,
} from './policy-view.js';

/**
 * GetAccountAuthorizationDetails: every user, group, role and managed policy of the account with all their
 * policy documents (URL-encoded, as IAM sends them), in one paginated sequence. The audit reads this.
 */

type Filter = 'User' | 'Group' | 'Role' | 'LocalManagedPolicy' | 'AWSManagedPolicy';
const FILTERS: readonly Filter[] = ['User', 'Group', 'Role', 'LocalManagedPolicy', 'AWSManagedPolicy'];

type Entry =
  | { list: 'UserDetailList'; item: Record<string, unknown> }
  | { list: 'GroupDetailList'; item: Record<string, unknown> }
  | { list: 'RoleDetailList'; item: Record<string, unknown> }
  | { list: 'Policies'; item: Record<string, unknown> };

function isFilter(value: string): value is Filter {
  return (FILTERS as readonly string[]).includes(value);
}

function filtersOf(input: Record<string, unknown>): ReadonlySet<Filter> {
  const values = strList(input, 'Filter');
  if (values.length === 0) return new Set(FILTERS);
  const bad = values.filter((v) => !isFilter(v));
  if (bad.length > 0) {
    throw validationError(
      `1 validation error detected: Value '[${values.join(', ')}]' at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${FILTERS.join(', ')}]]`,
    );
  }
  return new Set(values.filter(isFilter));
}

function inlineList(policies: Record<string, string>): { PolicyName: string; PolicyDocument: string }[] {
  return Object.entries(policies)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([PolicyName, doc]) => ({ PolicyName, PolicyDocument: encodeDocument(doc) }));
}

function userDetail(account: SandboxAccount, u: IamUser): Record<string, unknown> {
  return {
    Path: u.path,
    UserName: u.name,
    UserId: u.id,
    Arn: u.arn,
    CreateDate: new Date(u.createDate),
    UserPolicyList: inlineList(u.inlinePolicies),
    GroupList: [...u.groups],
    AttachedManagedPolicies: attachedPolicyRefs(account, u.attachedPolicies),
    Tags: tagsOut(u.tags),
  };
}

function groupDetail(account: SandboxAccount, g: IamGroup): Record<string, unknown> {
  return {
    Path: g.path,
    GroupName: g.name,
    GroupId: g.id,
    Arn: g.arn,
    CreateDate: new Date(g.createDate),
    GroupPolicyList: inlineList(g.inlinePolicies),
    AttachedManagedPolicies: attachedPolicyRefs(account, g.attachedPolicies),
  };
}

function roleDetail(account: SandboxAccount, r: IamRole): Record<string, unknown> {
  return {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: new Date(r.createDate),
    AssumeRolePolicyDocument: encodeDocument(r.assumeRolePolicyDocument),
    InstanceProfileList: [],
    RolePolicyList: inlineList(r.inlinePolicies),
    AttachedManagedPolicies: attachedPolicyRefs(account, r.attachedPolicies),
    Tags: tagsOut(r.tags),
    RoleLastUsed: roleLastUsedOut(r),
  };
}

function policyDetail(account: SandboxAccount, p: PolicyView): Record<string, unknown> {
  return { ...policyOut(account, p), PolicyVersionList: p.versions.map((v) => versionOut(p, v)) };
}

/** AWS managed policies count only where something in the account is attached to them. */
function attachedAwsPolicies(account: SandboxAccount): PolicyView[] {
  const { users, groups, roles } = account.iam;
  const attached = new Set(
    [...Object.values(users), ...Object.values(groups), ...Object.values(roles)].flatMap((e) => e.attachedPolicies),
  );
  return awsManagedViews().filter((p) => attached.has(p.arn));
}

function entriesOf(account: SandboxAccount, filters: ReadonlySet<Filter>): Entry[] {
  const { users, groups, roles } = account.iam;
  const entries: Entry[] = [];
  if (filters.has('User'))
    entries.push(
      ...Object.values(users)
        .sort(byName)
        .map((u) => ({ list: 'UserDetailList' as const, item: userDetail(account, u) })),
    );
  if (filters.has('Group'))
    entries.push(
      ...Object.values(groups)
        .sort(byName)
        .map((g) => ({ list: 'GroupDetailList' as const, item: groupDetail(account, g) })),
    );
  if (filters.has('Role'))
    entries.push(
      ...Object.values(roles)
        .sort(byName)
        .map((r) => ({ list: 'RoleDetailList' as const, item: roleDetail(account, r) })),
    );
  const policies = [
    ...(filters.has('LocalManagedPolicy') ? localViews(account) : []),
    ...(filters.has('AWSManagedPolicy') ? attachedAwsPolicies(account) : []),
  ];
  entries.push(...policies.sort(byName).map((p) => ({ list: 'Policies' as const, item: policyDetail(account, p) })));
  return entries;
}

function getAccountAuthorizationDetails(ctx: HandlerContext, input: Record<string, unknown>) {
  const account = iamOf(ctx);
  const page = paginate(entriesOf(account, filtersOf(input)), input);
  const of = (list: Entry['list']) => page.items.filter((e) => e.list === list).map((e) => e.item);
  return {
    UserDetailList: of('UserDetailList'),
    GroupDetailList: of('GroupDetailList'),
    RoleDetailList: of('RoleDetailList'),
    Policies: of('Policies'),
    IsTruncated: page.IsTruncated,
    ...(page.Marker === undefined ? {} : { Marker: page.Marker }),
  };
}

export const authorizationDetailsOperations: Record<string, IamOperation> = {
  GetAccountAuthorizationDetails: getAccountAuthorizationDetails,
};
