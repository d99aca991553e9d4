import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeAvailabilityZonesCommand,
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  EC2Client,
  paginateDescribeInstances,
  type Instance,
} from '@aws-sdk/client-ec2';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { SANDBOX_REGIONS } from '../../src/sandbox/world/regions.js';
import {
  DEVELOPMENT,
  MANAGEMENT,
  PRODUCTION,
  STAGING,
  clientConfig,
  failure,
  keysOf,
  readOnlySession,
} from '../helpers/sandbox-clients.js';
import { limitedSession, runAwsCli } from '../helpers/limited-role.js';

let sb: Sandbox;
let dev: AwsCredentialIdentity;
let prod: AwsCredentialIdentity;
beforeAll(async () => {
  sb = await startTestSandbox();
  dev = await readOnlySession(sb, DEVELOPMENT);
  prod = await readOnlySession(sb, PRODUCTION);
});
afterAll(async () => {
  await sb.stop();
});

const ec2 = (creds: AwsCredentialIdentity, region = 'us-east-1') => new EC2Client(clientConfig(sb, creds, region));
const instancesOf = (out: { Reservations?: { Instances?: Instance[] | undefined }[] | undefined }) =>
  (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
const seeded = (accountId: string, region: string) => sb.world.accounts[accountId]?.instances[region] ?? [];
const OPT_IN_COUNT = SANDBOX_REGIONS.filter((r) => r.optInRequired).length;

describe('DescribeInstances', () => {
  it('lists the development instances of us-east-1 with AWS shapes', async () => {
    const out = await ec2(dev).send(new DescribeInstancesCommand({}));
    const instances = instancesOf(out);
    expect(instances.map((i) => i.InstanceId)).toEqual(seeded(DEVELOPMENT, 'us-east-1').map((i) => i.instanceId));
    expect(instances).toHaveLength(3);
    expect(out.Reservations?.[0]).toMatchObject({ OwnerId: DEVELOPMENT, Groups: [] });
    expect(out.Reservations?.[0]?.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
    const [web, , batch] = instances;
    expect(web).toMatchObject({
      InstanceType: 't3.micro',
      State: { Code: 16, Name: 'running' },
      Placement: { AvailabilityZone: 'us-east-1a' },
      Architecture: 'x86_64',
      PlatformDetails: 'Linux/UNIX',
      RootDeviceType: 'ebs',
      PrivateIpAddress: '10.0.0.10',
      PrivateDnsName: 'ip-10-0-0-10.ec2.internal',
    });
    expect(web?.InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(web?.LaunchTime).toBeInstanceOf(Date);
    expect(web?.Tags).toContainEqual({ Key: 'Name', Value: 'development-web-1' });
    expect(batch?.State).toEqual({ Code: 80, Name: 'stopped' });
  });

  it('answers from the signed region: eu-west-1 has other instances', async () => {
    const instances = instancesOf(await ec2(dev, 'eu-west-1').send(new DescribeInstancesCommand({})));
    expect(instances.map((i) => i.InstanceId)).toEqual(seeded(DEVELOPMENT, 'eu-west-1').map((i) => i.instanceId));
    expect(instances).toHaveLength(2);
    expect(instances[0]?.Placement?.AvailabilityZone).toBe('eu-west-1a');
    expect(instances[0]?.PrivateDnsName).toBe('ip-10-1-0-10.eu-west-1.compute.internal');
    expect(instances.map((i) => [i.InstanceType, i.Architecture])).toEqual([
      ['t3.small', 'x86_64'],
      ['m6i.large', 'x86_64'],
    ]);
  });

  it('works in an opt-in region production enabled, and fails there for development (AuthFailure)', async () => {
    const instances = instancesOf(await ec2(prod, 'eu-south-1').send(new DescribeInstancesCommand({})));
    expect(instances).toHaveLength(2);
    expect(instances[0]?.Placement?.AvailabilityZone).toBe('eu-south-1a');
    expect(instances.map((i) => [i.InstanceType, i.Architecture])).toEqual([
      ['m6i.large', 'x86_64'],
      ['c6g.xlarge', 'arm64'],
    ]);
    const f = await failure(ec2(dev, 'eu-south-1').send(new DescribeInstancesCommand({})));
    expect(f).toEqual({
      name: 'AuthFailure',
      message: 'AWS was not able to validate the provided access credentials',
      status: 401,
    });
  });

  it('refuses a region AWS does not have with InvalidRegion, not as a disabled region', async () => {
    const f = await failure(ec2(dev, 'xx-nowhere-1').send(new DescribeInstancesCommand({})));
    expect(f.name).toBe('InvalidRegion');
    expect(f.status).toBe(400);
  });

  it('gives the management account (bob, long-term keys) an empty list, not an error', async () => {
    const out = await ec2(keysOf(sb, 'bob')).send(new DescribeInstancesCommand({}));
    expect(out.Reservations).toEqual([]);
  });

  it('denies a role without ec2 permissions with UnauthorizedOperation', async () => {
    const s3Only = await limitedSession(sb, DEVELOPMENT, 'S3OnlyAuditor', ['s3:ListAllMyBuckets']);
    const f = await failure(ec2(s3Only).send(new DescribeInstancesCommand({})));
    expect(f.name).toBe('UnauthorizedOperation');
    expect(f.status).toBe(403);
    expect(f.message).toBe(
      `You are not authorized to perform this operation. User: arn:aws:sts::${DEVELOPMENT}:assumed-role/S3OnlyAuditor/test-session is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action`,
    );
    // A disabled region fails before any policy is read.
    expect((await failure(ec2(s3Only, 'eu-south-1').send(new DescribeInstancesCommand({})))).name).toBe('AuthFailure');
  });
});

describe('DryRun', () => {
  it('answers DryRunOperation when allowed and UnauthorizedOperation when not', async () => {
    const allowed = await failure(ec2(dev).send(new DescribeInstancesCommand({ DryRun: true })));
    expect(allowed).toEqual({
      name: 'DryRunOperation',
      message: 'Request would have succeeded, but DryRun flag is set.',
      status: 412,
    });
    const s3Only = await limitedSession(sb, DEVELOPMENT, 'S3OnlyAuditor', ['s3:ListAllMyBuckets']);
    expect((await failure(ec2(s3Only).send(new DescribeVpcsCommand({ DryRun: true })))).name).toBe(
      'UnauthorizedOperation',
    );
  });
});

describe('DescribeInstances filters and ids', () => {
  const names = async (filters: { Name: string; Values: string[] }[]) =>
    instancesOf(await ec2(dev).send(new DescribeInstancesCommand({ Filters: filters }))).map(
      (i) => i.Tags?.find((t) => t.Key === 'Name')?.Value,
    );

  it('filters by state, tag, tag-key, type, zone (with wildcards) and VPC', async () => {
    expect(await names([{ Name: 'instance-state-name', Values: ['running'] }])).toEqual([
      'development-web-1',
      'development-worker-2',
    ]);
    expect(await names([{ Name: 'instance-state-name', Values: ['stopped', 'terminated'] }])).toEqual([
      'development-batch-3',
    ]);
    expect(await names([{ Name: 'tag:Name', Values: ['development-w*'] }])).toEqual([
      'development-web-1',
      'development-worker-2',
    ]);
    expect(await names([{ Name: 'tag:stage', Values: ['prod'] }])).toEqual([]);
    expect(await names([{ Name: 'tag-key', Values: ['stage'] }])).toHaveLength(3);
    expect(await names([{ Name: 'instance-type', Values: ['t3.small'] }])).toEqual(['development-worker-2']);
    expect(
      await names([
        { Name: 'availability-zone', Values: ['us-east-1?'] },
        { Name: 'instance-state-name', Values: ['running'] },
      ]),
    ).toHaveLength(2);
    const vpcId = seeded(DEVELOPMENT, 'us-east-1')[0]?.vpcId ?? '';
    expect(await names([{ Name: 'vpc-id', Values: [vpcId] }])).toHaveLength(3);
    expect(await names([{ Name: 'vpc-id', Values: ['vpc-00000000'] }])).toEqual([]);
  });

  it('refuses an unknown filter name', async () => {
    const f = await failure(
      ec2(dev).send(new DescribeInstancesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })),
    );
    expect(f).toMatchObject({ name: 'InvalidParameterValue', message: "The filter 'colour' is invalid", status: 400 });
  });

  it('selects by InstanceIds; unknown ids are NotFound, bad ones Malformed', async () => {
    const id = seeded(DEVELOPMENT, 'us-east-1')[1]?.instanceId ?? '';
    const out = await ec2(dev).send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(instancesOf(out).map((i) => i.InstanceId)).toEqual([id]);
    const missing = await failure(
      ec2(dev).send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })),
    );
    expect(missing).toMatchObject({
      name: 'InvalidInstanceID.NotFound',
      message: "The instance ID 'i-0123456789abcdef0' does not exist",
    });
    // An id of another region is not found in this one.
    const elsewhere = seeded(DEVELOPMENT, 'eu-west-1')[0]?.instanceId ?? '';
    expect((await failure(ec2(dev).send(new DescribeInstancesCommand({ InstanceIds: [elsewhere] })))).name).toBe(
      'InvalidInstanceID.NotFound',
    );
    const bad = await failure(ec2(dev).send(new DescribeInstancesCommand({ InstanceIds: ['web-1'] })));
    expect(bad).toMatchObject({ name: 'InvalidInstanceID.Malformed', message: 'Invalid id: "web-1"' });
  });

  it('refuses MaxResults with InstanceIds, and MaxResults below 5', async () => {
    const id = seeded(DEVELOPMENT, 'us-east-1')[0]?.instanceId ?? '';
    const both = await failure(ec2(dev).send(new DescribeInstancesCommand({ InstanceIds: [id], MaxResults: 5 })));
    expect(both).toMatchObject({
      name: 'InvalidParameterCombination',
      message: 'The parameter instancesSet cannot be used with the parameter maxResults',
    });
    const small = await failure(ec2(dev).send(new DescribeInstancesCommand({ MaxResults: 3 })));
    expect(small).toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Value ( 3 ) for parameter maxResults is invalid. Expecting a value greater than 5.',
    });
  });
});

