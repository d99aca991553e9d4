import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  paginateDescribeDBInstances,
} from '@aws-sdk/client-rds';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { workloadsIn } from '../../src/sandbox/world/workloads.js';
import {
  DEVELOPMENT,
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

const rds = (creds: AwsCredentialIdentity, region = 'us-east-1') => new RDSClient(clientConfig(sb, creds, region));
const seeded = (accountId: string, region: string) => workloadsIn(sb.world, sb.world.accounts[accountId], region);
const vpcOf = (accountId: string, region: string) => sb.world.accounts[accountId]?.instances[region]?.[0]?.vpcId;

describe('DescribeDBInstances', () => {
  it("lists production's us-east-1 databases: orders-db (Multi-AZ) and an Aurora writer", async () => {
    const out = await rds(prod).send(new DescribeDBInstancesCommand({}));
    expect(out.DBInstances?.map((d) => d.DBInstanceIdentifier)).toEqual(['analytics-1', 'orders-db']);
    expect(out.Marker).toBeUndefined();
    const orders = out.DBInstances?.find((d) => d.DBInstanceIdentifier === 'orders-db');
    expect(orders).toMatchObject({
      DBInstanceArn: `arn:aws:rds:us-east-1:${PRODUCTION}:db:orders-db`,
      Engine: 'postgres',
      DBInstanceStatus: 'available',
      DBInstanceClass: 'db.r6g.large',
      MultiAZ: true,
      DBName: 'orders',
      StorageEncrypted: true,
      DeletionProtection: true,
      PubliclyAccessible: false,
      TagList: [{ Key: 'stage', Value: 'prod' }],
      DBSubnetGroup: { VpcId: vpcOf(PRODUCTION, 'us-east-1'), SubnetGroupStatus: 'Complete' },
    });
    expect(orders?.Endpoint?.Address).toMatch(/^orders-db\.[a-z0-9]{12}\.us-east-1\.rds\.amazonaws\.com$/);
    expect(orders?.Endpoint?.Port).toBe(5432);
    expect(orders?.InstanceCreateTime).toBeInstanceOf(Date);
    expect(orders?.DbiResourceId).toMatch(/^db-[A-Z0-9]{26}$/);
    expect(orders?.VpcSecurityGroups?.[0]?.VpcSecurityGroupId).toMatch(/^sg-[0-9a-f]{17}$/);
    expect(out.DBInstances?.find((d) => d.DBInstanceIdentifier === 'analytics-1')).toMatchObject({
      Engine: 'aurora-postgresql',
      DBClusterIdentifier: 'analytics',
    });
  });

  it('answers per account and region; development has 0 or 1, the management account none', async () => {
    const devOut = await rds(dev).send(new DescribeDBInstancesCommand({}));
    expect(devOut.DBInstances?.map((d) => d.DBInstanceIdentifier)).toEqual(
      seeded(DEVELOPMENT, 'us-east-1').dbInstances.map((d) => d.id),
    );
    expect(devOut.DBInstances?.length).toBeLessThanOrEqual(1);
    const west = await rds(prod, 'eu-west-1').send(new DescribeDBInstancesCommand({}));
    expect(west.DBInstances?.map((d) => d.DBInstanceArn)).toEqual([`arn:aws:rds:eu-west-1:${PRODUCTION}:db:orders-db`]);
    expect((await rds(keysOf(sb, 'bob')).send(new DescribeDBInstancesCommand({}))).DBInstances).toEqual([]);
  });

  it('selects by identifier or ARN and filters by engine; unknown identifiers are DBInstanceNotFound (404)', async () => {
    const byId = await rds(prod).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-db' }));
    expect(byId.DBInstances?.map((d) => d.DBInstanceIdentifier)).toEqual(['orders-db']);
    const byArn = await rds(prod).send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: `arn:aws:rds:us-east-1:${PRODUCTION}:db:analytics-1` }),
    );
    expect(byArn.DBInstances?.map((d) => d.DBInstanceIdentifier)).toEqual(['analytics-1']);
    const aurora = await rds(prod).send(
      new DescribeDBInstancesCommand({ Filters: [{ Name: 'engine', Values: ['aurora-postgresql'] }] }),
    );
    expect(aurora.DBInstances?.map((d) => d.DBInstanceIdentifier)).toEqual(['analytics-1']);
    expect(await failure(rds(prod).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' })))).toEqual({
      name: 'DBInstanceNotFoundFault',
      message: 'DBInstance nope not found.',
      status: 404,
    });
    expect(
      await failure(rds(prod).send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] }))),
    ).toMatchObject({ name: 'InvalidParameterValue', message: 'Unrecognized filter name: colour' });
  });

  it('pages with MaxRecords and Marker through the SDK paginator; MaxRecords must be 20..100', async () => {
    const workloads = sb.world.accounts[STAGING]?.workloads;
    if (!workloads) throw new Error('staging has no workloads');
    workloads.counts = { dbInstances: 45 };
    const staging = await readOnlySession(sb, STAGING);
    const pages: number[] = [];
    const ids: string[] = [];
    for await (const page of paginateDescribeDBInstances({ client: rds(staging), pageSize: 20 }, {})) {
      pages.push(page.DBInstances?.length ?? 0);
      ids.push(...(page.DBInstances ?? []).map((d) => d.DBInstanceIdentifier ?? ''));
    }
    expect(pages).toEqual([20, 20, 5]);
    expect(new Set(ids).size).toBe(45);
    expect(ids).toEqual([...ids].sort());
    expect(await failure(rds(staging).send(new DescribeDBInstancesCommand({ MaxRecords: 5 })))).toEqual({
      name: 'InvalidParameterValue',
      message: 'Invalid value 5 for MaxRecords. Must be between 20 and 100',
      status: 400,
    });
    expect((await failure(rds(staging).send(new DescribeDBInstancesCommand({ Marker: 'forged' })))).name).toBe(
      'InvalidParameterValue',
    );
    delete workloads.counts;
  });

  it('refuses a disabled opt-in region with InvalidClientTokenId and serves an enabled one', async () => {
    expect(await failure(rds(dev, 'eu-south-1').send(new DescribeDBInstancesCommand({})))).toEqual({
      name: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
      status: 403,
    });
    const out = await rds(prod, 'eu-south-1').send(new DescribeDBInstancesCommand({}));
    expect(out.DBInstances?.map((d) => d.AvailabilityZone?.startsWith('eu-south-1'))).toEqual([true]);
  });

  it('denies a role without rds permissions, naming db:*', async () => {
    const ec2Only = await limitedSession(sb, DEVELOPMENT, 'Ec2OnlyAuditor', ['ec2:Describe*']);
    expect(await failure(rds(ec2Only).send(new DescribeDBInstancesCommand({})))).toEqual({
      name: 'AccessDenied',
      message: `User: arn:aws:sts::${DEVELOPMENT}:assumed-role/Ec2OnlyAuditor/test-session is not authorized to perform: rds:DescribeDBInstances on resource: arn:aws:rds:us-east-1:${DEVELOPMENT}:db:* because no identity-based policy allows the rds:DescribeDBInstances action`,
      status: 403,
    });
    expect((await failure(rds(ec2Only).send(new DescribeDBClustersCommand({})))).message).toContain(
      `rds:DescribeDBClusters on resource: arn:aws:rds:us-east-1:${DEVELOPMENT}:cluster:*`,
    );
  });
});

