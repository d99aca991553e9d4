import { ApiError } from '../api-error.js';
import { num, str, type HandlerContext, type ServiceImpl } from '../service.js';
import type { OrgUnit, SandboxAccount, World } from '../world/types.js';

/**
 * AWS Organizations, read side, as the management account sees it. AWS lets only the management account (or
 * a delegated administrator, which the sandbox has none of) list and describe the organization's structure;
 * a member account may only call DescribeOrganization. Identity policies are checked by dispatch first.
 */

const ACCOUNT_ID = /^\d{12}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
const POLICY_ID = /^(p-[0-9a-zA-Z_]{8,128}|rp-[0-9a-zA-Z_]{4,128}|rt-[0-9a-zA-Z_]{8,32})$/;
const MAX_RESULTS = 20;

// The messages AWS Organizations sends (the moto emulator uses the same texts).
const invalidPattern = () =>
  new ApiError('InvalidInputException', 'You provided a value that does not match the required pattern.', 400);
const invalidToken = () => new ApiError('InvalidInputException', 'You specified an invalid value for nextToken.', 400);
const accountNotFound = () =>
  new ApiError('AccountNotFoundException', "You specified an account that doesn't exist.", 400);
const parentNotFound = () => new ApiError('ParentNotFoundException', "You specified parent that doesn't exist.", 400);
const childNotFound = () => new ApiError('ChildNotFoundException', "You specified a child that doesn't exist.", 400);
const ouNotFound = () =>
  new ApiError('OrganizationalUnitNotFoundException', "You specified an organizational unit that doesn't exist.", 400);
const targetNotFound = () => new ApiError('TargetNotFoundException', "You specified a target that doesn't exist.", 400);

function requireMember(ctx: HandlerContext): void {
  if (!ctx.world.accounts[ctx.caller.accountId]) {
    throw new ApiError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.', 400);
  }
}

/** Everything but DescribeOrganization is for the management account only, whatever the identity policy says. */
function requireManagement(ctx: HandlerContext): void {
  requireMember(ctx);
  if (ctx.caller.accountId !== ctx.world.organization.masterAccountId) {
    throw new ApiError('AccessDeniedException', "You don't have permissions to access this resource.", 400);
  }
}

function requiredId(input: Record<string, unknown>, key: string, pattern: RegExp): string {
  const value = str(input, key);
  if (value === undefined || !pattern.test(value)) throw invalidPattern();
  return value;
}

