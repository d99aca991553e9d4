import { createHash } from 'node:crypto';
import { ApiError } from '../api-error.js';
import { authorizeCaller, principalContext } from '../authorize.js';
import { bool, list, num, obj, str, strList, type HandlerContext } from '../service.js';
import { checkRegion } from './region-check.js';
import type { SandboxAccount } from '../world/types.js';

/** Shared plumbing of the EC2 operations: region gate, authorization, filters, pagination, derived ids. */

export function invalidParameter(message: string): ApiError {
  return new ApiError('InvalidParameterValue', message, 400);
}

/**
 * The gate every EC2 call passes, in AWS's order: first the region must be enabled for the caller's
 * account, then the identity policies must allow the action, then a DryRun stops.
 *
 * In an opt-in region the account has not enabled, AWS does not know the caller's credentials at all:
 * EC2 answers `AuthFailure` (401) "AWS was not able to validate the provided access credentials" before
 * looking at any policy (reported by many tools, e.g. turbot/steampipe-plugin-aws#75, fog/fog-aws#585).
 *
 * A region AWS does not have at all has no endpoint: on AWS the client fails on DNS before any answer.
 * The sandbox has one endpoint for every region, so it must answer something; it answers `InvalidRegion`,
 * a code AWS never sends, on purpose: reusing `AuthFailure` would claim the region exists and is merely
 * disabled, and a fan-out would then report a typo as REGION_DISABLED.
 */
