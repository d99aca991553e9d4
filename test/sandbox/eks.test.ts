import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeClusterCommand, EKSClient, ListClustersCommand, paginateListClusters } from '@aws-sdk/client-eks';
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
import { limitedSession } from '../helpers/limited-role.js';

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

const eks = (creds: AwsCredentialIdentity, region = 'us-east-1') => new EKSClient(clientConfig(sb, creds, region));
const seededNames = (accountId: string, region: string) =>
  workloadsIn(sb.world, sb.world.accounts[accountId], region).eksClusters.map((c) => c.name);

describe('ListClusters', () => {
  it("lists production's platform cluster at home only; development has 0 or 1", async () => {
    expect((await eks(prod).send(new ListClustersCommand({}))).clusters).toEqual(['platform']);
    expect((await eks(prod, 'eu-west-1').send(new ListClustersCommand({}))).clusters).toEqual([]);
    const devClusters = (await eks(dev).send(new ListClustersCommand({}))).clusters;
    expect(devClusters).toEqual(seededNames(DEVELOPMENT, 'us-east-1'));
    expect(devClusters?.length).toBeLessThanOrEqual(1);
    expect((await eks(keysOf(sb, 'bob')).send(new ListClustersCommand({}))).clusters).toEqual([]);
  });

  it('pages with maxResults and nextToken through the SDK paginator; maxResults must be 1..100', async () => {
    const workloads = sb.world.accounts[STAGING]?.workloads;
    if (!workloads) throw new Error('staging has no workloads');
    workloads.counts = { eksClusters: 5 };
    const staging = await readOnlySession(sb, STAGING);
    const pages: string[][] = [];
    for await (const page of paginateListClusters({ client: eks(staging), pageSize: 2 }, {}))
      pages.push(page.clusters ?? []);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual([...seededNames(STAGING, 'us-east-1')].sort());
    expect(await failure(eks(staging).send(new ListClustersCommand({ maxResults: 0 })))).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
    });
    expect((await failure(eks(staging).send(new ListClustersCommand({ nextToken: 'forged' })))).name).toBe(
      'InvalidParameterException',
    );
    delete workloads.counts;
  });
});

describe('DescribeCluster', () => {
  it('describes a cluster in the account VPC', async () => {
    const { cluster } = await eks(prod).send(new DescribeClusterCommand({ name: 'platform' }));
    expect(cluster).toMatchObject({
      name: 'platform',
      arn: `arn:aws:eks:us-east-1:${PRODUCTION}:cluster/platform`,
      status: 'ACTIVE',
      version: '1.31',
      roleArn: `arn:aws:iam::${PRODUCTION}:role/eks-cluster-role`,
      tags: { stage: 'prod' },
      resourcesVpcConfig: { vpcId: sb.world.accounts[PRODUCTION]?.instances['us-east-1']?.[0]?.vpcId },
    });
    expect(cluster?.createdAt).toBeInstanceOf(Date);
    expect(cluster?.endpoint).toMatch(/^https:\/\/[0-9A-F]{32}\.gr7\.us-east-1\.eks\.amazonaws\.com$/);
    expect(Buffer.from(cluster?.certificateAuthority?.data ?? '', 'base64').toString()).toMatch(
      /^-----BEGIN CERTIFICATE-----\n/,
    );
  });

  it('answers ResourceNotFoundException (404) for an unknown cluster', async () => {
    expect(await failure(eks(prod).send(new DescribeClusterCommand({ name: 'ghost' })))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'No cluster found for name: ghost.',
      status: 404,
    });
  });
});

describe('regions and authorization', () => {
  it('refuses a disabled opt-in region and an unknown one', async () => {
    expect(await failure(eks(dev, 'eu-south-1').send(new ListClustersCommand({})))).toEqual({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      status: 403,
    });
    expect((await eks(prod, 'eu-south-1').send(new ListClustersCommand({}))).clusters).toEqual([]);
    expect((await failure(eks(prod, 'xx-nowhere-1').send(new ListClustersCommand({})))).name).toBe('InvalidRegion');
  });

  it('denies a role without eks permissions, naming cluster/*', async () => {
    const ec2Only = await limitedSession(sb, DEVELOPMENT, 'Ec2OnlyAuditor', ['ec2:Describe*']);
    expect(await failure(eks(ec2Only).send(new ListClustersCommand({})))).toEqual({
      name: 'AccessDeniedException',
      message: `User: arn:aws:sts::${DEVELOPMENT}:assumed-role/Ec2OnlyAuditor/test-session is not authorized to perform: eks:ListClusters on resource: arn:aws:eks:us-east-1:${DEVELOPMENT}:cluster/* because no identity-based policy allows the eks:ListClusters action`,
      status: 403,
    });
  });
});
