import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GetRoleCredentialsCommand,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  type RoleCredentials,
} from '@aws-sdk/client-sso';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import type { Sandbox } from '../../../src/sandbox/server.js';
import { startTestSandbox } from '../../helpers/sandbox.js';
import {
  CLIENT_ACME,
  DEVELOPMENT,
  MANAGEMENT,
  PRODUCTION,
  STAGING,
  failure,
  roleArn,
  sts,
} from '../../helpers/sandbox-clients.js';
import { portalClient, signIn } from './sso-helpers.js';

let sb: Sandbox;
let alice: string;
let bob: string;
beforeAll(async () => {
  sb = await startTestSandbox();
  alice = (await signIn(sb, 'alice')).accessToken;
  bob = (await signIn(sb, 'bob')).accessToken;
});
afterAll(async () => {
  await sb.stop();
});

const MEMBERS_READABLE = [MANAGEMENT, DEVELOPMENT, STAGING, PRODUCTION];

/** What the demo's assignments grant, mirroring the IAM groups: admins per stage, readers everywhere but the client. */
const EXPECTED: Record<'alice' | 'bob', Record<string, string[]>> = {
  alice: {
    [MANAGEMENT]: ['ReadOnlyAccess'],
    [DEVELOPMENT]: ['AdministratorAccess', 'ReadOnlyAccess'],
    [STAGING]: ['ReadOnlyAccess'],
    [PRODUCTION]: ['AdministratorAccess', 'ReadOnlyAccess'],
  },
  bob: {
    [MANAGEMENT]: ['ReadOnlyAccess'],
    [DEVELOPMENT]: ['ReadOnlyAccess'],
    [STAGING]: ['ReadOnlyAccess'],
    [PRODUCTION]: ['ReadOnlyAccess'],
  },
};

const creds = (c: RoleCredentials | undefined) => ({
  accessKeyId: c?.accessKeyId ?? '',
  secretAccessKey: c?.secretAccessKey ?? '',
  sessionToken: c?.sessionToken ?? '',
});

describe('the SSO portal: ListAccounts and ListAccountRoles', () => {
  it("lists the accounts a user is assigned, directly or through a group (not the consultant's client)", async () => {
    const out = await portalClient(sb).send(new ListAccountsCommand({ accessToken: alice }));
    expect(out.accountList?.map((a) => a.accountId)).toEqual(MEMBERS_READABLE);
    expect(out.accountList?.[1]).toEqual({
      accountId: DEVELOPMENT,
      accountName: 'development',
      emailAddress: 'aws+development@example.com',
    });
    expect(out.accountList?.map((a) => a.accountId)).not.toContain(CLIENT_ACME);
  });

  it('pages with maxResults and nextToken', async () => {
    const first = await portalClient(sb).send(new ListAccountsCommand({ accessToken: alice, maxResults: 3 }));
    expect(first.accountList).toHaveLength(3);
    expect(first.nextToken).toBeTruthy();
    const second = await portalClient(sb).send(
      new ListAccountsCommand({ accessToken: alice, maxResults: 3, nextToken: first.nextToken }),
    );
    expect(second.accountList?.map((a) => a.accountId)).toEqual([PRODUCTION]);
    expect(second.nextToken).toBeUndefined();
  });

  it('lists the permission sets of each account', async () => {
    for (const [who, token] of [
      ['alice', alice],
      ['bob', bob],
    ] as const) {
      for (const [accountId, sets] of Object.entries(EXPECTED[who])) {
        const out = await portalClient(sb).send(new ListAccountRolesCommand({ accessToken: token, accountId }));
        expect(out.roleList?.map((r) => r.roleName).sort(), `${who} in ${accountId}`).toEqual(sets);
      }
    }
    const paged = await portalClient(sb).send(
      new ListAccountRolesCommand({ accessToken: alice, accountId: DEVELOPMENT, maxResults: 1 }),
    );
    expect(paged.roleList).toHaveLength(1);
    expect(paged.nextToken).toBeTruthy();
  });

  it('an account not assigned: ForbiddenException, 403, No access', async () => {
    const f = await failure(
      portalClient(sb).send(new ListAccountRolesCommand({ accessToken: alice, accountId: CLIENT_ACME })),
    );
    expect(f).toEqual({ name: 'ForbiddenException', message: 'No access', status: 403 });
  });

  it('a bad token: UnauthorizedException, 401', async () => {
    const f = await failure(portalClient(sb).send(new ListAccountsCommand({ accessToken: 'aoa-not-a-token' })));
    expect(f).toEqual({ name: 'UnauthorizedException', message: 'Session token not found or invalid', status: 401 });
  });
});

