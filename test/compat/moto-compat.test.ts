import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateRoleCommand, GetRoleCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { DescribeInstancesCommand, DescribeRegionsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { DEVELOPMENT, adminSession, failure, keysOf } from '../helpers/sandbox-clients.js';

/**
 * The same SDK scenarios against the sandbox and against moto_server, an independent emulator. moto does not
 * enforce trust policies or signatures, so only what both implement is compared: shapes, ARN forms,
 * account switching through AssumeRole, error codes.
 */
interface Target {
  name: string;
  endpoint: string;
  source: AwsCredentialIdentity;
  sourceAccount: string;
  member: string;
  role: string;
  /** Credentials allowed to write IAM in the member account. */
  admin(): Promise<AwsCredentialIdentity>;
  stop(): Promise<void>;
}

const cfg = (t: Target, credentials: AwsCredentialIdentity, region = 'us-east-1') => ({
  endpoint: t.endpoint,
  region,
  credentials,
  maxAttempts: 1,
});

async function assumeInto(t: Target, roleName = t.role, duration?: number) {
  const out = await new STSClient(cfg(t, t.source)).send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${t.member}:role/${roleName}`,
      RoleSessionName: 'compat-test',
      ...(duration ? { DurationSeconds: duration } : {}),
    }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('no credentials');
  return {
    out,
    creds: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
  };
}

async function sandboxTarget(): Promise<Target> {
  const sb: Sandbox = await startTestSandbox();
  return {
    name: 'sandbox',
    endpoint: sb.endpoint,
    source: keysOf(sb, 'alice'),
    sourceAccount: '111111111111',
    member: DEVELOPMENT,
    role: 'CrossbarReadOnly',
    admin: () => adminSession(sb, DEVELOPMENT),
    stop: () => sb.stop(),
  };
}

async function motoTarget(): Promise<Target> {
  const moto: Moto = await startMoto();
  const source = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'moto-secret' };
  const base = { endpoint: moto.endpoint, region: 'us-east-1', credentials: source };
  const orgs = new OrganizationsClient(base);
  await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const created = await orgs.send(
    new CreateAccountCommand({ AccountName: 'development', Email: 'aws+development@example.com' }),
  );
  const member = created.CreateAccountStatus?.AccountId ?? '';
  const t: Target = {
    name: 'moto',
    endpoint: moto.endpoint,
    source,
    sourceAccount: '123456789012',
    member,
    role: 'OrganizationAccountAccessRole',
    admin: async () => (await assumeInto(t)).creds,
    stop: () => moto.stop(),
  };
  // moto starts empty: give the member account what the sandbox's demo account has.
  const admin = await t.admin();
  await new EC2Client(cfg(t, admin, 'us-east-1')).send(
    new RunInstancesCommand({ ImageId: 'ami-12345678', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }),
  );
  await new S3Client({ ...cfg(t, admin), forcePathStyle: true }).send(
    new CreateBucketCommand({ Bucket: `development-logs-${member}` }),
  );
  return t;
}

describe.each([
  ['sandbox', sandboxTarget],
  ['moto', motoTarget],
] as const)('compatibility scenarios on %s', (_name, make) => {
  let t: Target;
  beforeAll(async () => {
    t = await make();
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('GetCallerIdentity names the source account', async () => {
    const id = await new STSClient(cfg(t, t.source)).send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe(t.sourceAccount);
    expect(id.Arn).toMatch(new RegExp(`^arn:aws:(iam|sts)::${t.sourceAccount}:user/`));
  });

  it('AssumeRole returns session credentials that act in the member account', async () => {
    const { out, creds } = await assumeInto(t);
    expect(creds.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${t.member}:assumed-role/${t.role}/compat-test`);
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z0-9]+:compat-test$/);
    const expiresIn = (out.Credentials?.Expiration?.getTime() ?? 0) - Date.now();
    expect(expiresIn).toBeGreaterThan(3_500_000);
    expect(expiresIn).toBeLessThanOrEqual(3_600_000 + 5_000);
    const id = await new STSClient(cfg(t, creds)).send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe(t.member);
    expect(id.Arn).toBe(out.AssumedRoleUser?.Arn);
    expect(id.UserId).toBe(out.AssumedRoleUser?.AssumedRoleId);
  });

  it('AssumeRole honours DurationSeconds', async () => {
    const { out } = await assumeInto(t, t.role, 900);
    const expiresIn = (out.Credentials?.Expiration?.getTime() ?? 0) - Date.now();
    expect(expiresIn).toBeGreaterThan(840_000);
    expect(expiresIn).toBeLessThanOrEqual(905_000);
  });

  it('IAM: roles are listed in the member account, unknown roles are NoSuchEntity, duplicates EntityAlreadyExists', async () => {
    const admin = await t.admin();
    const iam = new IAMClient(cfg(t, admin));
    const roles = await iam.send(new ListRolesCommand({}));
    const names = (roles.Roles ?? []).map((r) => r.RoleName);
    expect(names).toContain(t.role === 'CrossbarReadOnly' ? 'administrator' : t.role);
    for (const r of roles.Roles ?? []) {
      expect(r.Arn).toBe(`arn:aws:iam::${t.member}:role${r.Path ?? '/'}${r.RoleName}`);
      expect(r.CreateDate).toBeInstanceOf(Date);
    }
    const missing = await failure(iam.send(new GetRoleCommand({ RoleName: 'does-not-exist' })));
    expect(missing).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${t.sourceAccount}:root` }, Action: 'sts:AssumeRole' },
      ],
    });
    const created = await iam.send(new CreateRoleCommand({ RoleName: 'compat-role', AssumeRolePolicyDocument: trust }));
    expect(created.Role?.Arn).toBe(`arn:aws:iam::${t.member}:role/compat-role`);
    const dup = await failure(
      iam.send(new CreateRoleCommand({ RoleName: 'compat-role', AssumeRolePolicyDocument: trust })),
    );
    expect(dup).toMatchObject({ name: 'EntityAlreadyExistsException', status: 409 });
  });

  it('Organizations: the management account lists the member with the same fields', async () => {
    const orgs = new OrganizationsClient(cfg(t, t.source));
    const org = await orgs.send(new DescribeOrganizationCommand({}));
    expect(org.Organization?.MasterAccountId).toBe(t.sourceAccount);
    expect(org.Organization?.Id).toMatch(/^o-[a-z0-9]{10,32}$/);
    const list = await orgs.send(new ListAccountsCommand({}));
    const member = list.Accounts?.find((a) => a.Id === t.member);
    expect(member).toMatchObject({ Name: 'development', Status: 'ACTIVE' });
    expect(member?.Arn).toMatch(
      new RegExp(`^arn:aws:organizations::${t.sourceAccount}:account/o-[a-z0-9]+/${t.member}$`),
    );
    expect(member?.JoinedTimestamp).toBeInstanceOf(Date);
  });

  it("EC2: DescribeRegions reports opt-in status and DescribeInstances the member account's instances", async () => {
    const { creds } = await assumeInto(t);
    const ec2 = new EC2Client(cfg(t, creds));
    const all = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
    const statuses = new Set((all.Regions ?? []).map((r) => r.OptInStatus));
    expect(statuses).toContain('opt-in-not-required');
    expect(statuses).toContain('not-opted-in');
    expect(all.Regions?.find((r) => r.RegionName === 'us-east-1')?.Endpoint).toBe('ec2.us-east-1.amazonaws.com');
    const out = await ec2.send(new DescribeInstancesCommand({}));
    const instances = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    expect(instances.length).toBeGreaterThan(0);
    for (const i of instances) {
      expect(i.InstanceId).toMatch(/^i-[0-9a-f]{8,17}$/);
      expect(i.LaunchTime).toBeInstanceOf(Date);
      expect(i.Placement?.AvailabilityZone?.startsWith('us-east-1')).toBe(true);
      expect(['pending', 'running', 'stopped']).toContain(i.State?.Name);
    }
  });

  it('S3: ListBuckets is per account', async () => {
    const { creds } = await assumeInto(t);
    const buckets = await new S3Client({ ...cfg(t, creds), forcePathStyle: true }).send(new ListBucketsCommand({}));
    const names = (buckets.Buckets ?? []).map((b) => b.Name);
    expect(names).toContain(`development-logs-${t.member}`);
    expect(buckets.Buckets?.[0]?.CreationDate).toBeInstanceOf(Date);
    const fromSource = await new S3Client({ ...cfg(t, t.source), forcePathStyle: true }).send(
      new ListBucketsCommand({}),
    );
    expect((fromSource.Buckets ?? []).map((b) => b.Name)).not.toContain(`development-logs-${t.member}`);
  });
});
