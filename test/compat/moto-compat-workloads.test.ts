import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateOrganizationCommand, CreateAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import {
  CreateDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateClusterCommand as CreateEksClusterCommand,
  DescribeClusterCommand,
  EKSClient,
  ListClustersCommand as ListEksClustersCommand,
} from '@aws-sdk/client-eks';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  ConfigServiceClient,
  DescribeConfigRulesCommand,
  DescribeConfigurationRecordersCommand,
  PutConfigRuleCommand,
  PutConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { buildWorld } from '../../src/sandbox/world/seed-orgs.js';
import { workloadsIn, type RegionWorkloads } from '../../src/sandbox/world/workloads.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { PRODUCTION, failure, readOnlySession } from '../helpers/sandbox-clients.js';

/**
 * The workload services (Lambda, RDS, ECS, EKS, DynamoDB, Config) against the sandbox and against
 * moto_server. moto starts empty, so it is given the resources the sandbox derives for production's
 * us-east-1 (same names, keys, engines); then the same reads must agree on shapes, ARN forms and errors.
 */
interface Target {
  endpoint: string;
  member: string;
  reader: AwsCredentialIdentity;
  stop(): Promise<void>;
}

const cfg = (t: Target, region = 'us-east-1') => ({
  endpoint: t.endpoint,
  region,
  credentials: t.reader,
  maxAttempts: 1,
});

/** What the sandbox derives for production in us-east-1; the names do not depend on the clock. */
const expected: RegionWorkloads = (() => {
  const world = buildWorld({ kind: 'demo' }, Date.now());
  return workloadsIn(world, world.accounts[PRODUCTION], 'us-east-1');
})();

async function sandboxTarget(): Promise<Target> {
  const sb: Sandbox = await startTestSandbox();
  return {
    endpoint: sb.endpoint,
    member: PRODUCTION,
    reader: await readOnlySession(sb, PRODUCTION),
    stop: () => sb.stop(),
  };
}

/** A one-file zip (stored, not deflated), which is all CreateFunction needs. */
function zipOf(name: string, text: string): Uint8Array {
  const data = Buffer.from(text, 'utf8');
  const file = Buffer.from(name, 'utf8');
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x21, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(file.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x21, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(file.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + file.length, 12);
  end.writeUInt32LE(local.length + file.length + data.length, 16);
  return new Uint8Array(Buffer.concat([local, file, data, central, file, end]));
}

/** moto's production: an organization member with the resources the sandbox derives. */
async function motoTarget(): Promise<Target> {
  const moto: Moto = await startMoto();
  const source = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'moto-secret' };
  const base = { endpoint: moto.endpoint, region: 'us-east-1', credentials: source, maxAttempts: 1 };
  const orgs = new OrganizationsClient(base);
  await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const member =
    (await orgs.send(new CreateAccountCommand({ AccountName: 'production', Email: 'aws+production@example.com' })))
      .CreateAccountStatus?.AccountId ?? '';
  const assumed = await new STSClient(base).send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`,
      RoleSessionName: 'compat',
    }),
  );
  const c = assumed.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('moto gave no credentials');
  const t: Target = {
    endpoint: moto.endpoint,
    member,
    reader: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    stop: () => moto.stop(),
  };
  await seedMoto(t);
  return t;
}

async function seedMoto(t: Target): Promise<void> {
  const tags = [{ Key: 'stage', Value: 'prod' }];
  for (const table of expected.tables) {
    const keys = [
      { AttributeName: table.hashKey, KeyType: 'HASH' as const },
      ...(table.rangeKey ? [{ AttributeName: table.rangeKey, KeyType: 'RANGE' as const }] : []),
    ];
    await new DynamoDBClient(cfg(t)).send(
      new CreateTableCommand({
        TableName: table.name,
        KeySchema: keys,
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.AttributeName, AttributeType: 'S' as const })),
        ...(table.billing === 'PROVISIONED'
          ? {
              BillingMode: 'PROVISIONED' as const,
              ProvisionedThroughput: { ReadCapacityUnits: table.readCapacity, WriteCapacityUnits: table.writeCapacity },
            }
          : { BillingMode: 'PAY_PER_REQUEST' as const }),
        Tags: tags,
      }),
    );
  }
  await new RDSClient(cfg(t)).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'orders-db',
      Engine: 'postgres',
      EngineVersion: '16.3',
      DBInstanceClass: 'db.r6g.large',
      MultiAZ: true,
      AllocatedStorage: 100,
      MasterUsername: 'dbadmin',
      MasterUserPassword: 'not-a-real-password',
      DBName: 'orders',
      Tags: tags,
    }),
  );
  const ecs = new ECSClient(cfg(t));
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod-services', tags: [{ key: 'stage', value: 'prod' }] }));
  for (const service of ['web', 'worker']) {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: service,
        containerDefinitions: [{ name: service, image: 'nginx', memory: 512 }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'prod-services',
        serviceName: service,
        taskDefinition: service,
        desiredCount: 1,
      }),
    );
  }
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: ['lambda.amazonaws.com', 'eks.amazonaws.com'] },
        Action: 'sts:AssumeRole',
      },
    ],
  });
  const role =
    (
      await new IAMClient(cfg(t)).send(
        new CreateRoleCommand({ RoleName: 'eks-cluster-role', AssumeRolePolicyDocument: trust }),
      )
    ).Role?.Arn ?? '';
  await new EKSClient(cfg(t)).send(
    new CreateEksClusterCommand({
      name: 'platform',
      roleArn: role,
      resourcesVpcConfig: { subnetIds: [] },
      version: '1.31',
    }),
  );
  for (const f of expected.functions) {
    await new LambdaClient(cfg(t)).send(
      new CreateFunctionCommand({
        FunctionName: f.name,
        Runtime: 'nodejs20.x',
        Role: role,
        Handler: 'index.handler',
        Code: { ZipFile: zipOf('index.js', 'exports.handler = async () => 1;') },
      }),
    );
  }
  await new ConfigServiceClient(cfg(t)).send(
    new PutConfigurationRecorderCommand({
      ConfigurationRecorder: {
        name: 'default',
        roleARN: `arn:aws:iam::${t.member}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
        recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
      },
    }),
  );
  for (const rule of expected.configRules) {
    await new ConfigServiceClient(cfg(t)).send(
      new PutConfigRuleCommand({
        ConfigRule: {
          ConfigRuleName: rule.name,
          Description: rule.description,
          Scope: { ComplianceResourceTypes: rule.resourceTypes },
          Source: { Owner: 'AWS', SourceIdentifier: rule.sourceIdentifier },
        },
      }),
    );
  }
}

