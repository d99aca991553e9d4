import { createHash } from 'node:crypto';
import { ApiError } from '../api-error.js';
import { str, type HandlerContext, type ServiceImpl } from '../service.js';
import type { LambdaFunctionSpec, RegionWorkloads } from '../world/workloads.js';
import {
  byName,
  decodeOffsetToken,
  encodeOffsetToken,
  gateWorkloads,
  pageOf,
  queryInteger,
  type GateOptions,
} from './workload-gate.js';

/**
 * Lambda (protocol rest-json), regional: the functions of the caller's account in the signed region.
 * ListFunctions pages by Marker / MaxItems and never returns more than 50 (AWS caps it there whatever
 * MaxItems says); it returns a subset of the configuration, without State and LastUpdateStatus, which only
 * GetFunction and GetFunctionConfiguration include, as AWS documents.
 */

const DENIAL = { code: 'AccessDeniedException', status: 403 } as const;
const PAGE_LIMIT = 50;

function gate(ctx: HandlerContext, operation: string, resource: string): RegionWorkloads {
  const options: GateOptions = {
    endpointPrefix: 'lambda',
    action: `lambda:${operation}`,
    resource,
    denial: DENIAL,
    invalidTokenStatus: 403,
  };
  return gateWorkloads(ctx, options);
}

/** Lambda's own timestamp text: ISO 8601 with milliseconds and a `+0000` offset. */
export function lambdaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

function validation(member: string, value: unknown, constraint: string): ApiError {
  return new ApiError(
    'ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${constraint}`,
    400,
  );
}

/** The fields ListFunctions returns. */
function summary(f: LambdaFunctionSpec): Record<string, unknown> {
  return {
    FunctionName: f.name,
    FunctionArn: f.arn,
    Runtime: f.runtime,
    Role: f.role,
    Handler: f.handler,
    CodeSize: f.codeSize,
    Description: f.description,
    Timeout: f.timeout,
    MemorySize: f.memorySize,
    LastModified: lambdaTimestamp(f.lastModified),
    CodeSha256: f.codeSha256,
    Version: '$LATEST',
    Environment: { Variables: f.environment },
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: f.revisionId,
    PackageType: 'Zip',
    Architectures: [f.architecture],
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${f.name}` },
  };
}

/** The full configuration of GetFunction and GetFunctionConfiguration. */
function configuration(f: LambdaFunctionSpec, region: string): Record<string, unknown> {
  return {
    ...summary(f),
    State: 'Active',
    LastUpdateStatus: 'Successful',
    RuntimeVersionConfig: {
      RuntimeVersionArn: `arn:aws:lambda:${region}::runtime:${createHash('sha256').update(`${f.runtime}:${region}`).digest('hex')}`,
    },
  };
}

function listFunctions(ctx: HandlerContext, input: Record<string, unknown>) {
  const workloads = gate(ctx, 'ListFunctions', '*');
  const maxItems = queryInteger(input['MaxItems']);
  if (maxItems !== undefined && !(maxItems >= 1 && maxItems <= 10_000)) {
    throw validation(
      'maxItems',
      input['MaxItems'],
      maxItems > 10_000
        ? 'Member must have value less than or equal to 10000'
        : 'Member must have value greater than or equal to 1',
    );
  }
  const marker = str(input, 'Marker');
  const offset = marker === undefined || marker === '' ? 0 : decodeOffsetToken(marker, 'ListFunctions');
  if (offset === undefined) throw new ApiError('InvalidParameterValueException', 'Invalid marker', 400);
  const sorted = [...workloads.functions].sort(byName);
  const page = pageOf(sorted, offset, Math.min(maxItems ?? PAGE_LIMIT, PAGE_LIMIT));
  return {
    Functions: page.items.map(summary),
    ...(page.next === undefined ? {} : { NextMarker: encodeOffsetToken('ListFunctions', page.next) }),
  };
}

/**
 * A function named by name, by full ARN or by partial ARN (`123456789012:function:name`), optionally with
 * a qualifier; only `$LATEST` exists. Anything else is not found, with the ARN AWS prints.
 */
function parseFunctionName(
  ctx: HandlerContext,
  raw: string,
  qualifier: string | undefined,
): { name: string; arn: string; qualifier?: string } {
  const parts = raw.split(':');
  let name = raw;
  let region = ctx.region;
  let account = ctx.caller.accountId;
  let q = qualifier;
  if (parts[0] === 'arn' && parts.length >= 7) {
    [, , , region = ctx.region, account = ctx.caller.accountId, , name = ''] = parts;
    q = q ?? parts[7];
  } else if (parts.length >= 3 && parts[1] === 'function') {
    [account = ctx.caller.accountId, , name = ''] = parts;
    q = q ?? parts[3];
  }
  const arn = `arn:aws:lambda:${region}:${account}:function:${name}`;
  return {
    name: region === ctx.region && account === ctx.caller.accountId ? name : '',
    arn,
    ...(q === undefined ? {} : { qualifier: q }),
  };
}

function findFunction(ctx: HandlerContext, operation: string, input: Record<string, unknown>): LambdaFunctionSpec {
  const ref = parseFunctionName(ctx, str(input, 'FunctionName') ?? '', str(input, 'Qualifier'));
  const workloads = gate(ctx, operation, ref.arn);
  const found = workloads.functions.find((f) => f.name === ref.name);
  if (!found || (ref.qualifier !== undefined && ref.qualifier !== '$LATEST')) {
    throw new ApiError(
      'ResourceNotFoundException',
      `Function not found: ${ref.arn}${ref.qualifier === undefined ? '' : `:${ref.qualifier}`}`,
      404,
    );
  }
  return found;
}

function getFunction(ctx: HandlerContext, input: Record<string, unknown>) {
  const f = findFunction(ctx, 'GetFunction', input);
  return {
    Configuration: configuration(f, ctx.region),
    Code: {
      RepositoryType: 'S3',
      Location: `https://awslambda-${ctx.region}-tasks.s3.${ctx.region}.amazonaws.com/snapshots/${ctx.caller.accountId}/${f.name}-${f.revisionId}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=600`,
    },
    Tags: f.tags,
  };
}

