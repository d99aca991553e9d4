import { describe, expect, it } from 'vitest';
import { toRow } from './read-slice.js';
import { itemsAt, tagMap, type SliceContext } from './resource-type.js';
import { RESOURCE_TYPES, resolveResourceTypes } from './resource-types.js';
import { homeRegion, SlicePlan } from './slice-plan.js';
import { ec2Instances, ec2Volumes } from './types/ec2.js';
import { iamRoles, s3Buckets } from './types/s3-iam.js';
import { dynamodbTables, lambdaFunctions } from './types/workloads.js';

const ctx: SliceContext = { partition: 'aws', accountId: '222222222222', region: 'eu-west-1' };

describe('resource types', () => {
  it('at least ten, with unique table names in snake_case', () => {
    const names = RESOURCE_TYPES.map((t) => t.name);
    expect(names.length).toBeGreaterThanOrEqual(10);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(RESOURCE_TYPES.filter((t) => t.scope === 'global').map((t) => t.name)).toEqual([
      's3_buckets',
      'iam_roles',
      'iam_users',
    ]);
  });

  it('--types takes names and services, in table order; all or nothing is every type', () => {
    expect(resolveResourceTypes('lambda_functions,ec2_instances').map((t) => t.name)).toEqual([
      'ec2_instances',
      'lambda_functions',
    ]);
    expect(resolveResourceTypes('iam').map((t) => t.name)).toEqual(['iam_roles', 'iam_users']);
    expect(resolveResourceTypes(undefined)).toHaveLength(RESOURCE_TYPES.length);
    expect(resolveResourceTypes('all')).toHaveLength(RESOURCE_TYPES.length);
  });

  it('an unknown type is a usage error with the closest names', () => {
    expect(() => resolveResourceTypes('ec2_instance')).toThrow("Unknown resource type 'ec2_instance'");
    let caught: unknown;
    try {
      resolveResourceTypes('lamda_functions');
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({
      code: 'USAGE',
      hint: expect.stringMatching(/^Did you mean 'lambda_functions'\? Types: ec2_instances, /) as unknown,
    });
  });

  it('an EC2 instance: ARN built from parts, Name tag as name, handy columns, raw JSON', () => {
    const item = {
      InstanceId: 'i-0abc',
      InstanceType: 't3.micro',
      State: { Name: 'running' },
      Placement: { AvailabilityZone: 'eu-west-1a' },
      LaunchTime: new Date('2026-01-02T03:04:05Z'),
      Tags: [
        { Key: 'Name', Value: 'web' },
        { Key: 'team', Value: 'pay' },
      ],
    };
    const r = toRow(ec2Instances, item, ctx);
    expect(r).toMatchObject({
      region: 'eu-west-1',
      arn: 'arn:aws:ec2:eu-west-1:222222222222:instance/i-0abc',
      name: 'web',
      tags: '{"Name":"web","team":"pay"}',
    });
    const col = (name: string) => r.columns[ec2Instances.columns.findIndex((c) => c.name === name)];
    expect([col('state'), col('instance_type'), col('availability_zone'), col('launch_time')]).toEqual([
      'running',
      't3.micro',
      'eu-west-1a',
      '2026-01-02T03:04:05.000Z',
    ]);
    expect(JSON.parse(r.raw)).toMatchObject({ InstanceId: 'i-0abc', LaunchTime: '2026-01-02T03:04:05.000Z' });
  });

  it('a volume attached to an instance; a partition other than aws', () => {
    const r = toRow(
      ec2Volumes,
      { VolumeId: 'vol-1', Size: 8, Encrypted: true, Attachments: [{ InstanceId: 'i-1' }] },
      { ...ctx, partition: 'aws-cn', region: 'cn-north-1' },
    );
    expect(r.arn).toBe('arn:aws-cn:ec2:cn-north-1:222222222222:volume/vol-1');
    expect(r.columns.slice(0, 6)).toEqual(['vol-1', 8, null, null, 1, 'i-1']);
  });

  it('an item without its id fails the slice instead of making a wrong ARN', () => {
    expect(() => toRow(ec2Instances, { InstanceType: 't3.micro' }, ctx)).toThrow('the API answer has no InstanceId');
  });

  it("S3 buckets: global ARN, the bucket's own region; IAM roles: the trust policy decoded", () => {
    const bucket = toRow(
      s3Buckets,
      { Name: 'logs', BucketRegion: 'eu-central-1', TagSet: [{ Key: 'a', Value: 'b' }] },
      ctx,
    );
    expect(bucket).toMatchObject({ arn: 'arn:aws:s3:::logs', region: 'eu-central-1', tags: '{"a":"b"}' });
    const doc = encodeURIComponent('{"Version":"2012-10-17"}');
    const role = toRow(
      iamRoles,
      {
        RoleName: 'r',
        Path: '/service/',
        Arn: 'arn:aws:iam::222222222222:role/service/r',
        AssumeRolePolicyDocument: doc,
      },
      ctx,
    );
    expect(role).toMatchObject({ arn: 'arn:aws:iam::222222222222:role/service/r', region: 'global', name: 'r' });
    expect(role.columns[iamRoles.columns.findIndex((c) => c.name === 'trust_policy')]).toBe('{"Version":"2012-10-17"}');
    const built = toRow(iamRoles, { RoleName: 'r', Path: '/service/' }, ctx);
    expect(built.arn).toBe('arn:aws:iam::222222222222:role/service/r');
  });

  it('enrichment: Lambda tags from ListTags, DynamoDB from DescribeTable and ListTagsOfResource', async () => {
    const calls: string[] = [];
    const call = (service: string, operation: string, input: Record<string, unknown> = {}) => {
      calls.push(`${service}:${operation}:${JSON.stringify(input)}`);
      if (operation === 'ListTags') return Promise.resolve({ Tags: { team: 'pay' } });
      if (operation === 'DescribeTable')
        return Promise.resolve({
          Table: {
            TableName: 'orders',
            TableArn: 'arn:aws:dynamodb:eu-west-1:222222222222:table/orders',
            ItemCount: 5,
          },
        });
      return Promise.resolve({ Tags: [{ Key: 'k', Value: 'v' }] });
    };
    const fn = await lambdaFunctions.enrich?.(
      { FunctionName: 'f', FunctionArn: 'arn:aws:lambda:eu-west-1:222222222222:function:f' },
      call,
      ctx,
    );
    expect(fn?.['Tags']).toEqual({ team: 'pay' });
    const table = await dynamodbTables.enrich?.('orders', call, ctx);
    expect(table && toRow(dynamodbTables, table, ctx)).toMatchObject({
      arn: 'arn:aws:dynamodb:eu-west-1:222222222222:table/orders',
      name: 'orders',
      tags: '{"k":"v"}',
    });
    expect(calls).toEqual([
      'lambda:ListTags:{"Resource":"arn:aws:lambda:eu-west-1:222222222222:function:f"}',
      'dynamodb:DescribeTable:{"TableName":"orders"}',
      'dynamodb:ListTagsOfResource:{"ResourceArn":"arn:aws:dynamodb:eu-west-1:222222222222:table/orders"}',
    ]);
  });

  it('a table deleted between ListTables and DescribeTable is dropped; other errors fail the slice', async () => {
    const gone = Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' });
    await expect(dynamodbTables.enrich?.('old', () => Promise.reject(gone), ctx)).resolves.toBeUndefined();
    const denied = Object.assign(new Error('no'), { name: 'AccessDeniedException' });
    await expect(dynamodbTables.enrich?.('old', () => Promise.reject(denied), ctx)).rejects.toThrow('no');
  });

  it('S3: an untagged bucket (NoSuchTagSet) has no tags; the region from GetBucketLocation when ListBuckets has none', async () => {
    const noTags = Object.assign(new Error('The TagSet does not exist'), { name: 'NoSuchTagSet' });
    const seen: string[] = [];
    const call = (_s: string, operation: string, _i?: Record<string, unknown>, options?: { region?: string }) => {
      seen.push(`${operation}@${options?.region ?? ''}`);
      return operation === 'GetBucketLocation' ? Promise.resolve({ LocationConstraint: 'EU' }) : Promise.reject(noTags);
    };
    const item = await s3Buckets.enrich?.({ Name: 'old-bucket' }, call, ctx);
    expect(item).toMatchObject({ BucketRegion: 'eu-west-1', TagSet: [] });
    expect(seen).toEqual(['GetBucketLocation@eu-west-1', 'GetBucketTagging@eu-west-1']);
  });

  it('itemsAt flattens nested lists; tagMap reads both tag shapes', () => {
    expect(
      itemsAt({ Reservations: [{ Instances: [1, 2] }, { Instances: [3] }, {}] }, ['Reservations', 'Instances']),
    ).toEqual([1, 2, 3]);
    expect(tagMap([{ Key: 'a', Value: 'b' }, { Key: 'c' }])).toEqual({ a: 'b', c: '' });
    expect(tagMap({ a: 'b' })).toEqual({ a: 'b' });
  });
});

describe('slice plan', () => {
  it('global types go to the home target: the first region every account has', () => {
    expect(homeRegion(['ap-east-1', 'eu-west-1', 'us-east-1'])).toBe('eu-west-1');
    expect(homeRegion(['ap-east-1'])).toBe('ap-east-1');
    expect(homeRegion('all')).toBe('us-east-1');
  });

  it('types per target, and the slices a sync will report', () => {
    const account = {
      source: 'default',
      id: '222222222222',
      name: 'dev',
      color: 'green',
      tags: {},
      regions: ['us-east-1', 'eu-west-1'],
      roles: [],
      defaultRole: {
        key: 'r',
        name: 'r',
        arn: 'arn:aws:iam::222222222222:role/r',
        mfa: 'none' as const,
        confirm: false,
        profileName: '',
      },
    };
    const fa = { account, role: account.defaultRole };
    const plan = new SlicePlan(RESOURCE_TYPES, undefined);
    expect(plan.typesFor({ ...fa, region: 'us-east-1' })).toHaveLength(10);
    expect(plan.typesFor({ ...fa, region: 'eu-west-1' })).toHaveLength(7);
    expect(plan.expectedSlices([fa], 0)).toBe(17);
    expect(plan.sliceKey(s3Buckets, { ...fa, region: 'us-east-1' }).region).toBe('global');
    expect(plan.sliceKey(ec2Instances, { ...fa, region: '*' }).region).toBe('*');
  });
});