describe.each([
  ['sandbox', sandboxTarget],
  ['moto', motoTarget],
] as const)('workload compatibility on %s', (_name, make) => {
  let t: Target;
  beforeAll(async () => {
    t = await make();
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('DynamoDB: ListTables pages by name; DescribeTable has the same shape and not-found error', async () => {
    const dynamodb = new DynamoDBClient(cfg(t));
    const names = expected.tables.map((x) => x.name);
    expect((await dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual(names);
    const first = await dynamodb.send(new ListTablesCommand({ Limit: 1 }));
    expect(first.TableNames).toEqual(names.slice(0, 1));
    expect(first.LastEvaluatedTableName).toBe(names.length > 1 ? names[0] : undefined);
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: 'orders' }));
    expect(Table).toMatchObject({
      TableName: 'orders',
      TableArn: `arn:aws:dynamodb:us-east-1:${t.member}:table/orders`,
      TableStatus: 'ACTIVE',
      KeySchema: [
        { AttributeName: 'orderId', KeyType: 'HASH' },
        { AttributeName: 'createdAt', KeyType: 'RANGE' },
      ],
      ProvisionedThroughput: { ReadCapacityUnits: 4000, WriteCapacityUnits: 500 },
    });
    expect(Table?.CreationDateTime).toBeInstanceOf(Date);
    expect(typeof Table?.ItemCount).toBe('number');
    expect(await failure(dynamodb.send(new DescribeTableCommand({ TableName: 'ghost' })))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Requested resource not found: Table: ghost not found',
      status: 400,
    });
  });

  it('RDS: DescribeDBInstances shapes, ARN form and errors', async () => {
    const rds = new RDSClient(cfg(t));
    const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-db' }));
    const db = out.DBInstances?.[0];
    expect(db).toMatchObject({
      DBInstanceIdentifier: 'orders-db',
      DBInstanceArn: `arn:aws:rds:us-east-1:${t.member}:db:orders-db`,
      Engine: 'postgres',
      DBInstanceClass: 'db.r6g.large',
      DBInstanceStatus: 'available',
      MultiAZ: true,
      DBName: 'orders',
      MasterUsername: 'dbadmin',
    });
    expect(db?.Endpoint?.Port).toBe(5432);
    expect(db?.Endpoint?.Address).toMatch(/^orders-db\.[a-z0-9]+\.us-east-1\.rds\.amazonaws\.com$/);
    expect(db?.InstanceCreateTime).toBeInstanceOf(Date);
    expect(db?.DbiResourceId).toMatch(/^db-[A-Z0-9]+$/);
    expect(db?.TagList).toContainEqual({ Key: 'stage', Value: 'prod' });
    expect(await failure(rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'ghost' })))).toEqual({
      name: 'DBInstanceNotFoundFault',
      message: 'DBInstance ghost not found.',
      status: 404,
    });
    expect(
      await failure(rds.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] }))),
    ).toMatchObject({ name: 'InvalidParameterValue', message: 'Unrecognized filter name: colour', status: 400 });
    expect(await failure(rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'ghost' })))).toEqual({
      name: 'DBClusterNotFoundFault',
      message: 'DBCluster ghost not found.',
      status: 404,
    });
  });

  it('ECS: cluster and service ARNs, MISSING failures, ClusterNotFoundException', async () => {
    const ecs = new ECSClient(cfg(t));
    const clusterArn = `arn:aws:ecs:us-east-1:${t.member}:cluster/prod-services`;
    expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toEqual([clusterArn]);
    const described = await ecs.send(new DescribeClustersCommand({ clusters: ['prod-services', 'ghost'] }));
    expect(described.clusters?.map((c) => [c.clusterArn, c.clusterName, c.status])).toEqual([
      [clusterArn, 'prod-services', 'ACTIVE'],
    ]);
    expect(described.failures).toEqual([{ arn: `arn:aws:ecs:us-east-1:${t.member}:cluster/ghost`, reason: 'MISSING' }]);
    expect((await ecs.send(new ListServicesCommand({ cluster: 'prod-services' }))).serviceArns).toEqual(
      ['web', 'worker'].map((s) => `arn:aws:ecs:us-east-1:${t.member}:service/prod-services/${s}`),
    );
    expect(await failure(ecs.send(new ListServicesCommand({ cluster: 'ghost' })))).toEqual({
      name: 'ClusterNotFoundException',
      message: 'Cluster not found.',
      status: 400,
    });
  });

  it('EKS: ListClusters, DescribeCluster and its not-found error', async () => {
    const eks = new EKSClient(cfg(t));
    expect((await eks.send(new ListEksClustersCommand({}))).clusters).toEqual(['platform']);
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: 'platform' }));
    expect(cluster).toMatchObject({
      name: 'platform',
      arn: `arn:aws:eks:us-east-1:${t.member}:cluster/platform`,
      status: 'ACTIVE',
      version: '1.31',
    });
    expect(cluster?.roleArn).toBe(`arn:aws:iam::${t.member}:role/eks-cluster-role`);
    expect(cluster?.createdAt).toBeInstanceOf(Date);
    expect(await failure(eks.send(new DescribeClusterCommand({ name: 'ghost' })))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'No cluster found for name: ghost.',
      status: 404,
    });
  });

  it('Lambda: ListFunctions names and ARNs, GetFunction not found', async () => {
    const lambda = new LambdaClient(cfg(t));
    const out = await lambda.send(new ListFunctionsCommand({}));
    expect(out.Functions?.map((f) => f.FunctionName).sort()).toEqual(expected.functions.map((f) => f.name).sort());
    for (const f of out.Functions ?? []) {
      expect(f.FunctionArn).toBe(`arn:aws:lambda:us-east-1:${t.member}:function:${f.FunctionName}`);
      expect(f.Version).toBe('$LATEST');
      // AWS writes `2019-10-10T19:52:48.593+0000`; moto writes nanoseconds and `Z`. Both are ISO 8601.
      expect(f.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+0000|Z)$/);
    }
    expect(await failure(lambda.send(new GetFunctionCommand({ FunctionName: 'nope' })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Function not found: arn:aws:lambda:us-east-1:${t.member}:function:nope`,
      status: 404,
    });
  });

  it('Config: the default recorder and the not-found errors', async () => {
    const config = new ConfigServiceClient(cfg(t));
    const recorders = (await config.send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders ?? [];
    expect(recorders.map((r) => [r.name, r.roleARN])).toEqual([
      ['default', `arn:aws:iam::${t.member}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`],
    ]);
    expect(recorders[0]?.recordingGroup).toMatchObject({ allSupported: true, includeGlobalResourceTypes: true });
    const rules = (await config.send(new DescribeConfigRulesCommand({}))).ConfigRules ?? [];
    expect(
      rules.map((r) => [r.ConfigRuleName, r.Source?.Owner, r.Source?.SourceIdentifier, r.ConfigRuleState]),
    ).toEqual(
      [...expected.configRules]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((r) => [r.name, 'AWS', r.sourceIdentifier, 'ACTIVE']),
    );
    for (const r of rules) {
      expect(r.ConfigRuleId).toMatch(/^config-rule-[a-z0-9]{6}$/);
      expect(r.ConfigRuleArn).toBe(`arn:aws:config:us-east-1:${t.member}:config-rule/${r.ConfigRuleId}`);
    }
    expect(
      await failure(config.send(new DescribeConfigurationRecordersCommand({ ConfigurationRecorderNames: ['ghost'] }))),
    ).toEqual({
      name: 'NoSuchConfigurationRecorderException',
      message: "Cannot find configuration recorder with the specified name 'ghost'.",
      status: 400,
    });
    expect(await failure(config.send(new DescribeConfigRulesCommand({ ConfigRuleNames: ['ghost'] })))).toEqual({
      name: 'NoSuchConfigRuleException',
      message: "The ConfigRule 'ghost' provided in the request is invalid. Please check the configRule name",
      status: 400,
    });
  });
});
