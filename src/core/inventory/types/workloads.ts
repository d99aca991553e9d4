import { formatArn } from '../../arn.js';
import { awsErrorFacts } from '../../credentials/sts-errors.js';
import { at, flag, int, isItem, required, tagMap, text, type ResourceType } from '../resource-type.js';

/** Lambda functions, RDS instances and DynamoDB tables: regional, tags from a per-item call where the list has none. */

export const lambdaFunctions: ResourceType = {
  name: 'lambda_functions',
  title: 'Lambda functions',
  service: 'lambda',
  operation: 'ListFunctions',
  listMember: ['Functions'],
  scope: 'regional',
  arnOf: (item, ctx) =>
    text(item['FunctionArn']) ??
    formatArn({
      partition: ctx.partition,
      service: 'lambda',
      region: ctx.region,
      accountId: ctx.accountId,
      resource: `function:${required(item, 'FunctionName')}`,
    }),
  nameOf: (item) => text(item['FunctionName']),
  tagsOf: (item) => tagMap(item['Tags']),
  columns: [
    { name: 'runtime', type: 'TEXT', value: (i) => text(i['Runtime']) },
    { name: 'handler', type: 'TEXT', value: (i) => text(i['Handler']) },
    { name: 'memory_size', type: 'INTEGER', value: (i) => int(i['MemorySize']) },
    { name: 'timeout', type: 'INTEGER', value: (i) => int(i['Timeout']) },
    { name: 'code_size', type: 'INTEGER', value: (i) => int(i['CodeSize']) },
    { name: 'architecture', type: 'TEXT', value: (i) => text(at(i, 'Architectures', '0')) },
    { name: 'role', type: 'TEXT', value: (i) => text(i['Role']) },
    { name: 'last_modified', type: 'TEXT', value: (i) => text(i['LastModified']) },
    {
      name: 'env_keys',
      type: 'TEXT',
      value: (i) => {
        const variables = at(i, 'Environment', 'Variables');
        return isItem(variables) ? JSON.stringify(Object.keys(variables).sort()) : null;
      },
    },
  ],
  async enrich(entry, call) {
    if (!isItem(entry)) return undefined;
    const out = await call('lambda', 'ListTags', { Resource: required(entry, 'FunctionArn') });
    return { ...entry, Tags: isItem(out['Tags']) ? out['Tags'] : {} };
  },
  // Environment variables hold secrets on real AWS (database passwords, API keys): keys only, values null.
  redact(item) {
    const environment = item['Environment'];
    if (!isItem(environment) || !isItem(environment['Variables'])) return item;
    const keysOnly = Object.fromEntries(Object.keys(environment['Variables']).map((k) => [k, null]));
    return { ...item, Environment: { ...environment, Variables: keysOnly } };
  },
};

export const rdsInstances: ResourceType = {
  name: 'rds_instances',
  title: 'RDS DB instances',
  service: 'rds',
  operation: 'DescribeDBInstances',
  listMember: ['DBInstances'],
  scope: 'regional',
  arnOf: (item, ctx) =>
    text(item['DBInstanceArn']) ??
    formatArn({
      partition: ctx.partition,
      service: 'rds',
      region: ctx.region,
      accountId: ctx.accountId,
      resource: `db:${required(item, 'DBInstanceIdentifier')}`,
    }),
  nameOf: (item) => text(item['DBInstanceIdentifier']),
  tagsOf: (item) => tagMap(item['TagList']),
  columns: [
    { name: 'engine', type: 'TEXT', value: (i) => text(i['Engine']) },
    { name: 'engine_version', type: 'TEXT', value: (i) => text(i['EngineVersion']) },
    { name: 'instance_class', type: 'TEXT', value: (i) => text(i['DBInstanceClass']) },
    { name: 'status', type: 'TEXT', value: (i) => text(i['DBInstanceStatus']) },
    { name: 'multi_az', type: 'INTEGER', value: (i) => flag(i['MultiAZ']) },
    { name: 'storage_gb', type: 'INTEGER', value: (i) => int(i['AllocatedStorage']) },
    { name: 'endpoint', type: 'TEXT', value: (i) => text(at(i, 'Endpoint', 'Address')) },
    { name: 'cluster_id', type: 'TEXT', value: (i) => text(i['DBClusterIdentifier']) },
  ],
};

/** DynamoDB lists table names only: DescribeTable gives the table, ListTagsOfResource its tags. */
export const dynamodbTables: ResourceType = {
  name: 'dynamodb_tables',
  title: 'DynamoDB tables',
  service: 'dynamodb',
  operation: 'ListTables',
  listMember: ['TableNames'],
  scope: 'regional',
  arnOf: (item, ctx) =>
    text(item['TableArn']) ??
    formatArn({
      partition: ctx.partition,
      service: 'dynamodb',
      region: ctx.region,
      accountId: ctx.accountId,
      resource: `table/${required(item, 'TableName')}`,
    }),
  nameOf: (item) => text(item['TableName']),
  tagsOf: (item) => tagMap(item['Tags']),
  columns: [
    { name: 'status', type: 'TEXT', value: (i) => text(i['TableStatus']) },
    { name: 'item_count', type: 'INTEGER', value: (i) => int(i['ItemCount']) },
    { name: 'size_bytes', type: 'INTEGER', value: (i) => int(i['TableSizeBytes']) },
    {
      name: 'billing_mode',
      type: 'TEXT',
      value: (i) => text(at(i, 'BillingModeSummary', 'BillingMode')) ?? 'PROVISIONED',
    },
    { name: 'deletion_protection', type: 'INTEGER', value: (i) => flag(i['DeletionProtectionEnabled']) },
    { name: 'created_at', type: 'TEXT', value: (i) => text(i['CreationDateTime']) },
  ],
  async enrich(entry, call, ctx) {
    if (typeof entry !== 'string') return undefined;
    let table: unknown;
    try {
      table = (await call('dynamodb', 'DescribeTable', { TableName: entry }))['Table'];
    } catch (err) {
      // Deleted between ListTables and DescribeTable: it is gone, not an error of the slice.
      if (awsErrorFacts(err).name === 'ResourceNotFoundException') return undefined;
      throw err;
    }
    if (!isItem(table)) return undefined;
    const arn =
      text(table['TableArn']) ??
      formatArn({
        partition: ctx.partition,
        service: 'dynamodb',
        region: ctx.region,
        accountId: ctx.accountId,
        resource: `table/${entry}`,
      });
    const tags = await call('dynamodb', 'ListTagsOfResource', { ResourceArn: arn });
    return { ...table, Tags: Array.isArray(tags['Tags']) ? tags['Tags'] : [] };
  },
};
