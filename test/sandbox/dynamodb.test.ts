import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  paginateListTables,
} from '@aws-sdk/client-dynamodb';
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

const dynamodb = (creds: AwsCredentialIdentity, region = 'us-east-1') =>
  new DynamoDBClient(clientConfig(sb, creds, region));
const seededNames = (accountId: string, region: string) =>
  workloadsIn(sb.world, sb.world.accounts[accountId], region).tables.map((t) => t.name);
const ORDERS_ARN = `arn:aws:dynamodb:us-east-1:${PRODUCTION}:table/orders`;

describe('ListTables', () => {
  it("lists production's us-east-1 tables, sorted, with orders among them", async () => {
    const out = await dynamodb(prod).send(new ListTablesCommand({}));
    expect(out.TableNames).toEqual(seededNames(PRODUCTION, 'us-east-1'));
    expect(out.TableNames).toContain('orders');
    expect(out.TableNames).toEqual([...(out.TableNames ?? [])].sort());
    expect(out.LastEvaluatedTableName).toBeUndefined();
  });

  it('answers per account and region: 1 to 3 tables, orders only in production us-east-1', async () => {
    for (const [creds, account, region] of [
      [dev, DEVELOPMENT, 'us-east-1'],
      [dev, DEVELOPMENT, 'eu-west-1'],
      [prod, PRODUCTION, 'eu-west-1'],
    ] as const) {
      const names = (await dynamodb(creds, region).send(new ListTablesCommand({}))).TableNames ?? [];
      expect(names).toEqual(seededNames(account, region));
      expect(names.length).toBeGreaterThanOrEqual(1);
      expect(names.length).toBeLessThanOrEqual(3);
      expect(names).not.toContain('orders');
    }
    expect((await dynamodb(keysOf(sb, 'bob')).send(new ListTablesCommand({}))).TableNames).toEqual([]);
  });

  it('pages with Limit and ExclusiveStartTableName through the SDK paginator', async () => {
    const workloads = sb.world.accounts[STAGING]?.workloads;
    if (!workloads) throw new Error('staging has no workloads');
    workloads.counts = { tables: 7 };
    const staging = await readOnlySession(sb, STAGING);
    const pages: string[][] = [];
    for await (const page of paginateListTables({ client: dynamodb(staging), pageSize: 3 }, {}))
      pages.push(page.TableNames ?? []);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(seededNames(STAGING, 'us-east-1'));
    const first = await dynamodb(staging).send(new ListTablesCommand({ Limit: 3 }));
    expect(first.LastEvaluatedTableName).toBe(pages[0]?.[2]);
    expect(await failure(dynamodb(staging).send(new ListTablesCommand({ Limit: 0 })))).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
      status: 400,
    });
    delete workloads.counts;
  });
});