describe('the SSO portal: GetRoleCredentials', () => {
  it('every assignment gives a session of its AWSReservedSSO role that STS knows', async () => {
    for (const [who, token] of [
      ['alice', alice],
      ['bob', bob],
    ] as const) {
      for (const [accountId, sets] of Object.entries(EXPECTED[who])) {
        for (const roleName of sets) {
          const out = await portalClient(sb).send(
            new GetRoleCredentialsCommand({ accessToken: token, accountId, roleName }),
          );
          const me = await sts(sb, creds(out.roleCredentials)).send(new GetCallerIdentityCommand({}));
          expect(me.Arn).toMatch(
            new RegExp(`^arn:aws:sts::${accountId}:assumed-role/AWSReservedSSO_${roleName}_[0-9a-f]{16}/${who}$`),
          );
          expect(me.Account).toBe(accountId);
          expect(me.UserId).toMatch(new RegExp(`^AROA[A-Z2-7]{17}:${who}$`));
        }
      }
    }
  });

  it("the credentials expire after the permission set's session duration", async () => {
    const now = sb.now();
    const admin = await portalClient(sb).send(
      new GetRoleCredentialsCommand({ accessToken: alice, accountId: DEVELOPMENT, roleName: 'AdministratorAccess' }),
    );
    const read = await portalClient(sb).send(
      new GetRoleCredentialsCommand({ accessToken: alice, accountId: DEVELOPMENT, roleName: 'ReadOnlyAccess' }),
    );
    const seconds = (c: RoleCredentials | undefined) => Math.round(((c?.expiration ?? 0) - now) / 1000);
    expect(seconds(admin.roleCredentials)).toBeGreaterThanOrEqual(3599);
    expect(seconds(admin.roleCredentials)).toBeLessThanOrEqual(3601);
    expect(seconds(read.roleCredentials)).toBeGreaterThanOrEqual(8 * 3600 - 1);
    expect(seconds(read.roleCredentials)).toBeLessThanOrEqual(8 * 3600 + 1);
  });

  it("the session's permissions are the permission set's: ReadOnlyAccess reads and cannot write", async () => {
    const out = await portalClient(sb).send(
      new GetRoleCredentialsCommand({ accessToken: bob, accountId: STAGING, roleName: 'ReadOnlyAccess' }),
    );
    const s3 = new S3Client({
      endpoint: sb.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: creds(out.roleCredentials),
    });
    const buckets = await s3.send(new ListBucketsCommand({}));
    expect(buckets.Buckets?.length).toBeGreaterThan(0);
    const iam = new IAMClient({
      endpoint: sb.endpoint,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: creds(out.roleCredentials),
    });
    const denied = await failure(iam.send(new CreateUserCommand({ UserName: 'mallory' })));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.message).toContain('AWSReservedSSO_ReadOnlyAccess_');
  });

  it('a permission set not assigned in that account: ForbiddenException', async () => {
    const f = await failure(
      portalClient(sb).send(
        new GetRoleCredentialsCommand({ accessToken: alice, accountId: STAGING, roleName: 'AdministratorAccess' }),
      ),
    );
    expect(f).toEqual({ name: 'ForbiddenException', message: 'No access', status: 403 });
    const bobs = await failure(
      portalClient(sb).send(
        new GetRoleCredentialsCommand({ accessToken: bob, accountId: DEVELOPMENT, roleName: 'AdministratorAccess' }),
      ),
    );
    expect(bobs.name).toBe('ForbiddenException');
  });

  it('an account not assigned: ForbiddenException', async () => {
    const f = await failure(
      portalClient(sb).send(
        new GetRoleCredentialsCommand({ accessToken: alice, accountId: CLIENT_ACME, roleName: 'ReadOnlyAccess' }),
      ),
    );
    expect(f).toEqual({ name: 'ForbiddenException', message: 'No access', status: 403 });
  });

  it('records GetRoleCredentials in the management trail and AssumeRoleWithSAML in the account', async () => {
    await portalClient(sb).send(
      new GetRoleCredentialsCommand({ accessToken: bob, accountId: PRODUCTION, roleName: 'ReadOnlyAccess' }),
    );
    const portal = (sb.world.accounts[MANAGEMENT]?.trail['eu-west-1'] ?? []).filter(
      (e) => e.eventName === 'GetRoleCredentials',
    );
    expect(portal.at(-1)?.record).toMatchObject({
      eventSource: 'sso.amazonaws.com',
      userIdentity: { type: 'Unknown', userName: 'bob' },
      requestParameters: { accountId: PRODUCTION, roleName: 'ReadOnlyAccess' },
    });
    const saml = (sb.world.accounts[PRODUCTION]?.trail['us-east-1'] ?? []).filter(
      (e) => e.eventName === 'AssumeRoleWithSAML',
    );
    expect(saml.at(-1)?.record).toMatchObject({
      userIdentity: { type: 'SAMLUser', userName: 'bob' },
      requestParameters: { principalArn: expect.stringMatching(/saml-provider\/AWSSSO_[0-9a-f]{16}_DO_NOT_DELETE$/) },
    });
    expect(JSON.stringify(saml.at(-1)?.record)).not.toContain('secretAccessKey');
  });
});

