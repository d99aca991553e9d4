import type { RawRequest } from '../auth/sigv4-verify.js';
import { header } from '../auth/sigv4-verify.js';
import { callerFor } from '../auth/caller.js';
import { issueSession } from '../services/sts.js';
import { recordTrailEvent } from '../trail-recorder.js';
import type { IdentityCenterState, SsoAccessToken } from '../world/identity-center-types.js';
import { durationSeconds, provisionedRole, samlProviderArn, userAssignments } from '../world/identity-center.js';
import type { World } from '../world/types.js';
import { invalidRequest, noAccess, unauthorized } from './sso-error.js';

/**
 * The AWS access portal's API (the `sso` model): the accounts and permission sets a signed-in user is assigned,
 * and role credentials for one of them. The bearer token of SSO OIDC authenticates; nothing is signed.
 */
export interface PortalDeps {
  world: World;
  ic: IdentityCenterState;
  now(): number;
  markDirty(): void;
  sourceIp: string;
  userAgent: string;
}

const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;

/** The bearer token's user, or UnauthorizedException for a missing, unknown, expired or logged-out token. */
function signedIn(req: RawRequest, deps: PortalDeps): { token: string; record: SsoAccessToken } {
  const token = header(req.headers, 'x-amz-sso_bearer_token') ?? '';
  const record = deps.ic.accessTokens[token];
  if (!token || !record || record.revoked || record.expiresAt <= deps.now() || !deps.ic.users[record.userName])
    throw unauthorized();
  return { token, record };
}

/** next_token / max_result: an opaque offset and a page size from 1 to 100. */
function page<T>(items: T[], query: URLSearchParams): { items: T[]; nextToken?: string } {
  const maxText = query.get('max_result');
  const max = maxText === null ? DEFAULT_PAGE : Number(maxText);
  if (!Number.isInteger(max) || max < 1 || max > MAX_PAGE)
    throw invalidRequest(`max_result must be an integer from 1 to ${MAX_PAGE}`);
  const next = query.get('next_token');
  let start = 0;
  if (next !== null) {
    const decoded = /^o:(\d+)$/.exec(Buffer.from(next, 'base64url').toString('utf8'));
    if (!decoded?.[1]) throw invalidRequest('Invalid next token');
    start = Number(decoded[1]);
  }
  const slice = items.slice(start, start + max);
  const end = start + slice.length;
  return end < items.length
    ? { items: slice, nextToken: Buffer.from(`o:${end}`).toString('base64url') }
    : { items: slice };
}

function assignedAccountIds(deps: PortalDeps, userName: string): string[] {
  const ids = new Set(userAssignments(deps.ic, userName).map((a) => a.accountId));
  return Object.keys(deps.world.accounts).filter((id) => ids.has(id));
}

export function listAccounts(req: RawRequest, deps: PortalDeps) {
  const { record } = signedIn(req, deps);
  const accounts = assignedAccountIds(deps, record.userName).flatMap((id) => {
    const a = deps.world.accounts[id];
    return a && a.status === 'ACTIVE' ? [{ accountId: a.id, accountName: a.name, emailAddress: a.email }] : [];
  });
  const { items, nextToken } = page(accounts, req.query);
  return { accountList: items, ...(nextToken ? { nextToken } : {}) };
}

function requiredParam(req: RawRequest, name: string): string {
  const value = req.query.get(name);
  if (!value) throw invalidRequest(`${name} is required`);
  return value;
}

export function listAccountRoles(req: RawRequest, deps: PortalDeps) {
  const { record } = signedIn(req, deps);
  const accountId = requiredParam(req, 'account_id');
  const roles = userAssignments(deps.ic, record.userName)
    .filter((a) => a.accountId === accountId)
    .map((a) => ({ roleName: a.permissionSet, accountId }));
  if (roles.length === 0) throw noAccess();
  const { items, nextToken } = page(roles, req.query);
  return { roleList: items, ...(nextToken ? { nextToken } : {}) };
}

