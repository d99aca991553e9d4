import { AssumeRoleCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Sandbox, SandboxUser } from '../../src/sandbox/server.js';

/** Shared test plumbing: real SDK clients against an in-process sandbox. */

export const MANAGEMENT = '111111111111';
export const DEVELOPMENT = '222222222222';
export const STAGING = '333333333333';
export const PRODUCTION = '444444444444';
export const CLIENT_ACME = '555555555555';
export const ACME_EXTERNAL_ID = 'acme-crossbar-7f3a9c';
export const ALICE_MFA = `arn:aws:iam::${MANAGEMENT}:mfa/alice`;

export function user(sb: Sandbox, name: 'alice' | 'bob'): SandboxUser {
  const u = sb.users().find((x) => x.userName === name);
  if (!u) throw new Error(`sandbox has no user ${name}`);
  return u;
}

export function keysOf(sb: Sandbox, name: 'alice' | 'bob'): AwsCredentialIdentity {
  const u = user(sb, name);
  return { accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey };
}

/** Client options for any SDK v3 client: endpoint, region, credentials, and no retries to keep denials fast. */
export function clientConfig(sb: Sandbox, credentials: AwsCredentialIdentity, region = 'us-east-1') {
  return { endpoint: sb.endpoint, region, credentials, maxAttempts: 1 };
}

export function sts(sb: Sandbox, credentials: AwsCredentialIdentity, region = 'us-east-1'): STSClient {
  return new STSClient(clientConfig(sb, credentials, region));
}

export function roleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

/** Assumes a role and returns the session's credentials. */
export async function assume(
  sb: Sandbox,
  from: AwsCredentialIdentity,
  accountId: string,
  roleName: string,
  extra: {
    ExternalId?: string;
    SerialNumber?: string;
    TokenCode?: string;
    DurationSeconds?: number;
    SourceIdentity?: string;
  } = {},
): Promise<AwsCredentialIdentity> {
  const out = await sts(sb, from).send(
    new AssumeRoleCommand({ RoleArn: roleArn(accountId, roleName), RoleSessionName: 'test-session', ...extra }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('AssumeRole returned no credentials');
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    ...(c.Expiration ? { expiration: c.Expiration } : {}),
  };
}

/** alice -> CrossbarReadOnly in a member account (client-acme gets its ExternalId). */
export function readOnlySession(
  sb: Sandbox,
  accountId: string,
  who: 'alice' | 'bob' = 'alice',
): Promise<AwsCredentialIdentity> {
  return assume(
    sb,
    keysOf(sb, who),
    accountId,
    'CrossbarReadOnly',
    accountId === CLIENT_ACME ? { ExternalId: ACME_EXTERNAL_ID } : {},
  );
}

/** alice -> administrator with a real TOTP from her virtual MFA device. */
export function adminSession(sb: Sandbox, accountId: string): Promise<AwsCredentialIdentity> {
  return assume(sb, keysOf(sb, 'alice'), accountId, 'administrator', {
    SerialNumber: ALICE_MFA,
    TokenCode: sb.mfaCode('alice'),
    ...(accountId === CLIENT_ACME ? { ExternalId: ACME_EXTERNAL_ID } : {}),
  });
}

/** alice's MFA session from GetSessionToken, which every role then reuses. */
export async function aliceMfaSession(sb: Sandbox): Promise<AwsCredentialIdentity> {
  const out = await sts(sb, keysOf(sb, 'alice')).send(
    new GetSessionTokenCommand({ SerialNumber: ALICE_MFA, TokenCode: sb.mfaCode('alice') }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
    throw new Error('GetSessionToken returned no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

/** Runs a promise expected to fail and returns the SDK error's name and message. */
export async function failure(
  p: Promise<unknown>,
): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name ?? 'Error', message: e.message ?? '', status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Granted AssumeRole calls into an account, as its trail (us-east-1) recorded them (denied ones carry errorCode). */
export function assumeRoleCount(sb: Sandbox, accountId: string): number {
  return assumeRoleEvents(sb, accountId).length;
}

/** Granted AssumeRole events recorded in an account's trail (us-east-1), newest last. */
export function assumeRoleEvents(sb: Sandbox, accountId: string): Record<string, unknown>[] {
  return (sb.world.accounts[accountId]?.trail['us-east-1'] ?? [])
    .filter((e) => e.eventName === 'AssumeRole' && e.record['errorCode'] === undefined)
    .map((e) => e.record);
}
