import { CrossbarError } from '../../../core/errors.js';
import { parsePolicyDocument, type PolicyKind } from '../../../core/policy/index.js';
import { ApiError } from '../../api-error.js';
import { list, num, obj, str, type HandlerContext, type OperationHandler } from '../../service.js';
import type { SandboxAccount } from '../../world/types.js';

/**
 * What every IAM operation shares: AWS's errors and messages, name validation, Marker pagination,
 * policy validation and the CloudTrail record of a write.
 */

/** An operation either relies on the dispatcher's `iam:<Op>` on `*`, or names the ARN it acts on. */
export type IamOperation =
  | OperationHandler
  | { run: OperationHandler; resource: (ctx: HandlerContext, input: Record<string, unknown>) => string };

export const noSuchEntity = (message: string) => new ApiError('NoSuchEntity', message, 404);
export const alreadyExists = (message: string) => new ApiError('EntityAlreadyExists', message, 409);
export const deleteConflict = (message: string) => new ApiError('DeleteConflict', message, 409);
export const limitExceeded = (message: string) => new ApiError('LimitExceeded', message, 409);
export const invalidInput = (message: string) => new ApiError('InvalidInput', message, 400);
export const validationError = (message: string) => new ApiError('ValidationError', message, 400);

export const NAME_PATTERN = '[\\w+=,.@-]+';
const NAME_RE = /^[\w+=,.@-]+$/;
const PATH_RE = /^(\/|\/[\u0021-\u007E]+\/)$/;

/** AWS's own wording for a constraint failure, with the member name in lower camel case as AWS writes it. */
function constraint(value: unknown, member: string, rule: string): ApiError {
  const shown = value === undefined ? 'null' : `'${String(value)}'`;
  return validationError(
    `1 validation error detected: Value ${shown} at '${lowerFirst(member)}' failed to satisfy constraint: ${rule}`,
  );
}

export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

export function required(input: Record<string, unknown>, member: string): string {
  const value = str(input, member);
  if (value === undefined) throw constraint(undefined, member, 'Member must not be null');
  return value;
}

/** A user, role, group, policy or device name: `[\w+=,.@-]+` with a length limit. */
export function nameOf(input: Record<string, unknown>, member: string, max = 64): string {
  const value = required(input, member);
  if (value.length > max) throw constraint(value, member, `Member must have length less than or equal to ${max}`);
  if (!NAME_RE.test(value))
    throw constraint(value, member, `Member must satisfy regular expression pattern: ${NAME_PATTERN}`);
  return value;
}

export function pathOf(input: Record<string, unknown>, member = 'Path'): string {
  const value = str(input, member);
  if (value === undefined) return '/';
  if (value.length > 512 || !PATH_RE.test(value)) {
    throw constraint(
      value,
      member,
      'Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
    );
  }
  return value;
}

/** Parses a policy with IAM's rules for its kind; a bad one is MalformedPolicyDocument with IAM's message. */
export function checkPolicy(text: string, kind: PolicyKind): string {
  try {
    parsePolicyDocument(text, { kind });
  } catch (err) {
    if (err instanceof CrossbarError && err.code === 'INVALID_POLICY')
      throw new ApiError('MalformedPolicyDocument', err.message, 400);
    throw err;
  }
  return text;
}

/** IAM returns policy documents URL-encoded (RFC 3986); the CLI decodes them, SDK users call decodeURIComponent. */
export function encodeDocument(text: string): string {
  return encodeURIComponent(text);
}

export interface Page<T> {
  items: T[];
  IsTruncated: boolean;
  Marker?: string;
}

/** IAM's Marker/MaxItems: MaxItems 1..1000 (default 100), an opaque Marker that must come from IAM. */
export function paginate<T>(items: readonly T[], input: Record<string, unknown>): Page<T> {
  const max = num(input, 'MaxItems') ?? 100;
  if (!Number.isInteger(max) || max < 1)
    throw constraint(max, 'MaxItems', 'Member must have value greater than or equal to 1');
  if (max > 1000) throw constraint(max, 'MaxItems', 'Member must have value less than or equal to 1000');
  const start = decodeMarker(str(input, 'Marker'));
  const page = items.slice(start, start + max);
  const next = start + page.length;
  return next < items.length
    ? { items: page, IsTruncated: true, Marker: encodeMarker(next) }
    : { items: page, IsTruncated: false };
}

const MARKER_PREFIX = 'cb1:';

function encodeMarker(offset: number): string {
  return Buffer.from(`${MARKER_PREFIX}${offset}`).toString('base64');
}