function getFunctionConfiguration(ctx: HandlerContext, input: Record<string, unknown>) {
  return configuration(findFunction(ctx, 'GetFunctionConfiguration', input), ctx.region);
}

function listTags(ctx: HandlerContext, input: Record<string, unknown>) {
  const arn = str(input, 'Resource') ?? '';
  const workloads = gate(ctx, 'ListTags', arn);
  const found = workloads.functions.find((f) => f.arn === arn);
  if (!found) throw new ApiError('ResourceNotFoundException', `Function not found: ${arn}`, 404);
  return { Tags: found.tags };
}

const OPERATIONS = {
  ListFunctions: listFunctions,
  GetFunction: getFunction,
  GetFunctionConfiguration: getFunctionConfiguration,
  ListTags: listTags,
};

const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** `GET /2015-03-31/functions/[{FunctionName}[/configuration]]` and `GET /2017-03-31/tags/{Resource}`. */
export function routeLambda(
  method: string,
  path: string,
  query: URLSearchParams,
): { operation: string; input: Record<string, unknown> } | undefined {
  if (method !== 'GET') return undefined;
  const fromQuery = (names: readonly string[]) =>
    Object.fromEntries(names.flatMap((n) => (query.has(n) ? [[n, query.get(n) ?? '']] : [])));
  if (/^\/2015-03-31\/functions\/?$/.test(path))
    return { operation: 'ListFunctions', input: fromQuery(['Marker', 'MaxItems', 'MasterRegion', 'FunctionVersion']) };
  const fn = /^\/2015-03-31\/functions\/([^/]+)(\/configuration)?\/?$/.exec(path);
  if (fn?.[1]) {
    const input = { FunctionName: decode(fn[1]), ...fromQuery(['Qualifier']) };
    return { operation: fn[2] ? 'GetFunctionConfiguration' : 'GetFunction', input };
  }
  const tags = /^\/2017-03-31\/tags\/(.+?)\/?$/.exec(path);
  if (tags?.[1]) return { operation: 'ListTags', input: { Resource: decode(tags[1]) } };
  return undefined;
}

export const lambdaService: ServiceImpl = {
  signingName: 'lambda',
  modelName: 'lambda',
  actionPrefix: 'lambda',
  operations: OPERATIONS,
  // Each operation checks the region before the policies, as AWS does (see workload-gate.ts).
  selfAuthorized: new Set(Object.keys(OPERATIONS)),
  route: routeLambda,
};
