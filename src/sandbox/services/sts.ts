import { parseArn } from '../../core/arn.js';
import { evaluateTrustPolicy, type ConditionContext } from '../../core/policy/index.js';
import { ApiError } from '../api-error.js';
import { authorizeCaller, cachedPolicy, principalContext } from '../authorize.js';
import type { Caller } from '../auth/caller.js';
import { newSecretKey, newSessionToken, newUniqueId } from '../world/ids.js';
import type { PrincipalRef, SessionRecord, World } from '../world/types.js';
import { totpStep } from '../totp.js';
import { num, str, type HandlerContext, type ServiceImpl } from '../service.js';

const HOUR = 3600;
const SESSION_NAME_RE = /^[\w+=,.@-]{2,64}$/;
const SOURCE_IDENTITY_RE = /^[\w+=,.@-]{2,64}$/;

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function validation(message: string): ApiError {
  return new ApiError('ValidationError', message, 400);
}

function denied(caller: Caller, roleArn: string, extra = ''): ApiError {
  return new ApiError(
    'AccessDenied',
    `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}${extra}`,
    403,
  );
}

function getCallerIdentity(ctx: HandlerContext) {
  return { UserId: ctx.caller.userId, Account: ctx.caller.accountId, Arn: ctx.caller.arn };
}

/** The MFA presented with this call, if any: serial must be the caller's device and the code a valid TOTP. */
function checkMfa(ctx: HandlerContext, input: Record<string, unknown>): string | undefined {
  const serial = str(input, 'SerialNumber');
  const code = str(input, 'TokenCode');
  if (serial === undefined && code === undefined) return undefined;
  if (serial === undefined || code === undefined)
    throw validation('Both SerialNumber and TokenCode are required when using MFA.');
  const p = ctx.caller.principal;
  const account = ctx.world.accounts[ctx.caller.accountId];
  const device = account?.iam.mfaDevices[serial];
  const owner = p.type === 'user' ? p.userName : undefined;
  if (!device || device.userName === undefined || (p.type === 'user' && device.userName !== owner)) {
    throw new ApiError(
      'AccessDenied',
      'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.',
      403,
    );
  }
  const step = totpStep(device.secret, code, ctx.now());
  if (step === undefined) {
    throw new ApiError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. ', 403);
  }
  // AWS accepts each code once: a code already used (or one older than it) is refused until the next one.
  if (device.lastUsedStep !== undefined && step <= device.lastUsedStep) {
    throw new ApiError(
      'AccessDenied',
      'MultiFactorAuthentication failed with invalid MFA one time pass code. The code was already used: wait for the next one.',
      403,
    );
  }
  device.lastUsedStep = step;
  ctx.markDirty();
  return isoSeconds(ctx.now());
}

export function issueSession(
  world: World,
  principal: PrincipalRef,
  parent: string,
  nowMs: number,
  seconds: number,
  extra: Partial<SessionRecord>,
): SessionRecord {
  const session: SessionRecord = {
    accessKeyId: newUniqueId(world, 'ASIA'),
    secretAccessKey: newSecretKey(world),
    sessionToken: newSessionToken(world),
    principal,
    issuedAt: isoSeconds(nowMs),
    expiration: isoSeconds(nowMs + seconds * 1000),
    chained: false,
    parentAccessKeyId: parent,
    ...extra,
  };
  world.sessions[session.accessKeyId] = session;
  pruneExpired(world, nowMs);
  return session;
}

/** Expired sessions are dead weight; sweep them now and then so a long benchmark does not grow the heap. */
function pruneExpired(world: World, nowMs: number): void {
  if (nowMs - (world.sessionsPrunedAt ?? 0) < 60_000) return;
  world.sessionsPrunedAt = nowMs;
  for (const [id, s] of Object.entries(world.sessions))
    if (Date.parse(s.expiration) < nowMs - 3_600_000) delete world.sessions[id];
}

function trustContext(ctx: HandlerContext, input: Record<string, unknown>, presentedNow: boolean): ConditionContext {
  const base = principalContext(ctx.world, ctx.caller, ctx.now());
  // A code presented with this call is fresh (age 0); otherwise the session's own MFA age applies.
  if (presentedNow) {
    base['aws:MultiFactorAuthPresent'] = 'true';
    base['aws:MultiFactorAuthAge'] = '0';
  }
  const externalId = str(input, 'ExternalId');
  if (externalId !== undefined) base['sts:ExternalId'] = externalId;
  const sourceIdentity = str(input, 'SourceIdentity') ?? ctx.caller.session?.sourceIdentity;
  if (sourceIdentity !== undefined) {
    base['sts:SourceIdentity'] = sourceIdentity;
    base['aws:SourceIdentity'] = sourceIdentity;
  }
  base['sts:RoleSessionName'] = str(input, 'RoleSessionName');
  return base;
}