describe('DescribeDBClusters', () => {
  it('lists the Aurora cluster in production and nothing in development', async () => {
    const out = await rds(prod).send(new DescribeDBClustersCommand({}));
    expect(out.DBClusters).toHaveLength(1);
    expect(out.DBClusters?.[0]).toMatchObject({
      DBClusterIdentifier: 'analytics',
      DBClusterArn: `arn:aws:rds:us-east-1:${PRODUCTION}:cluster:analytics`,
      Engine: 'aurora-postgresql',
      Status: 'available',
      DBClusterMembers: [{ DBInstanceIdentifier: 'analytics-1', IsClusterWriter: true }],
    });
    expect(out.DBClusters?.[0]?.Endpoint).toMatch(/^analytics\.cluster-[a-z0-9]{12}\.us-east-1\.rds\.amazonaws\.com$/);
    expect((await rds(dev).send(new DescribeDBClustersCommand({}))).DBClusters).toEqual([]);
    expect(await failure(rds(prod).send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'nope' })))).toEqual({
      name: 'DBClusterNotFoundFault',
      message: 'DBCluster nope not found.',
      status: 404,
    });
  });
});

describe('AWS CLI', () => {
  it('aws rds describe-db-instances', async () => {
    const out = await runAwsCli(sb, prod, ['rds', 'describe-db-instances']);
    expect(out.stderr).toBe('');
    const parsed = JSON.parse(out.stdout) as {
      DBInstances: { DBInstanceIdentifier: string; InstanceCreateTime: string }[];
    };
    expect(parsed.DBInstances.map((d) => d.DBInstanceIdentifier)).toEqual(['analytics-1', 'orders-db']);
    expect(parsed.DBInstances[0]?.InstanceCreateTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    const missing = await runAwsCli(sb, prod, ['rds', 'describe-db-instances', '--db-instance-identifier', 'nope']);
    expect(missing.stderr).toContain(
      '(DBInstanceNotFound) when calling the DescribeDBInstances operation: DBInstance nope not found.',
    );
  }, 60_000);
});
