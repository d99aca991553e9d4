import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  paginateListClusters,
} from '@aws-sdk/client-ecs';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
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

const ecs = (creds: AwsCredentialIdentity, region = 'us-east-1') => new ECSClient(clientConfig(sb, creds, region));
const PROD_CLUSTER = `arn:aws:ecs:us-east-1:${PRODUCTION}:cluster/prod-services`;

describe('ListClusters and DescribeClusters', () => {
  it('lists one cluster per account and region, by ARN', async () => {
    expect((await ecs(prod).send(new ListClustersCommand({}))).clusterArns).toEqual([PROD_CLUSTER]);
    expect((await ecs(prod, 'eu-west-1').send(new ListClustersCommand({}))).clusterArns).toEqual([
      `arn:aws:ecs:eu-west-1:${PRODUCTION}:cluster/prod-services`,
    ]);
    expect((await ecs(dev).send(new ListClustersCommand({}))).clusterArns).toEqual([
      `arn:aws:ecs:us-east-1:${DEVELOPMENT}:cluster/dev-services`,
    ]);
    expect((await ecs(keysOf(sb, 'bob')).send(new ListClustersCommand({}))).clusterArns).toEqual([]);
  });

  it('describes clusters by name or ARN, with tags on request and MISSING failures', async () => {
    const out = await ecs(prod).send(
      new DescribeClustersCommand({ clusters: ['prod-services', PROD_CLUSTER, 'ghost'], include: ['TAGS'] }),
    );
    expect(out.clusters?.map((c) => c.clusterArn)).toEqual([PROD_CLUSTER, PROD_CLUSTER]);
    expect(out.clusters?.[0]).toMatchObject({
      clusterName: 'prod-services',
      status: 'ACTIVE',
      activeServicesCount: 2,
      tags: [{ key: 'stage', value: 'prod' }],
    });
    expect(out.clusters?.[0]?.runningTasksCount).toBeGreaterThanOrEqual(4);
    expect(out.failures).toEqual([{ arn: `arn:aws:ecs:us-east-1:${PRODUCTION}:cluster/ghost`, reason: 'MISSING' }]);
    const noTags = await ecs(prod).send(new DescribeClustersCommand({ clusters: ['prod-services'] }));
    expect(noTags.clusters?.[0]?.tags).toEqual([]);
    // No cluster named means the one called `default`, which these accounts do not have.
    const implicit = await ecs(prod).send(new DescribeClustersCommand({}));
    expect(implicit.clusters).toEqual([]);
    expect(implicit.failures?.[0]?.reason).toBe('MISSING');
  });

  it('pages with maxResults and nextToken through the SDK paginator', async () => {
    const workloads = sb.world.accounts[STAGING]?.workloads;
    if (!workloads) throw new Error('staging has no workloads');
    workloads.counts = { ecsClusters: 7 };
    const staging = await readOnlySession(sb, STAGING);
    const pages: number[] = [];
    for await (const page of paginateListClusters({ client: ecs(staging), pageSize: 3 }, {}))
      pages.push(page.clusterArns?.length ?? 0);
    expect(pages).toEqual([3, 3, 1]);
    expect((await failure(ecs(staging).send(new ListClustersCommand({ maxResults: 101 })))).name).toBe(
      'InvalidParameterException',
    );
    expect((await failure(ecs(staging).send(new ListClustersCommand({ nextToken: 'forged' })))).name).toBe(
      'InvalidParameterException',
    );
    delete workloads.counts;
  });
});

describe('ListServices and DescribeServices', () => {
  it('lists the services of a cluster; an unknown cluster is ClusterNotFoundException', async () => {
    const out = await ecs(prod).send(new ListServicesCommand({ cluster: 'prod-services' }));
    expect(out.serviceArns).toEqual([
      `arn:aws:ecs:us-east-1:${PRODUCTION}:service/prod-services/web`,
      `arn:aws:ecs:us-east-1:${PRODUCTION}:service/prod-services/worker`,
    ]);
    expect(
      (
        await ecs(dev).send(
          new ListServicesCommand({ cluster: `arn:aws:ecs:us-east-1:${DEVELOPMENT}:cluster/dev-services` }),
        )
      ).serviceArns,
    ).toHaveLength(1);
    expect(await failure(ecs(prod).send(new ListServicesCommand({ cluster: 'ghost' })))).toEqual({
      name: 'ClusterNotFoundException',
      message: 'Cluster not found.',
      status: 400,
    });
    expect((await failure(ecs(prod).send(new ListServicesCommand({})))).name).toBe('ClusterNotFoundException');
  });

  it('describes services on Fargate in the account VPC', async () => {
    const out = await ecs(prod).send(
      new DescribeServicesCommand({ cluster: 'prod-services', services: ['web', 'ghost'] }),
    );
    expect(out.services?.[0]).toMatchObject({
      serviceName: 'web',
      clusterArn: PROD_CLUSTER,
      status: 'ACTIVE',
      launchType: 'FARGATE',
      schedulingStrategy: 'REPLICA',
    });
    expect(out.services?.[0]?.createdAt).toBeInstanceOf(Date);
    expect(out.services?.[0]?.networkConfiguration?.awsvpcConfiguration?.subnets).toEqual([
      sb.world.accounts[PRODUCTION]?.instances['us-east-1']?.[0]?.subnetId,
    ]);
    expect(out.failures).toEqual([
      { arn: `arn:aws:ecs:us-east-1:${PRODUCTION}:service/prod-services/ghost`, reason: 'MISSING' },
    ]);
  });
});

describe('regions and authorization', () => {
  it('refuses a disabled opt-in region before any policy', async () => {
    expect(await failure(ecs(dev, 'eu-south-1').send(new ListClustersCommand({})))).toEqual({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      status: 400,
    });
    expect((await ecs(prod, 'eu-south-1').send(new ListClustersCommand({}))).clusterArns).toHaveLength(1);
  });

  it('denies a role without ecs permissions with AccessDeniedException', async () => {
    const ec2Only = await limitedSession(sb, DEVELOPMENT, 'Ec2OnlyAuditor', ['ec2:Describe*']);
    expect(await failure(ecs(ec2Only).send(new ListClustersCommand({})))).toEqual({
      name: 'AccessDeniedException',
      message: `User: arn:aws:sts::${DEVELOPMENT}:assumed-role/Ec2OnlyAuditor/test-session is not authorized to perform: ecs:ListClusters on resource: * because no identity-based policy allows the ecs:ListClusters action`,
      status: 400,
    });
  });
});