describe('DescribeTable and ListTagsOfResource', () => {
  it('describes the orders table: provisioned high, the cost spike of the bill', async () => {
    const { Table } = await dynamodb(prod).send(new DescribeTableCommand({ TableName: 'orders' }));
    expect(Table).toMatchObject({
      TableName: 'orders',
      TableArn: ORDERS_ARN,
      TableStatus: 'ACTIVE',
      KeySchema: [
        { AttributeName: 'orderId', KeyType: 'HASH' },
        { AttributeName: 'createdAt', KeyType: 'RANGE' },
      ],
      ProvisionedThroughput: { ReadCapacityUnits: 4000, WriteCapacityUnits: 500, NumberOfDecreasesToday: 0 },
      DeletionProtectionEnabled: true,
    });
    expect(Table?.BillingModeSummary).toBeUndefined();
    expect(Table?.CreationDateTime).toBeInstanceOf(Date);
    expect(Table?.ItemCount).toBeGreaterThan(48_000_000);
    expect(Table?.TableId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    const byArn = await dynamodb(prod).send(new DescribeTableCommand({ TableName: ORDERS_ARN }));
    expect(byArn.Table?.TableId).toBe(Table?.TableId);
    expect((await dynamodb(prod).send(new ListTagsOfResourceCommand({ ResourceArn: ORDERS_ARN }))).Tags).toEqual([
      { Key: 'stage', Value: 'prod' },
    ]);
  });

  it('describes an on-demand table with its billing mode', async () => {
    const [name = ''] = seededNames(DEVELOPMENT, 'us-east-1');
    const { Table } = await dynamodb(dev).send(new DescribeTableCommand({ TableName: name }));
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 0, WriteCapacityUnits: 0 });
  });

  it('answers ResourceNotFoundException for an unknown table or ARN', async () => {
    expect(await failure(dynamodb(prod).send(new DescribeTableCommand({ TableName: 'ghost' })))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'Requested resource not found: Table: ghost not found',
      status: 400,
    });
    // orders lives in us-east-1 only.
    expect(
      (await failure(dynamodb(prod, 'eu-west-1').send(new DescribeTableCommand({ TableName: 'orders' })))).name,
    ).toBe('ResourceNotFoundException');
    expect(
      (await failure(dynamodb(prod).send(new ListTagsOfResourceCommand({ ResourceArn: `${ORDERS_ARN}-old` })))).name,
    ).toBe('ResourceNotFoundException');
  });
});

describe('regions and authorization', () => {
  it('refuses a disabled opt-in region with UnrecognizedClientException', async () => {
    expect(await failure(dynamodb(dev, 'eu-south-1').send(new ListTablesCommand({})))).toEqual({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      status: 400,
    });
    expect((await dynamodb(prod, 'eu-south-1').send(new ListTablesCommand({}))).TableNames).toEqual(
      seededNames(PRODUCTION, 'eu-south-1'),
    );
  });

  it('denies a role without dynamodb permissions, naming table/* or the table', async () => {
    const ec2Only = await limitedSession(sb, DEVELOPMENT, 'Ec2OnlyAuditor', ['ec2:Describe*']);
    expect(await failure(dynamodb(ec2Only).send(new ListTablesCommand({})))).toEqual({
      name: 'AccessDeniedException',
      message: `User: arn:aws:sts::${DEVELOPMENT}:assumed-role/Ec2OnlyAuditor/test-session is not authorized to perform: dynamodb:ListTables on resource: arn:aws:dynamodb:us-east-1:${DEVELOPMENT}:table/* because no identity-based policy allows the dynamodb:ListTables action`,
      status: 400,
    });
    const lister = await limitedSession(sb, DEVELOPMENT, 'TableLister', ['dynamodb:ListTables']);
    expect((await dynamodb(lister).send(new ListTablesCommand({}))).TableNames).toEqual(
      seededNames(DEVELOPMENT, 'us-east-1'),
    );
    expect((await failure(dynamodb(lister).send(new DescribeTableCommand({ TableName: 'ghost' })))).message).toContain(
      `dynamodb:DescribeTable on resource: arn:aws:dynamodb:us-east-1:${DEVELOPMENT}:table/ghost because`,
    );
  });
});

describe('AWS CLI', () => {
  it('aws dynamodb list-tables and describe-table', async () => {
    const list = await runAwsCli(sb, prod, ['dynamodb', 'list-tables']);
    expect(list.stderr).toBe('');
    expect((JSON.parse(list.stdout) as { TableNames: string[] }).TableNames).toEqual(
      seededNames(PRODUCTION, 'us-east-1'),
    );
    const described = await runAwsCli(sb, prod, ['dynamodb', 'describe-table', '--table-name', 'orders']);
    expect((JSON.parse(described.stdout) as { Table: { TableArn: string } }).Table.TableArn).toBe(ORDERS_ARN);
    const denied = await runAwsCli(sb, dev, ['dynamodb', 'list-tables'], 'eu-south-1');
    expect(denied.stderr).toContain('(UnrecognizedClientException) when calling the ListTables operation');
  }, 60_000);
});