export function authorizeEc2(
  ctx: HandlerContext,
  action: string,
  input: Record<string, unknown>,
): SandboxAccount | undefined {
  // The ec2 protocol's invalid-token error is AuthFailure (401), as described above.
  const account = checkRegion(ctx, 'ec2');
  const context = { ...principalContext(ctx.world, ctx.caller, ctx.now()), 'aws:RequestedRegion': ctx.region };
  // EC2 Describe actions have no resource-level permissions: AWS evaluates them against "*".
  const result = authorizeCaller(ctx.world, ctx.caller, `ec2:${action}`, '*', context);
  if (!result.allowed) {
    // EC2's text names no resource for Describe actions, unlike IAM's "on resource: …".
    const why = result.explicit
      ? 'with an explicit deny in an identity-based policy'
      : `because no identity-based policy allows the ec2:${action} action`;
    throw new ApiError(
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. User: ${ctx.caller.arn} is not authorized to perform: ec2:${action} ${why}`,
      403,
    );
  }
  // DryRun asks only "would I be allowed?": AWS answers with this error when the answer is yes.
  if (bool(input, 'DryRun') === true)
    throw new ApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
  return account;
}

export interface Ec2Filter {
  name: string;
  values: string[];
}

export function parseFilters(input: Record<string, unknown>): Ec2Filter[] {
  return list(input, 'Filters').map((f) => {
    const filter = obj(f);
    return { name: str(filter, 'Name') ?? '', values: strList(filter, 'Values') };
  });
}

/** What a filter name reads from an item: every value the item has for it. */
export type FilterFields<T> = Readonly<Record<string, (item: T) => readonly string[]>>;

/** EC2 filter values are globs: `*` any run of characters, `?` one character. */
function globMatcher(pattern: string): (value: string) => boolean {
  if (!/[*?]/.test(pattern)) return (value) => value === pattern;
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const re = new RegExp(`^${source}$`, 's');
  return (value) => re.test(value);
}

/**
 * Builds the predicate of a Describe call: filters AND together, the values of one filter OR. `tag:KEY`,
 * `tag-key` and `tag-value` are known to every filterable resource with tags. An unknown filter name is
 * refused up front, even when there is nothing to filter, as AWS does.
 */
export function filterPredicate<T>(
  filters: Ec2Filter[],
  fields: FilterFields<T>,
  tagsOf?: (item: T) => Record<string, string>,
): (item: T) => boolean {
  const tests = filters.map((filter) => {
    const read = fieldReader(filter.name, fields, tagsOf);
    if (!read) throw invalidParameter(`The filter '${filter.name}' is invalid`);
    const matchers = filter.values.map(globMatcher);
    return (item: T) => read(item).some((value) => matchers.some((m) => m(value)));
  });
  return (item) => tests.every((test) => test(item));
}

function fieldReader<T>(
  name: string,
  fields: FilterFields<T>,
  tagsOf?: (item: T) => Record<string, string>,
): ((item: T) => readonly string[]) | undefined {
  if (Object.hasOwn(fields, name)) return fields[name];
  if (!tagsOf) return undefined;
  if (name.startsWith('tag:')) {
    const key = name.slice(4);
    return (item) => {
      const value = tagsOf(item)[key];
      return value === undefined ? [] : [value];
    };
  }
  if (name === 'tag-key') return (item) => Object.keys(tagsOf(item));
  if (name === 'tag-value') return (item) => Object.values(tagsOf(item));
  return undefined;
}

export function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * EC2's MaxResults / NextToken. Without MaxResults everything comes back in one page. The token is
 * opaque to the caller (base64 of the offset and the operation it belongs to); a token that does not
 * decode, or belongs to another operation, is refused with EC2's InvalidPaginationToken.
 */
export function paginate<T>(items: T[], input: Record<string, unknown>, operation: string): Page<T> {
  const maxResults = num(input, 'MaxResults');
  if (maxResults !== undefined && maxResults < 5)
    throw invalidParameter(
      `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value greater than 5.`,
    );
  if (maxResults !== undefined && maxResults > 1000)
    throw invalidParameter(
      `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value less than 1000.`,
    );
  const token = str(input, 'NextToken');
  const offset = token === undefined ? 0 : decodeToken(token, operation);
  const size = maxResults ?? items.length;
  const end = offset + size;
  const page: Page<T> = { items: items.slice(offset, end) };
  if (end < items.length) page.nextToken = encodeToken(end, operation);
  return page;
}

/** EC2 refuses MaxResults next to a list of ids (`instancesSet`, `volumeSet`): ids are not paginated. */
export function rejectIdsWithMaxResults(input: Record<string, unknown>, member: string, wireName: string): void {
  if (num(input, 'MaxResults') !== undefined && list(input, member).length > 0) {
    throw new ApiError(
      'InvalidParameterCombination',
      `The parameter ${wireName} cannot be used with the parameter maxResults`,
      400,
    );
  }
}

function encodeToken(offset: number, operation: string): string {
  return Buffer.from(JSON.stringify({ op: operation, offset }), 'utf8').toString('base64');
}

function decodeToken(token: string, operation: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    const value = obj(parsed);
    const offset = value['offset'];
    if (value['op'] === operation && typeof offset === 'number' && Number.isInteger(offset) && offset >= 0)
      return offset;
  } catch {
    // fall through to the service's own error
  }
  throw new ApiError('InvalidPaginationToken', 'The specified pagination token is not valid or is expired.', 400);
}

/**
 * Ids the sandbox derives instead of storing (a reservation per instance, a root volume, a default
 * security group per VPC): a hash of what they belong to, so every call and every restart agree.
 */
export function derivedId(prefix: string, from: string, length = 17): string {
  return `${prefix}-${createHash('sha256').update(`${prefix}:${from}`).digest('hex').slice(0, length)}`;
}

/** Refuses ids that are not `<prefix>-` followed by 8 or 17 hex digits, as EC2 does. */
export function checkIdsWellFormed(ids: string[], prefix: string, code: string): void {
  const re = new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);
  const bad = ids.find((id) => !re.test(id));
  if (bad !== undefined) throw new ApiError(code, `Invalid id: "${bad}"`, 400);
}

export const rootVolumeId = (instanceId: string): string => derivedId('vol', instanceId);
export const defaultGroupId = (vpcId: string): string => derivedId('sg', vpcId);
export const ROOT_DEVICE = '/dev/xvda';
