import { ApiError } from '../api-error.js';
import { num, str, type HandlerContext, type ServiceImpl } from '../service.js';
import type { DynamoTableSpec, RegionWorkloads } from '../world/workloads.js';
import { gateWorkloads, regionalArn, tagList } from './workload-gate.js';

/**
 * DynamoDB (protocol json 1.0), regional: the tables of the caller's account in the signed region.
 * ListTables pages by table name (ExclusiveStartTableName / LastEvaluatedTableName, Limit 1 to 100),
 * which needs no token at all; DescribeTable takes a name or an ARN.
 */

const DENIAL = { code: 'AccessDeniedException', status: 400 } as const;

function gate(ctx: HandlerContext, operation: string, resource: string): RegionWorkloads {
  return gateWorkloads(ctx, { endpointPrefix: 'dynamodb', action: `dynamodb:${operation}`, resource, denial: DENIAL });
}

function validation(member: string, value: unknown, constraint: string): ApiError {
  return new ApiError(
    'ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${constraint}`,
    400,
  );
}

function listTables(ctx: HandlerContext, input: Record<string, unknown>) {
  const w = gate(ctx, 'ListTables', regionalArn(ctx, 'dynamodb', 'table/*'));
  const limit = num(input, 'Limit');
  if (limit !== undefined && limit < 1)
    throw validation('limit', limit, 'Member must have value greater than or equal to 1');
  if (limit !== undefined && limit > 100)
    throw validation('limit', limit, 'Member must have value less than or equal to 100');
  const after = str(input, 'ExclusiveStartTableName');
  if (after !== undefined && after.length < 3)
    throw validation('exclusiveStartTableName', after, 'Member must have length greater than or equal to 3');
  const names = w.tables
    .map((t) => t.name)
    .sort()
    .filter((n) => after === undefined || n > after);
  const page = names.slice(0, limit ?? 100);
  const last = page[page.length - 1];
  return {
    TableNames: page,
    ...(names.length > page.length && last !== undefined ? { LastEvaluatedTableName: last } : {}),
  };
}

/** A table named by name or by ARN; the ARN is what AWS authorizes and names in its denial. */
function tableArnOf(ctx: HandlerContext, ref: string): string {
  return ref.startsWith('arn:') ? ref : regionalArn(ctx, 'dynamodb', `table/${ref}`);
}

function keySchema(t: DynamoTableSpec) {
  return [
    { AttributeName: t.hashKey, KeyType: 'HASH' },
    ...(t.rangeKey === undefined ? [] : [{ AttributeName: t.rangeKey, KeyType: 'RANGE' }]),
  ];
}

function tableShape(t: DynamoTableSpec): Record<string, unknown> {
  const onDemand = t.billing === 'PAY_PER_REQUEST';
  return {
    AttributeDefinitions: keySchema(t).map((k) => ({ AttributeName: k.AttributeName, AttributeType: 'S' })),
    TableName: t.name,
    KeySchema: keySchema(t),
    TableStatus: 'ACTIVE',
    CreationDateTime: new Date(t.createdAt),
    ProvisionedThroughput: {
      NumberOfDecreasesToday: 0,
      ReadCapacityUnits: t.readCapacity,
      WriteCapacityUnits: t.writeCapacity,
    },
    TableSizeBytes: t.sizeBytes,
    ItemCount: t.itemCount,
    TableArn: t.arn,
    TableId: t.id,
    ...(onDemand
      ? {
          BillingModeSummary: {
            BillingMode: 'PAY_PER_REQUEST',
            LastUpdateToPayPerRequestDateTime: new Date(t.createdAt),
          },
        }
      : {}),
    DeletionProtectionEnabled: t.deletionProtection,
    WarmThroughput: {
      ReadUnitsPerSecond: onDemand ? 12_000 : t.readCapacity,
      WriteUnitsPerSecond: onDemand ? 4_000 : t.writeCapacity,
      Status: 'ACTIVE',
    },
  };
}

function describeTable(ctx: HandlerContext, input: Record<string, unknown>) {
  const ref = str(input, 'TableName') ?? '';
  const arn = tableArnOf(ctx, ref);
  const w = gate(ctx, 'DescribeTable', arn);
  const table = w.tables.find((t) => t.arn === arn);
  if (!table)
    throw new ApiError('ResourceNotFoundException', `Requested resource not found: Table: ${ref} not found`, 400);
  return { Table: tableShape(table) };
}

function listTagsOfResource(ctx: HandlerContext, input: Record<string, unknown>) {
  const arn = str(input, 'ResourceArn') ?? '';
  const w = gate(ctx, 'ListTagsOfResource', arn);
  const table = w.tables.find((t) => t.arn === arn);
  // AWS's own text spells it "ResourcArn".
  if (!table)
    throw new ApiError('ResourceNotFoundException', `Requested resource not found: ResourcArn: ${arn} not found`, 400);
  return { Tags: tagList(table.tags) };
}

const OPERATIONS = {
  ListTables: listTables,
  DescribeTable: describeTable,
  ListTagsOfResource: listTagsOfResource,
};

export const dynamodbService: ServiceImpl = {
  signingName: 'dynamodb',
  modelName: 'dynamodb',
  actionPrefix: 'dynamodb',
  operations: OPERATIONS,
  // Each operation checks the region before the policies, as AWS does (see workload-gate.ts).
  selfAuthorized: new Set(Object.keys(OPERATIONS)),
};
