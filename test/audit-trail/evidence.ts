import { AssumeRoleCommand, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { signInToConsole } from '../../src/core/console/index.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { allowDocument } from '../../src/sandbox/world/build-org.js';
import { createAccessKey, createUser } from '../../src/sandbox/world/iam-entities.js';
import { ALICE_MFA, DEVELOPMENT, keysOf, PRODUCTION, roleArn, STAGING, sts } from '../helpers/sandbox-clients.js';

/**
 * The evidence `audit trail` should find, made through the sandbox's real STS and federation endpoints: alice
 * into production twice (read-only with SourceIdentity, administrator with MFA), bob into staging (and a denied
 * attempt at production's administrator without MFA), alice's
 * console sign-in to development, and a principal of a foreign account (999999999999, outside the organization)
 * into production's vendor-monitoring role.
 */
export const FOREIGN = '999999999999';

async function assumeAs(
  sb: Sandbox,
  from: AwsCredentialIdentity,
  input: Omit<AssumeRoleCommandInput, 'RoleArn'> & { accountId: string; role: string },
): Promise<AwsCredentialIdentity> {
  const { accountId, role, ...rest } = input;
  const out = await sts(sb, from).send(new AssumeRoleCommand({ RoleArn: roleArn(accountId, role), ...rest }));
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('AssumeRole returned no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

/**
 * A foreign account with one user allowed to assume any role. The sandbox lists every account of its world as an
 * organization member, so the account is taken out of the world once its user has acted: its events stay.
 */
async function foreignAssumption(sb: Sandbox): Promise<void> {
  const mgmt = sb.world.accounts['111111111111'];
  if (!mgmt) throw new Error('no management account');
  const now = new Date(sb.now()).toISOString();
  const foreign = {
    ...structuredClone(mgmt),
    id: FOREIGN,
    name: 'vendor',
    email: 'ops@vendor.example',
    parentId: 'r-none',
    trail: {},
    instances: {},
    buckets: [],
    iam: { users: {}, groups: {}, roles: {}, policies: {}, mfaDevices: {}, aliases: [] },
  };
  sb.world.accounts[FOREIGN] = foreign;
  const user = createUser(sb.world, foreign, 'monitor', { createDate: now });
  user.inlinePolicies['assume-anything'] = allowDocument('sts:AssumeRole', '*');
  const key = createAccessKey(sb.world, foreign, 'monitor', now);
  try {
    await assumeAs(
      sb,
      { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
      { accountId: PRODUCTION, role: 'vendor-monitoring', RoleSessionName: 'vendor-poller' },
    );
  } finally {
    delete sb.world.accounts[FOREIGN];
  }
}

async function consoleSignIn(sb: Sandbox): Promise<void> {
  const credentials = await assumeAs(sb, keysOf(sb, 'alice'), {
    accountId: DEVELOPMENT,
    role: 'CrossbarReadOnly',
    RoleSessionName: 'alice-console',
  });
  const url = await signInToConsole({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken ?? '',
    },
    target: 'development:CrossbarReadOnly',
    endpoint: sb.endpoint,
    fetch,
  });
  const login = await fetch(url, { redirect: 'manual' });
  if (login.status !== 302) throw new Error(`console login answered ${login.status}`);
}

export async function makeEvidence(sb: Sandbox): Promise<void> {
  const alice = keysOf(sb, 'alice');
  await assumeAs(sb, alice, {
    accountId: PRODUCTION,
    role: 'CrossbarReadOnly',
    RoleSessionName: 'alice',
    SourceIdentity: 'alice',
  });
  await assumeAs(sb, alice, {
    accountId: PRODUCTION,
    role: 'administrator',
    RoleSessionName: 'alice-admin',
    SerialNumber: ALICE_MFA,
    TokenCode: sb.mfaCode('alice'),
  });
  await assumeAs(sb, keysOf(sb, 'bob'), { accountId: STAGING, role: 'CrossbarReadOnly', RoleSessionName: 'bob' });
  // bob tries production's administrator without MFA: denied, and the attempt is evidence too.
  await assumeAs(sb, keysOf(sb, 'bob'), {
    accountId: PRODUCTION,
    role: 'administrator',
    RoleSessionName: 'bob-no-mfa',
  }).then(
    () => {
      throw new Error('bob assumed administrator without MFA');
    },
    () => undefined,
  );
  await consoleSignIn(sb);
  await foreignAssumption(sb);
}