describe('role chaining from an SSO role session', () => {
  it('ReadOnlyAccess in the management account chains into CrossbarReadOnly of a member, capped at one hour', async () => {
    const out = await portalClient(sb).send(
      new GetRoleCredentialsCommand({ accessToken: alice, accountId: MANAGEMENT, roleName: 'ReadOnlyAccess' }),
    );
    const hop = await sts(sb, creds(out.roleCredentials)).send(
      new AssumeRoleCommand({ RoleArn: roleArn(PRODUCTION, 'CrossbarReadOnly'), RoleSessionName: 'alice' }),
    );
    expect(hop.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${PRODUCTION}:assumed-role/CrossbarReadOnly/alice`);
    const tooLong = await failure(
      sts(sb, creds(out.roleCredentials)).send(
        new AssumeRoleCommand({
          RoleArn: roleArn(PRODUCTION, 'CrossbarReadOnly'),
          RoleSessionName: 'alice',
          DurationSeconds: 7200,
        }),
      ),
    );
    expect(tooLong.message).toMatch(/exceeds the 1 hour session limit for roles assumed by role chaining/);
  });

  it("a member's ReadOnlyAccess session is not trusted by another account's CrossbarReadOnly", async () => {
    const out = await portalClient(sb).send(
      new GetRoleCredentialsCommand({ accessToken: alice, accountId: DEVELOPMENT, roleName: 'ReadOnlyAccess' }),
    );
    const f = await failure(
      sts(sb, creds(out.roleCredentials)).send(
        new AssumeRoleCommand({ RoleArn: roleArn(PRODUCTION, 'CrossbarReadOnly'), RoleSessionName: 'alice' }),
      ),
    );
    expect(f.name).toBe('AccessDenied');
  });
});

describe('expired and logged-out tokens', () => {
  it('Logout ends the token: the portal answers UnauthorizedException', async () => {
    const { accessToken } = await signIn(sb, 'alice');
    await portalClient(sb).send(new ListAccountsCommand({ accessToken }));
    await portalClient(sb).send(new LogoutCommand({ accessToken }));
    const f = await failure(portalClient(sb).send(new ListAccountsCommand({ accessToken })));
    expect(f).toMatchObject({ name: 'UnauthorizedException', status: 401 });
    const creds = await failure(
      portalClient(sb).send(
        new GetRoleCredentialsCommand({ accessToken, accountId: DEVELOPMENT, roleName: 'ReadOnlyAccess' }),
      ),
    );
    expect(creds.name).toBe('UnauthorizedException');
  });

  it('an expired token: UnauthorizedException', async () => {
    const fresh = await startTestSandbox();
    try {
      const { accessToken, expiresIn } = await signIn(fresh, 'bob');
      await portalClient(fresh).send(new ListAccountsCommand({ accessToken }));
      fresh.advanceClock(expiresIn * 1000 + 1000);
      const f = await failure(portalClient(fresh).send(new ListAccountsCommand({ accessToken })));
      expect(f).toMatchObject({ name: 'UnauthorizedException', status: 401 });
    } finally {
      await fresh.stop();
    }
  });

  it('a missing token header: UnauthorizedException (raw request)', async () => {
    const res = await fetch(`${sb.endpoint}/assignment/accounts`);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
  });

  it('SSO paths are routed only unsigned: other paths still need a signature', async () => {
    const res = await fetch(`${sb.endpoint}/assignment/other`);
    expect(res.status).toBe(403);
  });
});