/** NextToken is opaque to clients: base64 of the operation and an offset, refused when altered or reused elsewhere. */
function paginate<T>(
  items: readonly T[],
  input: Record<string, unknown>,
  scope: string,
  pageSize = MAX_RESULTS,
): { items: T[]; NextToken?: string } {
  const max = num(input, 'MaxResults');
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > MAX_RESULTS)) {
    throw new ApiError(
      'InvalidInputException',
      `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value ${max < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_RESULTS}`}`,
      400,
    );
  }
  const size = max ?? pageSize;
  const token = str(input, 'NextToken');
  let offset = 0;
  if (token !== undefined) {
    const decoded = decodeToken(token);
    if (!decoded || decoded.scope !== scope || decoded.offset > items.length) throw invalidToken();
    offset = decoded.offset;
  }
  const end = offset + size;
  return { items: items.slice(offset, end), ...(end < items.length ? { NextToken: encodeToken(scope, end) } : {}) };
}

function encodeToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify({ s: scope, o: offset })).toString('base64');
}

function decodeToken(token: string): { scope: string; offset: number } | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (typeof v !== 'object' || v === null) return undefined;
    const { s, o } = v as { s?: unknown; o?: unknown };
    if (typeof s !== 'string' || typeof o !== 'number' || !Number.isInteger(o) || o < 0) return undefined;
    return { scope: s, offset: o };
  } catch {
    return undefined;
  }
}

function accountArn(world: World, accountId: string): string {
  return `arn:aws:organizations::${world.organization.masterAccountId}:account/${world.organization.id}/${accountId}`;
}

function accountOut(world: World, a: SandboxAccount) {
  return {
    Id: a.id,
    Arn: accountArn(world, a.id),
    Email: a.email,
    Name: a.name,
    Status: a.status,
    State: a.status,
    // The management account created the organization and is recorded as having been invited into it.
    JoinedMethod: a.id === world.organization.masterAccountId ? 'INVITED' : 'CREATED',
    JoinedTimestamp: new Date(a.joinedTimestamp),
  };
}

/** `o-…/r-…/ou-…/ou-…/`: the OU's place in the tree, as AWS writes Path. */
function ouPath(world: World, ou: OrgUnit): string {
  const chain: string[] = [];
  let cursor: OrgUnit | undefined = ou;
  while (cursor) {
    chain.unshift(cursor.id);
    cursor = world.ous[cursor.parentId];
  }
  return `${world.organization.id}/${world.organization.rootId}/${chain.join('/')}/`;
}

function ouOut(world: World, ou: OrgUnit) {
  return { Id: ou.id, Arn: ou.arn, Name: ou.name, Path: ouPath(world, ou) };
}

function isParent(world: World, id: string): boolean {
  return id === world.organization.rootId || id in world.ous;
}

function requireParent(ctx: HandlerContext, input: Record<string, unknown>): string {
  const parentId = str(input, 'ParentId');
  if (parentId === undefined || !(ROOT_ID.test(parentId) || OU_ID.test(parentId))) throw invalidPattern();
  if (!isParent(ctx.world, parentId)) throw parentNotFound();
  return parentId;
}

function describeOrganization(ctx: HandlerContext) {
  requireMember(ctx);
  const org = ctx.world.organization;
  return {
    Organization: {
      Id: org.id,
      Arn: org.arn,
      FeatureSet: org.featureSet,
      MasterAccountArn: accountArn(ctx.world, org.masterAccountId),
      MasterAccountId: org.masterAccountId,
      MasterAccountEmail: org.masterAccountEmail,
      // Deprecated by AWS; consistent with ListRoots, where no policy type is enabled.
      AvailablePolicyTypes: [],
    },
  };
}

function listRoots(ctx: HandlerContext, input: Record<string, unknown>) {
  requireManagement(ctx);
  const org = ctx.world.organization;
  const root = {
    Id: org.rootId,
    Arn: `arn:aws:organizations::${org.masterAccountId}:root/${org.id}/${org.rootId}`,
    Name: 'Root',
    PolicyTypes: [],
  };
  const page = paginate([root], input, 'ListRoots');
  return { Roots: page.items, NextToken: page.NextToken };
}

function listAccounts(ctx: HandlerContext, input: Record<string, unknown>) {
  requireManagement(ctx);
  const page = paginate(Object.values(ctx.world.accounts), input, 'ListAccounts');
  return { Accounts: page.items.map((a) => accountOut(ctx.world, a)), NextToken: page.NextToken };
}

function listAccountsForParent(ctx: HandlerContext, input: Record<string, unknown>) {
  requireManagement(ctx);
  const parentId = requireParent(ctx, input);
  const accounts = Object.values(ctx.world.accounts).filter((a) => a.parentId === parentId);
  const page = paginate(accounts, input, `ListAccountsForParent:${parentId}`);
  return { Accounts: page.items.map((a) => accountOut(ctx.world, a)), NextToken: page.NextToken };
}

function listOusForParent(ctx: HandlerContext, input: Record<string, unknown>) {
  requireManagement(ctx);
  const parentId = requireParent(ctx, input);
  const ous = Object.values(ctx.world.ous).filter((ou) => ou.parentId === parentId);
  const page = paginate(ous, input, `ListOrganizationalUnitsForParent:${parentId}`);
  return { OrganizationalUnits: page.items.map((ou) => ouOut(ctx.world, ou)), NextToken: page.NextToken };
}

function listChildren(ctx: HandlerContext, input: Record<string, unknown>) {
  requireManagement(ctx);
  const childType = str(input, 'ChildType');
  if (childType !== 'ACCOUNT' && childType !== 'ORGANIZATIONAL_UNIT')
    throw new ApiError('InvalidInputException', 'You specified an invalid value.', 400);
  const parentId = requireParent(ctx, input);
  const ids =
    childType === 'ACCOUNT'
      ? Object.values(ctx.world.accounts)
          .filter((a) => a.parentId === parentId)
          .map((a) => a.id)
      : Object.values(ctx.world.ous)
          .filter((ou) => ou.parentId === parentId)
          .map((ou) => ou.id);
  const page = paginate(ids, input, `ListChildren:${parentId}:${childType}`);
  return { Children: page.items.map((Id) => ({ Id, Type: childType })), NextToken: page.NextToken };
}

function listParents(ctx: HandlerContext, input: Record<string, unknown>) {
  requireManagement(ctx);
  const childId = str(input, 'ChildId');
  if (childId === undefined || !(ACCOUNT_ID.test(childId) || OU_ID.test(childId))) throw invalidPattern();
  const parentId = ctx.world.accounts[childId]?.parentId ?? ctx.world.ous[childId]?.parentId;
  if (parentId === undefined) throw childNotFound();
  const parent = { Id: parentId, Type: parentId === ctx.world.organization.rootId ? 'ROOT' : 'ORGANIZATIONAL_UNIT' };
  const page = paginate([parent], input, `ListParents:${childId}`);
  return { Parents: page.items, NextToken: page.NextToken };
}

function describeAccount(ctx: HandlerContext, input: Record<string, unknown>) {
  requireManagement(ctx);
  const account = ctx.world.accounts[requiredId(input, 'AccountId', ACCOUNT_ID)];
  if (!account) throw accountNotFound();
  return { Account: accountOut(ctx.world, account) };
}

function describeOu(ctx: HandlerContext, input: Record<string, unknown>) {
  requireManagement(ctx);
  const ou = ctx.world.ous[requiredId(input, 'OrganizationalUnitId', OU_ID)];
  if (!ou) throw ouNotFound();
  return { OrganizationalUnit: ouOut(ctx.world, ou) };
}

function listTagsForResource(ctx: HandlerContext, input: Record<string, unknown>) {
  requireManagement(ctx);
  const id = str(input, 'ResourceId');
  if (id === undefined || !(ACCOUNT_ID.test(id) || OU_ID.test(id) || ROOT_ID.test(id) || POLICY_ID.test(id)))
    throw invalidPattern();
  let tags: Record<string, string>;
  if (ACCOUNT_ID.test(id)) {
    const account = ctx.world.accounts[id];
    if (!account) throw targetNotFound();
    tags = account.tags;
  } else if (isParent(ctx.world, id)) {
    // The sandbox tags accounts only; roots and OUs exist but carry no tags.
    tags = {};
  } else {
    throw targetNotFound();
  }
  // ListTagsForResource takes a NextToken but no MaxResults; AWS returns every tag of a resource in one page.
  const page = paginate(Object.entries(tags), { NextToken: input['NextToken'] }, `ListTagsForResource:${id}`, 50);
  return { Tags: page.items.map(([Key, Value]) => ({ Key, Value })), NextToken: page.NextToken };
}

export const organizationsService: ServiceImpl = {
  signingName: 'organizations',
  modelName: 'organizations',
  actionPrefix: 'organizations',
  global: true,
  operations: {
    DescribeOrganization: describeOrganization,
    ListRoots: listRoots,
    ListAccounts: listAccounts,
    ListAccountsForParent: listAccountsForParent,
    ListOrganizationalUnitsForParent: listOusForParent,
    ListChildren: listChildren,
    ListParents: listParents,
    DescribeAccount: describeAccount,
    DescribeOrganizationalUnit: describeOu,
    ListTagsForResource: listTagsForResource,
  },
};
