import { createHash } from 'node:crypto';
import { ApiError } from '../api-error.js';
import { authorizeCaller, principalContext } from '../authorize.js';
import { obj, str, type HandlerContext, type ServiceImpl } from '../service.js';
import type { S3Bucket, SandboxAccount } from '../world/types.js';

/**
 * S3 (protocol rest-xml): the account-level bucket listing and, path-style, a bucket's location and
 * tags. Buckets belong to the caller's account; ListBuckets answers from every region, as on AWS.
 */

const ACTION_NAMES: Readonly<Record<string, string>> = { ListBuckets: 'ListAllMyBuckets' };

/** A 64-hex canonical user id, stable per account (AWS's are opaque; ours derive from the account id). */
export function canonicalUserId(accountId: string): string {
  return createHash('sha256').update(`crossbar-sandbox-canonical-user:${accountId}`).digest('hex');
}

/**
 * S3's own AccessDenied wording: no resource for ListAllMyBuckets, a quoted bucket ARN otherwise, e.g.
 * `User: arn:… is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows
 * the s3:ListAllMyBuckets action`.
 */
function authorizeS3(
  ctx: HandlerContext,
  operation: keyof typeof OPERATIONS,
  bucketArn?: string,
): SandboxAccount | undefined {
  const action = `s3:${ACTION_NAMES[operation] ?? operation}`;
  const context = { ...principalContext(ctx.world, ctx.caller, ctx.now()), 'aws:RequestedRegion': ctx.region };
  // ListAllMyBuckets has no resource type: policies grant it on "*" or on "arn:aws:s3:::*", and both must match.
  const result = authorizeCaller(ctx.world, ctx.caller, action, bucketArn ?? 'arn:aws:s3:::*', context);
  if (!result.allowed) {
    const on = bucketArn === undefined ? '' : ` on resource: "${bucketArn}"`;
    const why = result.explicit
      ? 'with an explicit deny in an identity-based policy'
      : `because no identity-based policy allows the ${action} action`;
    throw new ApiError(
      'AccessDenied',
      `User: ${ctx.caller.arn} is not authorized to perform: ${action}${on} ${why}`,
      403,
    );
  }
  return ctx.world.accounts[ctx.caller.accountId];
}

function invalidArgument(message: string): ApiError {
  return new ApiError('InvalidArgument', message, 400);
}

function encodeToken(lastName: string): string {
  return Buffer.from(JSON.stringify({ after: lastName }), 'utf8').toString('base64');
}

function decodeToken(token: string): string {
  try {
    const after = obj(JSON.parse(Buffer.from(token, 'base64').toString('utf8')))['after'];
    if (typeof after === 'string') return after;
  } catch {
    // fall through to S3's own error
  }
  throw invalidArgument('The continuation token provided is incorrect');
}

/** `max-buckets` arrives as query text: S3 takes 1 to 10000. */
function maxBuckets(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= 10_000)) throw invalidArgument('Argument max-buckets must be an integer between 1 and 10000.');
  return n;
}

/**
 * ListBuckets: sorted by name. Without any paging parameter S3 returns every bucket in one answer; with
 * `prefix`, `bucket-region` or `continuation-token` but no `max-buckets` it pages by 10,000.
 */
function listBuckets(ctx: HandlerContext, input: Record<string, unknown>) {
  const account = authorizeS3(ctx, 'ListBuckets');
  const prefix = str(input, 'Prefix');
  const region = str(input, 'BucketRegion');
  const token = str(input, 'ContinuationToken');
  const max = maxBuckets(str(input, 'MaxBuckets'));
  const paged = max !== undefined || prefix !== undefined || region !== undefined || token !== undefined;
  const after = token === undefined || token === '' ? undefined : decodeToken(token);
  const selected = [...(account?.buckets ?? [])]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .filter(
      (b) =>
        (prefix === undefined || b.name.startsWith(prefix)) &&
        (region === undefined || b.region === region) &&
        (after === undefined || b.name > after),
    );
  const size = paged ? (max ?? 10_000) : selected.length;
  const page = selected.slice(0, size);
  const last = page[page.length - 1];
  return {
    Buckets: page.map((b) => ({ Name: b.name, CreationDate: new Date(b.creationDate), BucketRegion: b.region })),
    Owner: { DisplayName: account?.name ?? ctx.caller.accountId, ID: canonicalUserId(ctx.caller.accountId) },
    ...(selected.length > size && last ? { ContinuationToken: encodeToken(last.name) } : {}),
    ...(prefix === undefined ? {} : { Prefix: prefix }),
  };
}

