import { ApiError, accessDeniedMessage } from '../api-error.js';
import { authorizeCaller, principalContext } from '../authorize.js';
import type { HandlerContext } from '../service.js';
import { workloadsIn, type RegionWorkloads } from '../world/workloads.js';
import { checkRegion } from './region-check.js';

/**
 * The gate of the regional workload services, in AWS's order: the region (region-check.ts), then the
 * identity policies with the service's own AccessDenied code, status and wording; then the caller
 * account's workloads in the signed region. Also the small helpers they share: page tokens, tags.
 */

export interface DenialStyle {
  code: string;
  status: number;
  /** Config's denials name no resource ("… is not authorized to perform: config:X because …"). */
  namesResource?: boolean;
}

export interface GateOptions {
  /** The endpoint prefix, for the unknown-region message (`lambda`, `rds`, `dynamodb`…). */
  endpointPrefix: string;
  /** `lambda:ListFunctions`. */
  action: string;
  /** The ARN the action is evaluated against; AWS names it in the denial. */
  resource: string;
  denial: DenialStyle;
  /** Lambda and EKS answer the invalid-token error with 403 rather than the JSON default 400. */
  invalidTokenStatus?: number;
}

export function authorizeAction(ctx: HandlerContext, action: string, resource: string, denial: DenialStyle): void {
  const context = { ...principalContext(ctx.world, ctx.caller, ctx.now()), 'aws:RequestedRegion': ctx.region };
  const result = authorizeCaller(ctx.world, ctx.caller, action, resource, context);
  if (result.allowed) return;
  const message =
    denial.namesResource === false
      ? `User: ${ctx.caller.arn} is not authorized to perform: ${action} ${result.explicit ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`}`
      : accessDeniedMessage(ctx.caller.arn, action, resource, result.explicit);
  throw new ApiError(denial.code, message, denial.status);
}

/** Region check, then authorization; returns the caller account's workloads in the signed region. */
export function gateWorkloads(ctx: HandlerContext, options: GateOptions): RegionWorkloads {
  const account = checkRegion(ctx, options.endpointPrefix, options.invalidTokenStatus);
  authorizeAction(ctx, options.action, options.resource, options.denial);
  return workloadsIn(ctx.world, account, ctx.region);
}

/** The ARN prefix of the caller's account in the signed region: `arn:aws:<service>:<region>:<account>:`. */
export function regionalArn(ctx: HandlerContext, service: string, rest: string): string {
  return `arn:aws:${service}:${ctx.region}:${ctx.caller.accountId}:${rest}`;
}

/**
 * Opaque page tokens: base64 of the operation and the offset. `decodeOffsetToken` returns undefined for a
 * token that does not decode or belongs to another operation; each service answers with its own error.
 */
export function encodeOffsetToken(operation: string, offset: number): string {
  return Buffer.from(JSON.stringify({ op: operation, offset }), 'utf8').toString('base64');
}

export function decodeOffsetToken(token: string, operation: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { op, offset } = parsed as { op?: unknown; offset?: unknown };
    return op === operation && typeof offset === 'number' && Number.isInteger(offset) && offset >= 0
      ? offset
      : undefined;
  } catch {
    return undefined;
  }
}

/** One page of `items` from `offset`, with the offset of the next page when there is one. */
export function pageOf<T>(items: readonly T[], offset: number, size: number): { items: T[]; next?: number } {
  const end = offset + size;
  const page = items.slice(offset, end);
  return end < items.length ? { items: page, next: end } : { items: page };
}

/** REST query-string integers arrive as text; undefined when absent, NaN when not an integer. */
export function queryInteger(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
}

export const byName = (a: { name: string }, b: { name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

export function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** ECS writes its tags with lower-case members. */
export function lowerTagList(tags: Record<string, string>): { key: string; value: string }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}