/**
 * AssumeRole, recorded in CloudTrail whether it succeeds or not: a denied attempt is evidence too, and AWS
 * writes it with `errorCode` and `errorMessage` (never the MFA code).
 */
function assumeRole(ctx: HandlerContext, input: Record<string, unknown>) {
  try {
    return grantRole(ctx, input);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'AccessDenied') recordDeniedAssumeRole(ctx, input, err);
    throw err;
  }
}

function grantRole(ctx: HandlerContext, input: Record<string, unknown>) {
  const roleArn = str(input, 'RoleArn') ?? '';
  const sessionName = str(input, 'RoleSessionName') ?? '';
  if (!SESSION_NAME_RE.test(sessionName)) {
    throw validation(
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  }
  let arnAccount: string;
  let roleName: string;
  try {
    const arn = parseArn(roleArn);
    if (arn.service !== 'iam' || arn.resourceType !== 'role') throw new Error('not a role');
    arnAccount = arn.accountId;
    roleName = arn.resourceName;
  } catch {
    throw validation(`${roleArn} is invalid`);
  }
  const sourceIdentity = str(input, 'SourceIdentity');
  if (sourceIdentity !== undefined && !SOURCE_IDENTITY_RE.test(sourceIdentity))
    throw validation(`Value '${sourceIdentity}' at 'sourceIdentity' failed to satisfy constraint`);
  const inherited = ctx.caller.session?.sourceIdentity;
  if (inherited !== undefined && sourceIdentity !== undefined && sourceIdentity !== inherited) {
    throw new ApiError('AccessDenied', `Cannot change the SourceIdentity of a session: it is ${inherited}`, 403);
  }
  const presented = checkMfa(ctx, input);
  const mfaAuthTime = presented ?? ctx.caller.session?.mfaAuthTime;
  const role = ctx.world.accounts[arnAccount]?.iam.roles[roleName];
  if (!role || role.arn !== roleArn) throw denied(ctx.caller, roleArn);

  const context = trustContext(ctx, input, presented !== undefined);
  // Cross-account, both the caller's identity policy and the role's trust policy must allow. In the same
  // account a trust policy naming the principal itself is enough.
  const identity = authorizeCaller(ctx.world, ctx.caller, 'sts:AssumeRole', role.arn, context);
  const p = ctx.caller.principal;
  const requestPrincipal = {
    arn: ctx.caller.arn,
    accountId: ctx.caller.accountId,
    type: p.type,
    ...(p.type === 'assumed-role'
      ? { roleArn: ctx.world.accounts[p.accountId]?.iam.roles[p.roleName]?.arn ?? '' }
      : {}),
  };
  const trust = evaluateTrustPolicy(cachedPolicy(role.assumeRolePolicyDocument), {
    action: 'sts:AssumeRole',
    principal: requestPrincipal,
    context,
  });
  if (trust.decision !== 'allow') throw denied(ctx.caller, roleArn);
  if (sourceIdentity !== undefined) {
    const setSi = evaluateTrustPolicy(cachedPolicy(role.assumeRolePolicyDocument), {
      action: 'sts:SetSourceIdentity',
      principal: requestPrincipal,
      context,
    });
    if (setSi.decision !== 'allow')
      throw new ApiError(
        'AccessDenied',
        `User: ${ctx.caller.arn} is not authorized to perform: sts:SetSourceIdentity on resource: ${roleArn}`,
        403,
      );
  }
  const sameAccount = ctx.caller.accountId === arnAccount;
  if (!identity.allowed && !(sameAccount && trust.statement && principalNamedExplicitly(trust.statement, ctx.caller))) {
    throw denied(
      ctx.caller,
      roleArn,
      identity.explicit
        ? ' with an explicit deny in an identity-based policy'
        : ' because no identity-based policy allows the sts:AssumeRole action',
    );
  }

  const chained = p.type === 'assumed-role';
  const requested = num(input, 'DurationSeconds');
  if (requested !== undefined && requested < 900)
    throw validation(
      `1 validation error detected: Value '${requested}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
    );
  if (chained && requested !== undefined && requested > HOUR) {
    throw validation(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  if (requested !== undefined && requested > role.maxSessionDuration) {
    throw validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  let seconds = requested ?? HOUR;
  // A chained session also never outlives the session it came from.
  if (chained && ctx.caller.session)
    seconds = Math.min(seconds, Math.floor((Date.parse(ctx.caller.session.expiration) - ctx.now()) / 1000));
  const principal: PrincipalRef = { type: 'assumed-role', accountId: arnAccount, roleName: role.name, sessionName };
  const effectiveSourceIdentity = sourceIdentity ?? inherited;
  const session = issueSession(ctx.world, principal, ctx.caller.accessKeyId, ctx.now(), seconds, {
    chained,
    ...(mfaAuthTime ? { mfaAuthTime } : {}),
    ...(effectiveSourceIdentity ? { sourceIdentity: effectiveSourceIdentity } : {}),
  });
  role.lastUsed = { date: isoSeconds(ctx.now()), region: ctx.region };
  ctx.markDirty();
  const assumedRoleId = `${role.id}:${sessionName}`;
  const assumedArn = `arn:aws:sts::${arnAccount}:assumed-role/${role.name}/${sessionName}`;
  recordAssumeRole(ctx, input, role.arn, arnAccount, session, assumedRoleId, assumedArn, mfaAuthTime !== undefined);
  return {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: new Date(session.expiration),
    },
    AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: assumedArn },
    PackedPolicySize: 0,
    ...(effectiveSourceIdentity ? { SourceIdentity: effectiveSourceIdentity } : {}),
  };
}

/** A trust statement names the caller itself (not its account), which suffices within one account. */
function principalNamedExplicitly(statement: { Principal?: unknown }, caller: Caller): boolean {
  return JSON.stringify(statement.Principal ?? '').includes(caller.arn);
}

function recordAssumeRole(
  ctx: HandlerContext,
  input: Record<string, unknown>,
  roleArn: string,
  targetAccount: string,
  session: SessionRecord,
  assumedRoleId: string,
  assumedArn: string,
  mfa: boolean,
): void {
  const requestParameters: Record<string, unknown> = {
    roleArn,
    roleSessionName: str(input, 'RoleSessionName'),
    durationSeconds: Math.round((Date.parse(session.expiration) - Date.parse(session.issuedAt)) / 1000),
    ...(str(input, 'ExternalId') !== undefined ? { externalId: str(input, 'ExternalId') } : {}),
    ...(session.sourceIdentity ? { sourceIdentity: session.sourceIdentity } : {}),
    ...(str(input, 'SerialNumber') !== undefined ? { serialNumber: str(input, 'SerialNumber') } : {}),
  };
  const responseElements = {
    credentials: { accessKeyId: session.accessKeyId, expiration: session.expiration },
    assumedRoleUser: { assumedRoleId, arn: assumedArn },
    ...(session.sourceIdentity ? { sourceIdentity: session.sourceIdentity } : {}),
  };
  const event = {
    eventName: 'AssumeRole',
    eventSource: 'sts.amazonaws.com',
    readOnly: true,
    requestParameters,
    responseElements,
    resources: [{ type: 'AWS::IAM::Role', name: roleArn }],
    additionalEventData: { mfaAuthenticated: mfa ? 'true' : 'false' },
  };
  if (ctx.caller.accountId === targetAccount) {
    ctx.recordEvent(targetAccount, { ...event, recipientAccountId: targetAccount });
    return;
  }
  // Across accounts, the role's account sees only the calling account and principal id (userIdentity type
  // AWSAccount), as CloudTrail shows it; the caller's own account records the full identity.
  const sharedEventID = `${session.accessKeyId}-shared`;
  ctx.recordEvent(targetAccount, {
    ...event,
    recipientAccountId: targetAccount,
    sharedEventID,
    userIdentity: { type: 'AWSAccount', principalId: ctx.caller.userId, accountId: ctx.caller.accountId },
  });
  ctx.recordEvent(ctx.caller.accountId, { ...event, recipientAccountId: ctx.caller.accountId, sharedEventID });
}

/**
 * A denied AssumeRole: the caller's account records it with the full identity. The role's account records it
 * too (as `AWSAccount`, like a granted call) only when the role exists and its trust policy names the caller's
 * account, so that nobody can fill another account's trail by guessing role names.
 */
function recordDeniedAssumeRole(ctx: HandlerContext, input: Record<string, unknown>, err: ApiError): void {
  const roleArn = str(input, 'RoleArn') ?? '';
  const requestParameters: Record<string, unknown> = {
    roleArn,
    roleSessionName: str(input, 'RoleSessionName'),
    ...(num(input, 'DurationSeconds') !== undefined ? { durationSeconds: num(input, 'DurationSeconds') } : {}),
    ...(str(input, 'ExternalId') !== undefined ? { externalId: str(input, 'ExternalId') } : {}),
    ...(str(input, 'SourceIdentity') !== undefined ? { sourceIdentity: str(input, 'SourceIdentity') } : {}),
    ...(str(input, 'SerialNumber') !== undefined ? { serialNumber: str(input, 'SerialNumber') } : {}),
  };
  const event = {
    eventName: 'AssumeRole',
    eventSource: 'sts.amazonaws.com',
    readOnly: true,
    requestParameters,
    errorCode: err.code,
    errorMessage: err.message,
  };
  let roleAccount: string | undefined;
  try {
    roleAccount = parseArn(roleArn).accountId;
  } catch {
    roleAccount = undefined;
  }
  const role = roleAccount
    ? Object.values(ctx.world.accounts[roleAccount]?.iam.roles ?? {}).find((r) => r.arn === roleArn)
    : undefined;
  if (
    !roleAccount ||
    roleAccount === ctx.caller.accountId ||
    !role ||
    !trustNamesAccount(role.assumeRolePolicyDocument, ctx.caller.accountId)
  ) {
    ctx.recordEvent(ctx.caller.accountId, { ...event, recipientAccountId: ctx.caller.accountId });
    return;
  }
  const sharedEventID = `${ctx.requestId}-shared`;
  ctx.recordEvent(roleAccount, {
    ...event,
    recipientAccountId: roleAccount,
    sharedEventID,
    userIdentity: { type: 'AWSAccount', principalId: ctx.caller.userId, accountId: ctx.caller.accountId },
  });
  ctx.recordEvent(ctx.caller.accountId, { ...event, recipientAccountId: ctx.caller.accountId, sharedEventID });
}

/** Whether any trust statement's principal is the account or one of its principals. */
function trustNamesAccount(document: string, accountId: string): boolean {
  try {
    const statements: unknown = (JSON.parse(document) as { Statement?: unknown }).Statement;
    const list = Array.isArray(statements) ? statements : [statements];
    return list.some((st) => {
      const principal = JSON.stringify((st as { Principal?: unknown } | null)?.Principal ?? '');
      return principal.includes(`"${accountId}"`) || principal.includes(`::${accountId}:`);
    });
  } catch {
    return false;
  }
}

function getSessionToken(ctx: HandlerContext, input: Record<string, unknown>) {
  const p = ctx.caller.principal;
  if (p.type === 'assumed-role' || ctx.caller.session) {
    throw new ApiError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
  }
  const requested = num(input, 'DurationSeconds');
  const max = p.type === 'root' ? HOUR : 129_600;
  if (requested !== undefined && (requested < 900 || requested > max)) {
    throw validation(
      `1 validation error detected: Value '${requested}' at 'durationSeconds' failed to satisfy constraint: Member must have value ${requested < 900 ? 'greater than or equal to 900' : `less than or equal to ${max}`}`,
    );
  }
  const mfaAuthTime = checkMfa(ctx, input);
  const session = issueSession(
    ctx.world,
    p,
    ctx.caller.accessKeyId,
    ctx.now(),
    requested ?? 43_200,
    mfaAuthTime ? { mfaAuthTime } : {},
  );
  ctx.markDirty();
  // CloudTrail records every credential the sandbox grants, as AWS does (never the secret or the code).
  ctx.recordEvent(ctx.caller.accountId, {
    eventName: 'GetSessionToken',
    eventSource: 'sts.amazonaws.com',
    readOnly: true,
    requestParameters: {
      durationSeconds: requested ?? 43_200,
      ...(str(input, 'SerialNumber') !== undefined ? { serialNumber: str(input, 'SerialNumber') } : {}),
    },
    responseElements: { credentials: { accessKeyId: session.accessKeyId, expiration: session.expiration } },
    additionalEventData: { mfaAuthenticated: mfaAuthTime ? 'true' : 'false' },
  });
  return {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: new Date(session.expiration),
    },
  };
}

export const stsService: ServiceImpl = {
  signingName: 'sts',
  modelName: 'sts',
  actionPrefix: 'sts',
  global: false,
  selfAuthorized: new Set(['GetCallerIdentity', 'AssumeRole', 'GetSessionToken']),
  operations: {
    GetCallerIdentity: (ctx) => getCallerIdentity(ctx),
    AssumeRole: assumeRole,
    GetSessionToken: getSessionToken,
  },
};
