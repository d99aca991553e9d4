import { ApiError, invalidTokenError } from '../api-error.js';
import type { HandlerContext } from '../service.js';
import { isRegionEnabled } from '../world/regions.js';
import type { SandboxAccount } from '../world/types.js';

/**
 * The region check of every regional service (EC2, Lambda, RDS, ECS, EKS, DynamoDB, Config), which AWS makes
 * before it reads any policy.
 *
 * - A region AWS does not have: no endpoint exists, so on AWS the client fails on DNS. The sandbox must
 *   answer something and answers `InvalidRegion`, a code AWS never sends, as EC2 does here: a fan-out must
 *   not report a typo as a disabled region.
 * - An opt-in region the account has not enabled: AWS does not know the credentials there and answers the
 *   protocol's invalid-token error (EC2 `AuthFailure` 401, RDS `InvalidClientTokenId`, JSON services
 *   `UnrecognizedClientException`; boto/boto3#2381 shows RDS doing so in ap-east-1).
 *
 * Lambda and EKS answer the invalid-token error with 403 rather than the JSON default 400: `invalidTokenStatus`.
 */
export function checkRegion(
  ctx: HandlerContext,
  endpointPrefix: string,
  invalidTokenStatus?: number,
): SandboxAccount | undefined {
  const account = ctx.world.accounts[ctx.caller.accountId];
  if (!ctx.world.regions.some((r) => r.name === ctx.region)) {
    throw new ApiError(
      'InvalidRegion',
      `The region '${ctx.region}' does not exist: AWS has no endpoint ${endpointPrefix}.${ctx.region}.amazonaws.com.`,
      400,
    );
  }
  if (!isRegionEnabled(ctx.world.regions, account?.optedInRegions ?? [], ctx.region)) {
    const invalid = invalidTokenError(ctx.protocol);
    throw new ApiError(invalid.code, invalid.message, invalidTokenStatus ?? invalid.status);
  }
  return account;
}