/**
 * A bucket lives in one region, and S3 answers a request for it signed for another region with 301
 * PermanentRedirect, naming the bucket's region in `x-amz-bucket-region` (which the SDKs follow when told to)
 * and the endpoint to use in the body. AWS redirects before it authorizes, so the bucket may be anyone's.
 * GetBucketLocation is the exception: it answers from any region, as it must to be useful.
 */
export function regionRedirect(bucket: S3Bucket): ApiError {
  const host = bucket.region === 'us-east-1' ? 's3.amazonaws.com' : `s3.${bucket.region}.amazonaws.com`;
  return new ApiError(
    'PermanentRedirect',
    'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
    301,
    {
      fields: { Endpoint: `${bucket.name}.${host}`, Bucket: bucket.name },
      headers: { 'x-amz-bucket-region': bucket.region },
    },
  );
}

/**
 * A bucket the caller may read: its own, after the identity check. A bucket of another account has no
 * bucket policy here, so it is denied as AWS denies it; a name nobody owns is NoSuchBucket.
 */
function ownBucket(ctx: HandlerContext, operation: keyof typeof OPERATIONS, input: Record<string, unknown>): S3Bucket {
  const name = str(input, 'Bucket') ?? '';
  const arn = `arn:aws:s3:::${name}`;
  if (operation !== 'GetBucketLocation') {
    const anywhere = Object.values(ctx.world.accounts)
      .flatMap((a) => a.buckets)
      .find((b) => b.name === name);
    if (anywhere && anywhere.region !== ctx.region) throw regionRedirect(anywhere);
  }
  const account = authorizeS3(ctx, operation, arn);
  const bucket = account?.buckets.find((b) => b.name === name);
  if (bucket) return bucket;
  const elsewhere = Object.values(ctx.world.accounts).some((a) => a.buckets.some((b) => b.name === name));
  if (elsewhere) {
    throw new ApiError(
      'AccessDenied',
      `User: ${ctx.caller.arn} is not authorized to perform: s3:${operation} on resource: "${arn}" because no resource-based policy allows the s3:${operation} action`,
      403,
    );
  }
  throw new ApiError('NoSuchBucket', 'The specified bucket does not exist', 404);
}

/** us-east-1 buckets have an empty LocationConstraint, every other region its own name. */
function getBucketLocation(ctx: HandlerContext, input: Record<string, unknown>) {
  const bucket = ownBucket(ctx, 'GetBucketLocation', input);
  return bucket.region === 'us-east-1' ? {} : { LocationConstraint: bucket.region };
}

function getBucketTagging(ctx: HandlerContext, input: Record<string, unknown>) {
  const bucket = ownBucket(ctx, 'GetBucketTagging', input);
  const tags = Object.entries(bucket.tags);
  if (tags.length === 0) throw new ApiError('NoSuchTagSet', 'The TagSet does not exist', 404);
  return { TagSet: tags.map(([Key, Value]) => ({ Key, Value })) };
}

const OPERATIONS = {
  ListBuckets: listBuckets,
  GetBucketLocation: getBucketLocation,
  GetBucketTagging: getBucketTagging,
};

/**
 * `GET /` lists buckets; path-style `GET /{bucket}?location` and `?tagging` address one bucket (clients
 * need `forcePathStyle`, or an IP endpoint, which the SDK addresses path-style anyway).
 */
export function routeS3(
  method: string,
  path: string,
  query: URLSearchParams,
): { operation: string; input: Record<string, unknown> } | undefined {
  if (method !== 'GET') return undefined;
  if (path === '/' || path === '') {
    const input: Record<string, unknown> = {};
    const params = {
      MaxBuckets: 'max-buckets',
      ContinuationToken: 'continuation-token',
      Prefix: 'prefix',
      BucketRegion: 'bucket-region',
    };
    for (const [member, name] of Object.entries(params)) {
      const value = query.get(name);
      if (value !== null) input[member] = value;
    }
    return { operation: 'ListBuckets', input };
  }
  const m = /^\/([^/]+)\/?$/.exec(path);
  if (!m?.[1]) return undefined;
  const Bucket = decodeURIComponent(m[1]);
  if (query.has('location')) return { operation: 'GetBucketLocation', input: { Bucket } };
  if (query.has('tagging')) return { operation: 'GetBucketTagging', input: { Bucket } };
  return undefined;
}

export const s3Service: ServiceImpl = {
  signingName: 's3',
  modelName: 's3',
  actionPrefix: 's3',
  operations: OPERATIONS,
  // dispatch prefixes these with actionPrefix; the operations authorize themselves with S3's wording.
  actionNames: ACTION_NAMES,
  selfAuthorized: new Set(Object.keys(OPERATIONS)),
  route: routeS3,
};