describe('DescribeInstances pagination', () => {
  it('pages 12 instances by 5 with the SDK paginator', async () => {
    const list = sb.world.accounts[STAGING]?.instances['us-east-1'];
    const template = list?.[0];
    if (!list || !template) throw new Error('staging has no us-east-1 instances');
    for (let n = 0; n < 9; n += 1) {
      list.push({
        ...template,
        instanceId: `i-${(0xabc000 + n).toString(16).padStart(17, '0')}`,
        tags: { Name: `extra-${n}` },
      });
    }
    const session = await readOnlySession(sb, STAGING, 'bob');
    const pages: string[][] = [];
    for await (const page of paginateDescribeInstances({ client: ec2(session), pageSize: 5 }, {})) {
      pages.push(instancesOf(page).map((i) => i.InstanceId ?? ''));
    }
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat()).toEqual(list.map((i) => i.instanceId));
  });

  it('refuses a NextToken it did not issue', async () => {
    const f = await failure(ec2(dev).send(new DescribeInstancesCommand({ MaxResults: 5, NextToken: 'not-a-token' })));
    expect(f).toMatchObject({ name: 'InvalidPaginationToken', status: 400 });
  });
});

describe('DescribeRegions', () => {
  const regions = async (
    creds: AwsCredentialIdentity,
    input: ConstructorParameters<typeof DescribeRegionsCommand>[0] = {},
  ) => (await ec2(creds).send(new DescribeRegionsCommand(input))).Regions ?? [];

  it('lists the enabled regions by default: production has its opt-in region, development does not', async () => {
    const devRegions = await regions(dev);
    expect(devRegions).toHaveLength(SANDBOX_REGIONS.length - OPT_IN_COUNT);
    expect(devRegions.every((r) => r.OptInStatus === 'opt-in-not-required')).toBe(true);
    expect(devRegions.find((r) => r.RegionName === 'eu-west-1')).toEqual({
      RegionName: 'eu-west-1',
      Endpoint: 'ec2.eu-west-1.amazonaws.com',
      OptInStatus: 'opt-in-not-required',
    });
    const prodRegions = await regions(prod);
    expect(prodRegions).toHaveLength(SANDBOX_REGIONS.length - OPT_IN_COUNT + 1);
    expect(prodRegions.find((r) => r.RegionName === 'eu-south-1')?.OptInStatus).toBe('opted-in');
  });

  it('shows every region with AllRegions, opted-in or not per account', async () => {
    const devAll = await regions(dev, { AllRegions: true });
    const prodAll = await regions(prod, { AllRegions: true });
    expect(devAll).toHaveLength(SANDBOX_REGIONS.length);
    expect(devAll.find((r) => r.RegionName === 'eu-south-1')?.OptInStatus).toBe('not-opted-in');
    expect(prodAll.find((r) => r.RegionName === 'eu-south-1')?.OptInStatus).toBe('opted-in');
    expect(prodAll.filter((r) => r.OptInStatus === 'not-opted-in')).toHaveLength(OPT_IN_COUNT - 1);
  });

  it('filters by RegionNames, region-name and opt-in-status', async () => {
    expect((await regions(dev, { RegionNames: ['eu-west-1', 'us-east-1'] })).map((r) => r.RegionName)).toEqual([
      'eu-west-1',
      'us-east-1',
    ]);
    const notOptedIn = await regions(prod, {
      AllRegions: true,
      Filters: [{ Name: 'opt-in-status', Values: ['opted-in'] }],
    });
    expect(notOptedIn.map((r) => r.RegionName)).toEqual(['eu-south-1']);
    expect(
      (await regions(dev, { Filters: [{ Name: 'region-name', Values: ['eu-*'] }] })).map((r) => r.RegionName),
    ).toEqual(['eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3']);
  });

  it('refuses unknown region names and unknown filters', async () => {
    const f = await failure(regions(dev, { RegionNames: ['us-east-1', 'zz-nowhere-9', 'yy-nowhere-8'] }));
    expect(f).toMatchObject({ name: 'InvalidParameterValue', message: 'Invalid region: [yy-nowhere-8]' });
    expect((await failure(regions(dev, { Filters: [{ Name: 'tag:Name', Values: ['x'] }] }))).message).toBe(
      "The filter 'tag:Name' is invalid",
    );
  });

  it('fails in a region not enabled for the account', async () => {
    expect((await failure(ec2(dev, 'eu-south-1').send(new DescribeRegionsCommand({})))).name).toBe('AuthFailure');
    expect((await ec2(prod, 'eu-south-1').send(new DescribeRegionsCommand({}))).Regions?.length).toBeGreaterThan(0);
  });
});

