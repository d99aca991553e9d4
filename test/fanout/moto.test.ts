import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { RunInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { runCli } from '../cli/run-cli.js';
import { startMoto, type Moto } from '../helpers/moto.js';

/**
 * The same `crossbar run` against moto_server, an independent emulator, in its multi-account mode: two accounts
 * created through Organizations, reached through their OrganizationAccountAccessRole from the management
 * account's keys in a credentials file. Only what moto implements is asked: DescribeInstances and ListBuckets.
 */
const SOURCE = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'moto-secret' };
const ROLE = 'OrganizationAccountAccessRole';

let moto: Moto;
let dir: string;
const members: { id: string; name: string; instances: number; bucket: string }[] = [];

async function assume(accountId: string): Promise<AwsCredentialIdentity> {
  const out = await new STSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: SOURCE }).send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${ROLE}`, RoleSessionName: 'seed' }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('no credentials from moto');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

function env(): Record<string, string> {
  return {
    HOME: join(dir, 'home'),
    CROSSBAR_HOME: mkdtempSync(join(dir, 'crossbar-home-')),
    CROSSBAR_KEY_STORE: 'file',
    CROSSBAR_CONFIG: join(dir, 'crossbar.yaml'),
    AWS_CONFIG_FILE: join(dir, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
  };
}

beforeAll(async () => {
  moto = await startMoto();
  dir = mkdtempSync(join(tmpdir(), 'crossbar-fanout-moto-'));
  mkdirSync(join(dir, 'home'));
  const orgs = new OrganizationsClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: SOURCE });
  await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  for (const [name, instances] of [
    ['team-a', 1],
    ['team-b', 2],
  ] as const) {
    const created = await orgs.send(new CreateAccountCommand({ AccountName: name, Email: `aws+${name}@example.com` }));
    const id = created.CreateAccountStatus?.AccountId ?? '';
    const creds = await assume(id);
    await new EC2Client({ endpoint: moto.endpoint, region: 'us-east-1', credentials: creds }).send(
      new RunInstancesCommand({
        ImageId: 'ami-12345678',
        InstanceType: 't3.micro',
        MinCount: instances,
        MaxCount: instances,
      }),
    );
    const bucket = `${name}-logs-${id}`;
    await new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', credentials: creds, forcePathStyle: true }).send(
      new CreateBucketCommand({ Bucket: bucket }),
    );
    members.push({ id, name, instances, bucket });
  }
  writeFileSync(
    join(dir, 'aws-credentials'),
    `[moto-admin]\naws_access_key_id = ${SOURCE.accessKeyId}\naws_secret_access_key = ${SOURCE.secretAccessKey}\n`,
    { mode: 0o600 },
  );
  writeFileSync(join(dir, 'aws-config'), '[profile moto-admin]\nregion = us-east-1\n');
  writeFileSync(
    join(dir, 'crossbar.yaml'),
    [
      'organization: { name: moto, namespace: moto }',
      'source: { profile: moto-admin }',
      `endpoint: ${moto.endpoint}`,
      `defaults: { role: ${ROLE}, regions: [us-east-1, eu-west-1] }`,
      'accounts:',
      ...members.map((m) => `  - { id: "${m.id}", name: ${m.name}, stage: dev }`),
      '',
    ].join('\n'),
  );
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Report {
  results: { account: string; name: string; region: string; status: string; value?: Record<string, unknown> }[];
  summary: { text: string };
}

describe('crossbar run against moto_server', () => {
  it('DescribeInstances across two accounts × two regions: each account sees its own instances', async () => {
    const r = await runCli(['run', 'all', '-o', 'json', '--', 'ec2', 'describe-instances'], env(), dir);
    expect(r.stderr).toContain('4 ok, 0 failed');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.results).toHaveLength(4);
    for (const m of members) {
      const inRegion = (region: string) =>
        report.results.find((x) => x.name === m.name && x.region === region)?.value?.['Reservations'] as {
          OwnerId?: string;
          Instances?: unknown[];
        }[];
      const east = inRegion('us-east-1');
      expect(east.flatMap((res) => res.Instances ?? [])).toHaveLength(m.instances);
      expect(east.every((res) => res.OwnerId === m.id)).toBe(true);
      expect(inRegion('eu-west-1')).toEqual([]);
    }
  });

  it('ListBuckets across the two accounts: each sees its own bucket only', async () => {
    const r = await runCli(
      ['run', 'all', '--regions', 'us-east-1', '-o', 'json', '--', 's3', 'list-buckets'],
      env(),
      dir,
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    for (const m of members) {
      const buckets = report.results.find((x) => x.name === m.name)?.value?.['Buckets'] as { Name?: string }[];
      expect(buckets.map((b) => b.Name)).toEqual([m.bucket]);
    }
  });

  it('an AWS error answered by moto is reported per target with its code and message', async () => {
    const r = await runCli(
      [
        'run',
        'all',
        '--regions',
        'us-east-1',
        '-o',
        'json',
        '--',
        'ec2',
        'describe-instances',
        '{"InstanceIds": ["i-0123456789abcdef0"]}',
      ],
      env(),
      dir,
    );
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report & {
      results: { error?: { code: string; awsCode?: string; message: string } }[];
    };
    expect(report.results).toHaveLength(2);
    for (const x of report.results) {
      expect(x).toMatchObject({
        status: 'NOT_FOUND',
        error: { code: 'NOT_FOUND', awsCode: 'InvalidInstanceID.NotFound' },
      });
      expect(x.error?.message).toContain('i-0123456789abcdef0');
    }
    expect(report.summary.text).toBe('0 ok, 2 failed (NOT_FOUND ×2)');
  });
});