export function getRoleCredentials(req: RawRequest, deps: PortalDeps) {
  const { record } = signedIn(req, deps);
  const roleName = requiredParam(req, 'role_name');
  const accountId = requiredParam(req, 'account_id');
  const assigned = userAssignments(deps.ic, record.userName).some(
    (a) => a.accountId === accountId && a.permissionSet === roleName,
  );
  const set = deps.ic.permissionSets[roleName];
  const role = set && assigned ? provisionedRole(deps.world, deps.ic, set, accountId) : undefined;
  if (!set || !role || deps.world.accounts[accountId]?.status !== 'ACTIVE') throw noAccess();
  const now = deps.now();
  const userName = record.userName;
  const session = issueSession(
    deps.world,
    { type: 'assumed-role', accountId, roleName: role.name, sessionName: userName },
    `sso:${deps.ic.users[userName]?.userId ?? userName}`,
    now,
    durationSeconds(set.sessionDuration),
    {},
  );
  role.lastUsed = { date: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'), region: deps.ic.region };
  recordFederation(deps, userName, accountId, role.arn, role.name, session.accessKeyId, session.expiration);
  deps.markDirty();
  return {
    roleCredentials: {
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
      expiration: Date.parse(session.expiration),
    },
  };
}

/**
 * What CloudTrail shows of GetRoleCredentials: the portal call in the management account (Identity Center's
 * region), and the role's account an AssumeRoleWithSAML by the user through the account's SSO SAML provider.
 */
function recordFederation(
  deps: PortalDeps,
  userName: string,
  accountId: string,
  roleArn: string,
  roleName: string,
  accessKeyId: string,
  expiration: string,
): void {
  const mgmt = deps.world.organization.masterAccountId;
  const session = deps.world.sessions[accessKeyId];
  if (!session) return;
  const caller = callerFor(deps.world, session.principal, accessKeyId, session);
  const user = deps.ic.users[userName];
  const at = deps.now();
  recordTrailEvent(
    deps.world,
    mgmt,
    deps.ic.region,
    caller,
    {
      eventName: 'GetRoleCredentials',
      eventSource: 'sso.amazonaws.com',
      readOnly: true,
      requestParameters: { accountId, roleName: roleName.replace(/^AWSReservedSSO_(.+)_[0-9a-f]{16}$/, '$1') },
      responseElements: null,
      userIdentity: { type: 'Unknown', principalId: user?.userId ?? userName, accountId: mgmt, userName },
    },
    at,
    deps.sourceIp,
    deps.userAgent,
  );
  const provider = samlProviderArn(deps.ic, accountId);
  recordTrailEvent(
    deps.world,
    accountId,
    'us-east-1',
    caller,
    {
      eventName: 'AssumeRoleWithSAML',
      eventSource: 'sts.amazonaws.com',
      readOnly: true,
      requestParameters: {
        roleArn,
        principalArn: provider,
        durationSeconds: Math.round((Date.parse(expiration) - Date.parse(session.issuedAt)) / 1000),
      },
      responseElements: {
        credentials: { accessKeyId, expiration },
        assumedRoleUser: { assumedRoleId: caller.userId, arn: caller.arn },
        subject: userName,
        subjectType: 'persistent',
        issuer: `https://portal.sso.${deps.ic.region}.amazonaws.com/saml/assertion/${deps.ic.identityStoreId}`,
        audience: 'https://signin.aws.amazon.com/saml',
      },
      resources: [{ type: 'AWS::IAM::Role', name: roleArn }],
      userIdentity: {
        type: 'SAMLUser',
        principalId: `${deps.ic.identityStoreId}:${userName}`,
        userName,
        identityProvider: provider,
      },
    },
    at,
    deps.sourceIp,
    deps.userAgent,
  );
}

/** Logout ends the whole sign-in: every access and refresh token of it. */
export function logout(req: RawRequest, deps: PortalDeps) {
  const { record } = signedIn(req, deps);
  for (const t of Object.values(deps.ic.accessTokens)) if (t.sessionId === record.sessionId) t.revoked = true;
  for (const t of Object.values(deps.ic.refreshTokens)) if (t.sessionId === record.sessionId) t.revoked = true;
  deps.markDirty();
  return {};
}
