import { DEFAULT_REGION } from '../../config/registry.js';
import { formatArn } from '../../arn.js';
import { awsErrorFacts } from '../../credentials/sts-errors.js';
import {
  GLOBAL_REGION,
  int,
  isItem,
  required,
  tagMap,
  text,
  type CallAws,
  type Item,
  type ResourceType,
} from '../resource-type.js';

/**
 * The account-wide resources: S3 buckets (one ListBuckets answers for every region) and IAM roles and users.
 * Their lists leave tags out, so each item costs one more call, as in the console.
 */

/** GetBucketLocation's answer: empty means us-east-1, `EU` is the old name of eu-west-1. */
function locationRegion(constraint: unknown): string {
  if (typeof constraint !== 'string' || constraint === '') return DEFAULT_REGION;
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

/** Tags of a bucket; NoSuchTagSet is S3's way of saying "no tags". */
async function bucketTags(call: CallAws, bucket: string, region: string): Promise<unknown[]> {
  try {
    const out = await call('s3', 'GetBucketTagging', { Bucket: bucket }, { region });
    return Array.isArray(out['TagSet']) ? out['TagSet'] : [];
  } catch (err) {
    if (awsErrorFacts(err).name === 'NoSuchTagSet') return [];
    throw err;
  }
}

export const s3Buckets: ResourceType = {
  name: 's3_buckets',
  title: 'S3 buckets',
  service: 's3',
  operation: 'ListBuckets',
  listMember: ['Buckets'],
  scope: 'global',
  arnOf: (item, ctx) => formatArn({ partition: ctx.partition, service: 's3', resource: required(item, 'Name') }),
  nameOf: (item) => text(item['Name']),
  tagsOf: (item) => tagMap(item['TagSet']),
  regionOf: (item) => text(item['BucketRegion']) ?? DEFAULT_REGION,
  columns: [{ name: 'creation_date', type: 'TEXT', value: (i) => text(i['CreationDate']) }],
  // The bucket's region from ListBuckets (BucketRegion) or GetBucketLocation; its tags from that region.
  async enrich(entry, call, ctx) {
    if (!isItem(entry)) return undefined;
    const name = required(entry, 'Name');
    const region =
      text(entry['BucketRegion']) ??
      locationRegion(
        (await call('s3', 'GetBucketLocation', { Bucket: name }, { region: ctx.region }))['LocationConstraint'],
      );
    return { ...entry, BucketRegion: region, TagSet: await bucketTags(call, name, region) };
  },
};

/** IAM's trust and permission documents come URL-encoded; the inventory keeps them as JSON text. */
function policyDocument(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

async function withTags(
  call: CallAws,
  operation: 'ListRoleTags' | 'ListUserTags',
  entry: unknown,
  nameKey: 'RoleName' | 'UserName',
): Promise<Item | undefined> {
  if (!isItem(entry)) return undefined;
  const out = await call('iam', operation, { [nameKey]: required(entry, nameKey) });
  return { ...entry, Tags: Array.isArray(out['Tags']) ? out['Tags'] : [] };
}

export const iamRoles: ResourceType = {
  name: 'iam_roles',
  title: 'IAM roles',
  service: 'iam',
  operation: 'ListRoles',
  listMember: ['Roles'],
  scope: 'global',
  arnOf: (item, ctx) =>
    text(item['Arn']) ??
    formatArn({
      partition: ctx.partition,
      service: 'iam',
      accountId: ctx.accountId,
      resource: `role${text(item['Path']) ?? '/'}${required(item, 'RoleName')}`,
    }),
  nameOf: (item) => text(item['RoleName']),
  tagsOf: (item) => tagMap(item['Tags']),
  regionOf: () => GLOBAL_REGION,
  columns: [
    { name: 'role_id', type: 'TEXT', value: (i) => text(i['RoleId']) },
    { name: 'path', type: 'TEXT', value: (i) => text(i['Path']) },
    { name: 'description', type: 'TEXT', value: (i) => text(i['Description']) },
    { name: 'create_date', type: 'TEXT', value: (i) => text(i['CreateDate']) },
    { name: 'max_session_duration', type: 'INTEGER', value: (i) => int(i['MaxSessionDuration']) },
    { name: 'trust_policy', type: 'TEXT', value: (i) => policyDocument(i['AssumeRolePolicyDocument']) },
  ],
  enrich: (entry, call) => withTags(call, 'ListRoleTags', entry, 'RoleName'),
};

export const iamUsers: ResourceType = {
  name: 'iam_users',
  title: 'IAM users',
  service: 'iam',
  operation: 'ListUsers',
  listMember: ['Users'],
  scope: 'global',
  arnOf: (item, ctx) =>
    text(item['Arn']) ??
    formatArn({
      partition: ctx.partition,
      service: 'iam',
      accountId: ctx.accountId,
      resource: `user${text(item['Path']) ?? '/'}${required(item, 'UserName')}`,
    }),
  nameOf: (item) => text(item['UserName']),
  tagsOf: (item) => tagMap(item['Tags']),
  regionOf: () => GLOBAL_REGION,
  columns: [
    { name: 'user_id', type: 'TEXT', value: (i) => text(i['UserId']) },
    { name: 'path', type: 'TEXT', value: (i) => text(i['Path']) },
    { name: 'create_date', type: 'TEXT', value: (i) => text(i['CreateDate']) },
    { name: 'password_last_used', type: 'TEXT', value: (i) => text(i['PasswordLastUsed']) },
  ],
  enrich: (entry, call) => withTags(call, 'ListUserTags', entry, 'UserName'),
};