function decodeMarker(marker: string | undefined): number {
  if (marker === undefined) return 0;
  const text = Buffer.from(marker, 'base64').toString('utf8');
  const offset = text.startsWith(MARKER_PREFIX) ? Number(text.slice(MARKER_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(offset) || offset < 0) throw validationError('Invalid Marker.');
  return offset;
}

/** The list page as IAM's output members: `{ [key]: items, IsTruncated, Marker? }`. */
export function pageOut<T>(key: string, page: Page<T>): Record<string, unknown> {
  return {
    [key]: page.items,
    IsTruncated: page.IsTruncated,
    ...(page.Marker === undefined ? {} : { Marker: page.Marker }),
  };
}

/** The account the caller acts in: temporary credentials act in the assumed account. */
export function iamOf(ctx: HandlerContext): SandboxAccount {
  const account = ctx.world.accounts[ctx.caller.accountId];
  if (!account)
    throw new ApiError('ServiceFailure', `The account ${ctx.caller.accountId} is not part of this sandbox.`, 500);
  return account;
}

export function isoNow(ctx: HandlerContext): string {
  return new Date(ctx.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Looks a name up as IAM does: names are unique regardless of case, so `Admin` finds `admin`. Own
 * properties only: a name such as `constructor` is valid in IAM and must not find Object's prototype.
 */
export function findNamed<T extends { name: string }>(records: Record<string, T>, name: string): T | undefined {
  if (Object.hasOwn(records, name)) return records[name];
  const lower = name.toLowerCase();
  return Object.values(records).find((r) => r.name.toLowerCase() === lower);
}

export function pathPrefixFilter(input: Record<string, unknown>): (e: { path: string }) => boolean {
  const prefix = str(input, 'PathPrefix') ?? '/';
  return (e) => e.path.startsWith(prefix);
}

export function byName<T extends { name: string }>(a: T, b: T): number {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

export type TagRecord = Record<string, string>;

/** Tags as the model's `[{ Key, Value }]`; AWS leaves the member out when there are none. */
export function tagsOut(tags: TagRecord): { Key: string; Value: string }[] | undefined {
  const entries = Object.entries(tags);
  return entries.length === 0 ? undefined : entries.map(([Key, Value]) => ({ Key, Value }));
}

export function tagsIn(input: Record<string, unknown>): TagRecord {
  const tags: TagRecord = {};
  for (const item of list(input, 'Tags')) {
    const t = obj(item);
    const key = str(t, 'Key');
    const value = str(t, 'Value') ?? '';
    if (key === undefined || key.length < 1 || key.length > 128)
      throw invalidInput('Tag keys must be between 1 and 128 characters.');
    if (value.length > 256) throw invalidInput('Tag values must be at most 256 characters.');
    tags[key] = value;
  }
  return tags;
}

/** Merges tags onto an entity; IAM allows 50 per entity. */
export function applyTags(target: TagRecord, tags: TagRecord): void {
  const merged = { ...target, ...tags };
  if (Object.keys(merged).length > 50) throw limitExceeded('The number of tags has reached the maximum limit.');
  Object.assign(target, tags);
}

/** Inputs whose values must never reach a trail: secrets and MFA codes. */
const SECRET_MEMBERS: ReadonlySet<string> = new Set([
  'AuthenticationCode1',
  'AuthenticationCode2',
  'SecretAccessKey',
  'Base32StringSeed',
]);

/** Records a write: the world is dirty and CloudTrail gets the event, with request parameters in camelCase. */
export function recordWrite(
  ctx: HandlerContext,
  input: Record<string, unknown>,
  resources: { type: string; name: string }[] = [],
): void {
  const requestParameters: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!SECRET_MEMBERS.has(key)) requestParameters[lowerFirst(key)] = value;
  }
  ctx.markDirty();
  ctx.recordEvent(ctx.caller.accountId, {
    eventName: ctx.operation,
    eventSource: 'iam.amazonaws.com',
    readOnly: false,
    requestParameters: Object.keys(requestParameters).length === 0 ? null : requestParameters,
    ...(resources.length === 0 ? {} : { resources }),
  });
}

/** The user a call is about: `UserName`, or the calling user itself, as IAM does for its self-service calls. */
export function userNameOrCaller(ctx: HandlerContext, input: Record<string, unknown>): string {
  if (input['UserName'] !== undefined) return nameOf(input, 'UserName', 128);
  const p = ctx.caller.principal;
  if (p.type === 'user') return p.userName;
  throw validationError('Must specify userName when calling with non-User credentials');
}
