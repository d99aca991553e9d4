import {
  ApiError,
  contentSha256MismatchError,
  expiredTokenError,
  hostNotSignedError,
  unknownScopeRegionError,
  invalidTokenError,
  signatureMismatchError,
  type WireProtocol,
} from './api-error.js';
import { callerFor, principalExists, type Caller } from './auth/caller.js';
import {
  header,
  isUnsignedPayload,
  sha256Hex,
  verifySignature,
  type RawRequest,
  type SignedRequestInfo,
} from './auth/sigv4-verify.js';
import type { World } from './world/types.js';

const MAX_SKEW_MS = 15 * 60_000;

/**
 * Finds who signed the request and proves it: the key must exist and be active, a session's token must
 * match and not be expired, and the SigV4 signature must verify with the key's secret.
 */
export async function authenticate(
  world: World,
  req: RawRequest,
  info: SignedRequestInfo,
  protocol: WireProtocol,
  nowMs: number,
): Promise<Caller> {
  if (!world.regions.some((r) => r.name === info.region)) throw unknownScopeRegionError(info.region);
  if (!info.signedHeaders.includes('host')) throw hostNotSignedError(protocol);
  const declared = header(req.headers, 'x-amz-content-sha256');
  if (info.service === 's3' && declared !== undefined && !isUnsignedPayload(declared)) {
    const computed = sha256Hex(req.body);
    if (declared !== computed) throw contentSha256MismatchError(declared, computed);
  }
  const longTerm = world.accessKeys[info.accessKeyId];
  const session = longTerm ? undefined : world.sessions[info.accessKeyId];
  if (!longTerm && !session) throw invalidTokenError(protocol);
  if (longTerm && longTerm.status !== 'Active') throw invalidTokenError(protocol);
  const token = header(req.headers, 'x-amz-security-token');
  if (session) {
    if (token !== session.sessionToken) throw invalidTokenError(protocol);
    if (Date.parse(session.expiration) <= nowMs) throw expiredTokenError(protocol);
  } else if (token !== undefined) {
    throw invalidTokenError(protocol);
  }
  const secret = longTerm?.secretAccessKey ?? session?.secretAccessKey ?? '';
  if (!(await verifySignature(req, info, secret, session?.sessionToken))) throw signatureMismatchError(protocol);
  checkSkew(req, protocol);
  const principal = longTerm
    ? { type: 'user' as const, accountId: longTerm.accountId, userName: longTerm.userName }
    : session?.principal;
  if (!principal || !principalExists(world, principal)) throw invalidTokenError(protocol);
  return callerFor(world, principal, info.accessKeyId, session);
}

/** The signature's own time must be within 15 minutes of the real clock, as AWS requires. */
function checkSkew(req: RawRequest, protocol: WireProtocol): void {
  const amz = header(req.headers, 'x-amz-date') ?? '';
  const t = Date.parse(amz.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (Number.isNaN(t) || Math.abs(Date.now() - t) <= MAX_SKEW_MS) return;
  const code =
    protocol === 'json' || protocol === 'rest-json'
      ? 'InvalidSignatureException'
      : protocol === 'ec2'
        ? 'AuthFailure'
        : 'SignatureDoesNotMatch';
  throw new ApiError(
    code,
    `Signature expired: ${amz} is now earlier than the allowed window (15 minutes).`,
    protocol === 'ec2' ? 401 : 403,
  );
}
