import type {
  ClientRegistration,
  OidcApi,
  PortalApi,
  PortalRoleCredentials,
  TokenAnswer,
} from '../../src/core/sso/sso-apis.js';

/** An AWS-shaped error as the SDK throws it: its name is the exception's. */
export function awsError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name} from the fake`), { name, $metadata: { httpStatusCode: status } });
}

export type PollAnswer = 'pending' | 'slow' | 'expired' | 'denied' | 'ok';

/** A scripted SSO OIDC: each CreateToken poll takes the next answer; refreshes rotate the refresh token. */
export function fakeOidc(script: PollAnswer[] = ['ok'], options: { accessTtl?: number; now?: () => number } = {}) {
  const calls: string[] = [];
  const polls: number[] = [];
  let issued = 0;
  let refreshToken = 'refresh-0';
  const revoked = new Set<string>();
  const answer = (): TokenAnswer => {
    issued += 1;
    refreshToken = `refresh-${issued}`;
    return { accessToken: `access-${issued}`, expiresInSeconds: options.accessTtl ?? 3600, refreshToken };
  };
  const api: OidcApi & { now?: () => number } = {
    registerClient(): Promise<ClientRegistration> {
      calls.push('RegisterClient');
      return Promise.resolve({
        clientId: `client-${calls.length}`,
        clientSecret: 'client-secret-value',
        expiresAt: new Date((options.now ?? Date.now)() + 90 * 86_400_000),
      });
    },
    startDeviceAuthorization() {
      calls.push('StartDeviceAuthorization');
      return Promise.resolve({
        deviceCode: 'device-code',
        userCode: 'ABCD-EFGH',
        verificationUri: 'https://device.sso.example/',
        verificationUriComplete: 'https://device.sso.example/?user_code=ABCD-EFGH',
        expiresInSeconds: 600,
        intervalSeconds: 5,
      });
    },
    createToken(_client, grant) {
      if ('refreshToken' in grant) {
        calls.push('CreateToken(refresh)');
        if (revoked.has(grant.refreshToken) || grant.refreshToken !== refreshToken)
          return Promise.reject(awsError('InvalidGrantException'));
        return Promise.resolve(answer());
      }
      calls.push('CreateToken(device)');
      const next = script.shift() ?? 'ok';
      if (next === 'ok') return Promise.resolve(answer());
      const names = {
        pending: 'AuthorizationPendingException',
        slow: 'SlowDownException',
        expired: 'ExpiredTokenException',
        denied: 'AccessDeniedException',
      } as const;
      return Promise.reject(awsError(names[next]));
    },
  };
  return {
    api,
    calls,
    polls,
    revokeRefresh: () => revoked.add(refreshToken),
    get refreshToken() {
      return refreshToken;
    },
  };
}

/** A fake portal: assignments per account, tokens it accepts, and the calls made. */
export function fakePortal(assignments: Record<string, string[]>, accepts: (token: string) => boolean = () => true) {
  const calls: string[] = [];
  const api: PortalApi = {
    listAccounts(token, next) {
      calls.push(`ListAccounts ${next ?? ''}`.trim());
      if (!accepts(token)) return Promise.reject(awsError('UnauthorizedException', 401));
      const ids = Object.keys(assignments);
      const start = next ? Number(next) : 0;
      const page = ids.slice(start, start + 2).map((accountId) => ({ accountId, accountName: `name-${accountId}` }));
      return Promise.resolve({
        accounts: page,
        ...(start + 2 < ids.length ? { nextToken: String(start + 2) } : {}),
      });
    },
    listAccountRoles(token, accountId, next) {
      calls.push(`ListAccountRoles ${accountId} ${next ?? ''}`.trim());
      if (!accepts(token)) return Promise.reject(awsError('UnauthorizedException', 401));
      const roles = assignments[accountId] ?? [];
      const start = next ? Number(next) : 0;
      return Promise.resolve({
        roles: roles.slice(start, start + 1),
        ...(start + 1 < roles.length ? { nextToken: String(start + 1) } : {}),
      });
    },
    getRoleCredentials(token, accountId, roleName): Promise<PortalRoleCredentials> {
      calls.push(`GetRoleCredentials ${accountId} ${roleName}`);
      if (!accepts(token)) return Promise.reject(awsError('UnauthorizedException', 401));
      if (!assignments[accountId]?.includes(roleName)) return Promise.reject(awsError('ForbiddenException', 403));
      return Promise.resolve({
        accessKeyId: `ASIA${accountId}`,
        secretAccessKey: 'role-secret',
        sessionToken: 'role-session-token',
        expiration: new Date(Date.now() + 3_600_000),
      });
    },
    logout(token) {
      calls.push('Logout');
      if (!accepts(token)) return Promise.reject(awsError('UnauthorizedException', 401));
      return Promise.resolve();
    },
  };
  return { api, calls };
}
