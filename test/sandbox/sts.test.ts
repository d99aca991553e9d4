import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import {
  ACME_EXTERNAL_ID,
  ALICE_MFA,
  CLIENT_ACME,
  DEVELOPMENT,
  MANAGEMENT,
  PRODUCTION,
  STAGING,
  aliceMfaSession,
  assume,
  failure,
  keysOf,
  roleArn,
  sts,
} from '../helpers/sandbox-clients.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb.stop();
});

const identity = async (creds: Parameters<typeof sts>[1]) => sts(sb, creds).send(new GetCallerIdentityCommand({}));

describe('GetCallerIdentity', () => {
  it('names the user behind a long-term key', async () => {
    const id = await identity(keysOf(sb, 'alice'));
    expect(id.Account).toBe(MANAGEMENT);
    expect(id.Arn).toBe(`arn:aws:iam::${MANAGEMENT}:user/alice`);
    expect(id.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
  });

  it('refuses an unknown key with InvalidClientTokenId', async () => {
    const f = await failure(identity({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }));
    expect(f).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
  });

  it('refuses a bad signature with SignatureDoesNotMatch', async () => {
    const f = await failure(identity({ ...keysOf(sb, 'alice'), secretAccessKey: 'wrong-secret' }));
    expect(f.name).toBe('SignatureDoesNotMatch');
    expect(f.message).toContain('does not match the signature you provided');
  });

  it('refuses a session token that does not belong to the key', async () => {
    const session = await assume(sb, keysOf(sb, 'alice'), DEVELOPMENT, 'CrossbarReadOnly');
    const f = await failure(identity({ ...session, sessionToken: 'IQoJforged' }));
    expect(f.name).toBe('InvalidClientTokenId');
  });
});

describe('AssumeRole', () => {
  it('acts in the assumed account with the assumed-role ARN', async () => {
    const session = await assume(sb, keysOf(sb, 'bob'), STAGING, 'CrossbarReadOnly');
    const id = await identity(session);
    expect(id.Account).toBe(STAGING);
    expect(id.Arn).toBe(`arn:aws:sts::${STAGING}:assumed-role/CrossbarReadOnly/test-session`);
    expect(session.expiration && session.expiration.getTime() - Date.now()).toBeGreaterThan(3500_000);
  });

  it('denies a role the caller policy does not allow (bob -> production administrator, with MFA context absent)', async () => {
    const f = await failure(assume(sb, keysOf(sb, 'bob'), PRODUCTION, 'administrator'));
    expect(f).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(f.message).toBe(
      `User: arn:aws:iam::${MANAGEMENT}:user/bob is not authorized to perform: sts:AssumeRole on resource: ${roleArn(PRODUCTION, 'administrator')}`,
    );
  });

  it('denies when only the caller policy is missing: bob with a valid MFA context still lacks the group', async () => {
    // bob's trust conditions could not hold anyway (no MFA device), so give alice's twin: staging administrator,
    // which trusts the management root with MFA, but alice's groups allow only development and production.
    const mfa = await aliceMfaSession(sb);
    const f = await failure(assume(sb, mfa, STAGING, 'administrator'));
    expect(f.name).toBe('AccessDenied');
    expect(f.message).toContain('because no identity-based policy allows the sts:AssumeRole action');
    await expect(assume(sb, mfa, PRODUCTION, 'administrator')).resolves.toHaveProperty('sessionToken');
  });

  it('denies when the trust policy does not name the caller (alice -> production vendor-monitoring)', async () => {
    const mgmt = sb.world.accounts[MANAGEMENT];
    const alice = mgmt?.iam.users['alice'];
    if (!alice) throw new Error('no alice');
    alice.inlinePolicies['test-allow-vendor'] = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn(PRODUCTION, 'vendor-monitoring') }],
    });
    try {
      const f = await failure(assume(sb, keysOf(sb, 'alice'), PRODUCTION, 'vendor-monitoring'));
      expect(f.name).toBe('AccessDenied');
      expect(f.message).toContain(`on resource: ${roleArn(PRODUCTION, 'vendor-monitoring')}`);
    } finally {
      delete alice.inlinePolicies['test-allow-vendor'];
    }
  });

  it('denies a role that does not exist, as AWS does, with AccessDenied', async () => {
    const f = await failure(assume(sb, keysOf(sb, 'alice'), DEVELOPMENT, 'NoSuchRole'));
    expect(f.name).toBe('AccessDenied');
  });

  it('requires the ExternalId of client-acme: right id allowed, missing and wrong denied', async () => {
    await expect(
      assume(sb, keysOf(sb, 'alice'), CLIENT_ACME, 'CrossbarReadOnly', { ExternalId: ACME_EXTERNAL_ID }),
    ).resolves.toHaveProperty('sessionToken');
    expect((await failure(assume(sb, keysOf(sb, 'alice'), CLIENT_ACME, 'CrossbarReadOnly'))).name).toBe('AccessDenied');
    expect(
      (await failure(assume(sb, keysOf(sb, 'alice'), CLIENT_ACME, 'CrossbarReadOnly', { ExternalId: 'wrong' }))).name,
    ).toBe('AccessDenied');
  });

  it('requires MFA for administrator: a real TOTP allowed, none denied, a wrong code denied', async () => {
    const ok = await assume(sb, keysOf(sb, 'alice'), DEVELOPMENT, 'administrator', {
      SerialNumber: ALICE_MFA,
      TokenCode: sb.mfaCode('alice'),
    });
    expect((await identity(ok)).Arn).toBe(`arn:aws:sts::${DEVELOPMENT}:assumed-role/administrator/test-session`);
    expect((await failure(assume(sb, keysOf(sb, 'alice'), DEVELOPMENT, 'administrator'))).name).toBe('AccessDenied');
    const wrong = String((Number(sb.mfaCode('alice')) + 500_000) % 1_000_000).padStart(6, '0');
    const f = await failure(
      assume(sb, keysOf(sb, 'alice'), DEVELOPMENT, 'administrator', { SerialNumber: ALICE_MFA, TokenCode: wrong }),
    );
    expect(f.name).toBe('AccessDenied');
    expect(f.message).toContain('MultiFactorAuthentication failed with invalid MFA one time pass code');
  });

  it('honours MultiFactorAuthAge in trust conditions', async () => {
    const dev = sb.world.accounts[DEVELOPMENT];
    const role = dev?.iam.roles['administrator'];
    if (!role) throw new Error('no role');
    const original = role.assumeRolePolicyDocument;
    role.assumeRolePolicyDocument = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` },
          Action: 'sts:AssumeRole',
          Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '600' } },
        },
      ],
    });
    try {
      const mfa = await aliceMfaSession(sb);
      await expect(assume(sb, mfa, DEVELOPMENT, 'administrator')).resolves.toHaveProperty('sessionToken');
      sb.advanceClock(900_000);
      expect((await failure(assume(sb, mfa, DEVELOPMENT, 'administrator'))).name).toBe('AccessDenied');
    } finally {
      role.assumeRolePolicyDocument = original;
    }
  });

  it('enforces MaxSessionDuration: 12 h on CrossbarReadOnly allowed, 12 h on administrator (1 h max) refused', async () => {
    await expect(
      assume(sb, keysOf(sb, 'alice'), DEVELOPMENT, 'CrossbarReadOnly', { DurationSeconds: 43_200 }),
    ).resolves.toHaveProperty('sessionToken');
    const f = await failure(
      assume(sb, keysOf(sb, 'alice'), DEVELOPMENT, 'administrator', {
        SerialNumber: ALICE_MFA,
        TokenCode: sb.mfaCode('alice'),
        DurationSeconds: 43_200,
      }),
    );
    expect(f.name).toBe('ValidationError');
    expect(f.message).toBe('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  });

  it('chains roles (alice -> CrossbarHub -> CrossbarReadOnly) within one hour, and refuses more', async () => {
    const hub = await assume(sb, keysOf(sb, 'alice'), MANAGEMENT, 'CrossbarHub');
    const chained = await assume(sb, hub, PRODUCTION, 'CrossbarReadOnly', { DurationSeconds: 3600 });
    expect((await identity(chained)).Account).toBe(PRODUCTION);
    const f = await failure(assume(sb, hub, PRODUCTION, 'CrossbarReadOnly', { DurationSeconds: 7200 }));
    expect(f.name).toBe('ValidationError');
    expect(f.message).toContain('1 hour session limit for roles assumed by role chaining');
  });

  it('carries SourceIdentity through a chain and refuses to change it', async () => {
    const hub = await assume(sb, keysOf(sb, 'alice'), MANAGEMENT, 'CrossbarHub', { SourceIdentity: 'alice' });
    const out = await sts(sb, hub).send(
      new AssumeRoleCommand({ RoleArn: roleArn(DEVELOPMENT, 'CrossbarReadOnly'), RoleSessionName: 'alice' }),
    );
    expect(out.SourceIdentity).toBe('alice');
    const f = await failure(assume(sb, hub, DEVELOPMENT, 'CrossbarReadOnly', { SourceIdentity: 'mallory' }));
    expect(f.name).toBe('AccessDenied');
  });

  it('checks PrincipalOrgID conditions: in the organization allowed, another org id denied', async () => {
    const dev = sb.world.accounts[DEVELOPMENT];
    const role = dev?.iam.roles['CrossbarReadOnly'];
    if (!role) throw new Error('no role');
    const original = role.assumeRolePolicyDocument;
    const withOrg = (orgId: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': orgId } },
          },
        ],
      });
    try {
      role.assumeRolePolicyDocument = withOrg(sb.world.organization.id);
      await expect(assume(sb, keysOf(sb, 'bob'), DEVELOPMENT, 'CrossbarReadOnly')).resolves.toHaveProperty(
        'sessionToken',
      );
      role.assumeRolePolicyDocument = withOrg('o-someoneelse');
      expect((await failure(assume(sb, keysOf(sb, 'bob'), DEVELOPMENT, 'CrossbarReadOnly'))).name).toBe('AccessDenied');
    } finally {
      role.assumeRolePolicyDocument = original;
    }
  });

  it('refuses expired credentials with ExpiredToken', async () => {
    const session = await assume(sb, keysOf(sb, 'alice'), DEVELOPMENT, 'CrossbarReadOnly', { DurationSeconds: 900 });
    await expect(identity(session)).resolves.toHaveProperty('Account', DEVELOPMENT);
    sb.advanceClock(901_000);
    const f = await failure(identity(session));
    expect(f).toMatchObject({ name: 'ExpiredToken', status: 403 });
  });

  it('validates the session name', async () => {
    const f = await failure(
      sts(sb, keysOf(sb, 'alice')).send(
        new AssumeRoleCommand({ RoleArn: roleArn(DEVELOPMENT, 'CrossbarReadOnly'), RoleSessionName: 'bad name!' }),
      ),
    );
    expect(f.name).toBe('ValidationError');
  });
});

describe('GetSessionToken', () => {
  it('issues an MFA session for a user, and refuses a wrong code and role sessions', async () => {
    const mfa = await aliceMfaSession(sb);
    expect((await identity(mfa)).Arn).toBe(`arn:aws:iam::${MANAGEMENT}:user/alice`);
    const f = await failure(
      sts(sb, keysOf(sb, 'alice')).send(
        new GetSessionTokenCommand({
          SerialNumber: ALICE_MFA,
          TokenCode: '000000' === sb.mfaCode('alice') ? '111111' : '000000',
        }),
      ),
    );
    expect(f.name).toBe('AccessDenied');
    const role = await assume(sb, keysOf(sb, 'alice'), DEVELOPMENT, 'CrossbarReadOnly');
    expect((await failure(sts(sb, role).send(new GetSessionTokenCommand({})))).name).toBe('AccessDenied');
  });

  it('records the MFA session in CloudTrail without its secret, and a refused code records nothing', async () => {
    const trail = () =>
      (sb.world.accounts['111111111111']?.trail['us-east-1'] ?? []).filter((e) => e.eventName === 'GetSessionToken');
    const before = trail().length;
    const mfa = await aliceMfaSession(sb);
    const events = trail();
    expect(events.length).toBe(before + 1);
    const record = JSON.stringify(events.at(-1)?.record);
    expect(record).toContain(mfa.accessKeyId);
    expect(record).toContain('"mfaAuthenticated":"true"');
    expect(record).not.toContain(mfa.secretAccessKey);
    expect(record).not.toContain(mfa.sessionToken ?? 'no-token');
    await failure(
      sts(sb, keysOf(sb, 'alice')).send(
        new GetSessionTokenCommand({
          SerialNumber: ALICE_MFA,
          TokenCode: '000000' === sb.mfaCode('alice') ? '111111' : '000000',
        }),
      ),
    );
    expect(trail().length).toBe(before + 1);
  });

  it('refuses bob an MFA serial that is not his', async () => {
    const f = await failure(
      sts(sb, keysOf(sb, 'bob')).send(
        new GetSessionTokenCommand({ SerialNumber: ALICE_MFA, TokenCode: sb.mfaCode('alice') }),
      ),
    );
    expect(f.name).toBe('AccessDenied');
  });
});