describe('VPCs, security groups and volumes follow from the instances', () => {
  it('has one VPC, its default security group and one root volume per instance', async () => {
    const client = ec2(dev);
    const instances = instancesOf(await client.send(new DescribeInstancesCommand({})));
    const vpcs = (await client.send(new DescribeVpcsCommand({}))).Vpcs ?? [];
    const groups = (await client.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
    const volumes = (await client.send(new DescribeVolumesCommand({}))).Volumes ?? [];
    expect(vpcs.map((v) => v.VpcId)).toEqual([...new Set(instances.map((i) => i.VpcId))]);
    expect(vpcs[0]).toMatchObject({
      OwnerId: DEVELOPMENT,
      State: 'available',
      CidrBlock: '10.0.0.0/16',
      IsDefault: false,
    });
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ GroupName: 'default', VpcId: vpcs[0]?.VpcId, OwnerId: DEVELOPMENT });
    expect(instances.every((i) => i.SecurityGroups?.[0]?.GroupId === groups[0]?.GroupId)).toBe(true);
    expect(volumes.map((v) => v.Attachments?.[0]?.InstanceId)).toEqual(instances.map((i) => i.InstanceId));
    expect(volumes.map((v) => v.VolumeId)).toEqual(instances.map((i) => i.BlockDeviceMappings?.[0]?.Ebs?.VolumeId));
    expect(volumes[0]).toMatchObject({ State: 'in-use', VolumeType: 'gp3', Size: 8, AvailabilityZone: 'us-east-1a' });
  });

  it('filters and refuses like the instance calls', async () => {
    const client = ec2(dev, 'eu-west-1');
    const instance = instancesOf(await client.send(new DescribeInstancesCommand({})))[1];
    const volumes = await client.send(
      new DescribeVolumesCommand({
        Filters: [{ Name: 'attachment.instance-id', Values: [instance?.InstanceId ?? ''] }],
      }),
    );
    expect(volumes.Volumes?.map((v) => v.AvailabilityZone)).toEqual([instance?.Placement?.AvailabilityZone]);
    expect((await failure(client.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0123456789abcdef0'] })))).message).toBe(
      "The vpc ID 'vpc-0123456789abcdef0' does not exist",
    );
    expect(
      (await failure(client.send(new DescribeVolumesCommand({ VolumeIds: ['vol-0123456789abcdef0'], MaxResults: 5 }))))
        .name,
    ).toBe('InvalidParameterCombination');
    expect((await ec2(keysOf(sb, 'alice')).send(new DescribeVpcsCommand({}))).Vpcs).toEqual([]);
  });
});

describe('DescribeAvailabilityZones', () => {
  it('names three zones of the signed region with their zone ids', async () => {
    const zones = (await ec2(dev, 'eu-west-1').send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones ?? [];
    expect(zones.map((z) => [z.ZoneName, z.ZoneId, z.State])).toEqual([
      ['eu-west-1a', 'euw1-az1', 'available'],
      ['eu-west-1b', 'euw1-az2', 'available'],
      ['eu-west-1c', 'euw1-az3', 'available'],
    ]);
  });
});

describe('the AWS CLI', () => {
  it('describe-instances --region eu-west-1 with a member session', async () => {
    const out = await runAwsCli(sb, dev, ['ec2', 'describe-instances', '--region', 'eu-west-1']);
    expect(out.stderr).toBe('');
    const parsed = JSON.parse(out.stdout) as {
      Reservations: { OwnerId: string; Instances: { InstanceId: string; State: { Name: string } }[] }[];
    };
    expect(parsed.Reservations.flatMap((r) => r.Instances.map((i) => i.InstanceId))).toEqual(
      seeded(DEVELOPMENT, 'eu-west-1').map((i) => i.instanceId),
    );
    expect(parsed.Reservations[0]?.OwnerId).toBe(DEVELOPMENT);
  });

  it('describe-regions --all-regions shows the account opt-in status', async () => {
    const out = await runAwsCli(sb, prod, ['ec2', 'describe-regions', '--all-regions']);
    const parsed = JSON.parse(out.stdout) as { Regions: { RegionName: string; OptInStatus: string }[] };
    expect(parsed.Regions).toHaveLength(SANDBOX_REGIONS.length);
    expect(parsed.Regions.find((r) => r.RegionName === 'eu-south-1')?.OptInStatus).toBe('opted-in');
    expect(parsed.Regions.find((r) => r.RegionName === 'af-south-1')?.OptInStatus).toBe('not-opted-in');
  });

  it('fails like AWS in a disabled region', async () => {
    const out = await runAwsCli(sb, dev, ['ec2', 'describe-instances', '--region', 'eu-south-1']);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain(
      'An error occurred (AuthFailure) when calling the DescribeInstances operation: AWS was not able to validate the provided access credentials',
    );
  });

  it('uses long-term keys of the management account too', async () => {
    const out = await runAwsCli(sb, keysOf(sb, 'bob'), ['ec2', 'describe-instances']);
    expect(JSON.parse(out.stdout)).toEqual({ Reservations: [] });
    expect(sb.world.accounts[MANAGEMENT]?.instances).toEqual({});
  });
});
