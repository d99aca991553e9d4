import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  ListBucketsCommand,
  S3Client,
  paginateListBuckets,
} from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import {
  DEVELOPMENT,
  MANAGEMENT,
  PRODUCTION,
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

const s3 = (creds: AwsCredentialIdentity, region = 'us-east-1') =>
  new S3Client({ ...clientConfig(sb, creds, region), forcePathStyle: true });
const bucketNames = (accountId: string) => (sb.world.accounts[accountId]?.buckets ?? []).map((b) => b.name).sort();

describe('ListBuckets', () => {
  it("lists the caller account's buckets with their owner", async () => {
    const out = await s3(dev).send(new ListBucketsCommand({}));
    expect(out.Buckets?.map((b) => b.Name)).toEqual([
      `development-assets-${DEVELOPMENT}`,
      `development-logs-${DEVELOPMENT}`,
    ]);
    expect(out.Buckets?.[0]?.BucketRegion).toBe('eu-west-1');
    expect(out.Buckets?.[0]?.CreationDate).toBeInstanceOf(Date);
    expect(out.Owner?.DisplayName).toBe('development');
    expect(out.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    expect(out.ContinuationToken).toBeUndefined();
  });

  it('answers per account: production sees its own buckets and another canonical id', async () => {
    const [devOut, prodOut] = await Promise.all([
      s3(dev).send(new ListBucketsCommand({})),
      s3(prod, 'eu-west-1').send(new ListBucketsCommand({})),
    ]);
    expect(prodOut.Buckets?.map((b) => b.Name)).toEqual(bucketNames(PRODUCTION));
    expect(prodOut.Owner?.ID).not.toBe(devOut.Owner?.ID);
  });

  it('gives the management account (bob, long-term keys) an empty list', async () => {
    const out = await s3(keysOf(sb, 'bob')).send(new ListBucketsCommand({}));
    expect(out.Buckets ?? []).toEqual([]);
    expect(sb.world.accounts[MANAGEMENT]?.buckets).toEqual([]);
  });

  it('denies a role without s3:ListAllMyBuckets with S3 wording', async () => {
    const ec2Only = await limitedSession(sb, DEVELOPMENT, 'Ec2OnlyAuditor', ['ec2:Describe*']);
    const f = await failure(s3(ec2Only).send(new ListBucketsCommand({})));
    expect(f).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:sts::${DEVELOPMENT}:assumed-role/Ec2OnlyAuditor/test-session is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action`,
    });
  });

  it('accepts a policy that grants ListAllMyBuckets on arn:aws:s3:::*', async () => {
    const role = await limitedSession(sb, DEVELOPMENT, 'BucketLister', ['s3:ListAllMyBuckets']);
    const policy = sb.world.accounts[DEVELOPMENT]?.iam.roles['BucketLister'];
    if (policy)
      policy.inlinePolicies['only'] = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: 'arn:aws:s3:::*' }],
      });
    expect((await s3(role).send(new ListBucketsCommand({}))).Buckets).toHaveLength(2);
  });
});

describe('ListBuckets paging and filters', () => {
  it('pages with MaxBuckets and ContinuationToken, and with the SDK paginator', async () => {
    const first = await s3(dev).send(new ListBucketsCommand({ MaxBuckets: 1 }));
    expect(first.Buckets?.map((b) => b.Name)).toEqual([`development-assets-${DEVELOPMENT}`]);
    expect(first.ContinuationToken).toBeTruthy();
    const second = await s3(dev).send(
      new ListBucketsCommand({ MaxBuckets: 1, ContinuationToken: first.ContinuationToken }),
    );
    expect(second.Buckets?.map((b) => b.Name)).toEqual([`development-logs-${DEVELOPMENT}`]);
    expect(second.ContinuationToken).toBeUndefined();
    const names: string[] = [];
    for await (const page of paginateListBuckets({ client: s3(dev), pageSize: 1 }, {}))
      names.push(...(page.Buckets ?? []).map((b) => b.Name ?? ''));
    expect(names).toEqual(bucketNames(DEVELOPMENT));
  });

  it('filters by Prefix and BucketRegion', async () => {
    const byPrefix = await s3(dev).send(new ListBucketsCommand({ Prefix: 'development-logs' }));
    expect(byPrefix.Buckets?.map((b) => b.Name)).toEqual([`development-logs-${DEVELOPMENT}`]);
    expect(byPrefix.Prefix).toBe('development-logs');
    const byRegion = await s3(dev).send(new ListBucketsCommand({ BucketRegion: 'eu-west-1' }));
    expect(byRegion.Buckets?.map((b) => b.BucketRegion)).toEqual(['eu-west-1']);
    expect((await s3(dev).send(new ListBucketsCommand({ Prefix: 'nothing-' }))).Buckets ?? []).toEqual([]);
  });

  it('refuses a bad continuation token and a bad max-buckets', async () => {
    const token = await failure(s3(dev).send(new ListBucketsCommand({ ContinuationToken: 'garbage' })));
    expect(token).toMatchObject({ name: 'InvalidArgument', status: 400 });
    expect((await failure(s3(dev).send(new ListBucketsCommand({ MaxBuckets: 20_000 })))).name).toBe('InvalidArgument');
  });
});

describe('GetBucketLocation and GetBucketTagging (path-style)', () => {
  it('gives the region of a bucket: empty for us-east-1', async () => {
    const eu = await s3(dev).send(new GetBucketLocationCommand({ Bucket: `development-assets-${DEVELOPMENT}` }));
    expect(eu.LocationConstraint).toBe('eu-west-1');
    const us = await s3(dev).send(new GetBucketLocationCommand({ Bucket: `development-logs-${DEVELOPMENT}` }));
    expect(us.LocationConstraint ?? '').toBe('');
  });

  it('addresses buckets path-style on an IP endpoint even without forcePathStyle', async () => {
    const client = new S3Client(clientConfig(sb, dev));
    expect(
      (await client.send(new GetBucketLocationCommand({ Bucket: `development-assets-${DEVELOPMENT}` })))
        .LocationConstraint,
    ).toBe('eu-west-1');
  });

  it("denies another account's bucket and does not find an unknown one", async () => {
    const other = await failure(
      s3(dev).send(new GetBucketLocationCommand({ Bucket: `production-logs-${PRODUCTION}` })),
    );
    expect(other).toMatchObject({ name: 'AccessDenied', status: 403 });
    const none = await failure(s3(dev).send(new GetBucketLocationCommand({ Bucket: 'no-such-bucket-anywhere' })));
    expect(none).toMatchObject({ name: 'NoSuchBucket', status: 404, message: 'The specified bucket does not exist' });
  });

  it('reads bucket tags, and denies a role without s3:GetBucketTagging', async () => {
    const out = await s3(dev).send(new GetBucketTaggingCommand({ Bucket: `development-logs-${DEVELOPMENT}` }));
    expect(out.TagSet).toEqual([{ Key: 'stage', Value: 'dev' }]);
    const ec2Only = await limitedSession(sb, DEVELOPMENT, 'Ec2OnlyAuditor', ['ec2:Describe*']);
    const f = await failure(
      s3(ec2Only).send(new GetBucketTaggingCommand({ Bucket: `development-logs-${DEVELOPMENT}` })),
    );
    expect(f.name).toBe('AccessDenied');
    expect(f.message).toContain(`s3:GetBucketTagging on resource: "arn:aws:s3:::development-logs-${DEVELOPMENT}"`);
  });
});

describe('bucket regions (issue 9 item 21)', () => {
  const assets = `development-assets-${DEVELOPMENT}`; // eu-west-1

  it('answers a request signed for another region with 301 PermanentRedirect, as AWS does', async () => {
    const res = await s3(dev)
      .send(new GetBucketTaggingCommand({ Bucket: assets }))
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    const err = res as {
      name?: string;
      Endpoint?: string;
      Bucket?: string;
      $metadata?: { httpStatusCode?: number };
      $response?: { headers?: Record<string, string> };
    };
    expect(err.name).toBe('PermanentRedirect');
    expect(err.$metadata?.httpStatusCode).toBe(301);
    expect(err.$response?.headers?.['x-amz-bucket-region']).toBe('eu-west-1');
    expect(err.Endpoint).toBe(`${assets}.s3.eu-west-1.amazonaws.com`);
    expect(err.Bucket).toBe(assets);
  });

  it('answers the same request signed for the bucket region', async () => {
    const out = await s3(dev, 'eu-west-1').send(new GetBucketTaggingCommand({ Bucket: assets }));
    expect(out.TagSet).toEqual([{ Key: 'stage', Value: 'dev' }]);
  });

  it('lets an SDK client with followRegionRedirects follow it', async () => {
    const client = new S3Client({ ...clientConfig(sb, dev), forcePathStyle: true, followRegionRedirects: true });
    expect((await client.send(new GetBucketTaggingCommand({ Bucket: assets }))).TagSet).toEqual([
      { Key: 'stage', Value: 'dev' },
    ]);
  });

  it("redirects before it authorizes: another account's bucket in another region is a redirect too", async () => {
    const other = await failure(
      s3(dev, 'us-east-1').send(new GetBucketTaggingCommand({ Bucket: `production-assets-${PRODUCTION}` })),
    );
    expect(other).toMatchObject({ name: 'PermanentRedirect', status: 301 });
    const denied = await failure(
      s3(dev, 'eu-west-1').send(new GetBucketTaggingCommand({ Bucket: `production-assets-${PRODUCTION}` })),
    );
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('still answers GetBucketLocation from any region', async () => {
    const out = await s3(dev, 'ap-southeast-2').send(new GetBucketLocationCommand({ Bucket: assets }));
    expect(out.LocationConstraint).toBe('eu-west-1');
  });
});

describe('the AWS CLI', () => {
  it('s3api list-buckets with a member session', async () => {
    const out = await runAwsCli(sb, dev, ['s3api', 'list-buckets']);
    expect(out.stderr).toBe('');
    const parsed = JSON.parse(out.stdout) as {
      Buckets: { Name: string; BucketRegion: string }[];
      Owner: { ID: string };
    };
    expect(parsed.Buckets.map((b) => b.Name)).toEqual(bucketNames(DEVELOPMENT));
    expect(parsed.Owner.ID).toMatch(/^[0-9a-f]{64}$/);
  });

  it('s3 ls prints the buckets', async () => {
    const out = await runAwsCli(sb, prod, ['s3', 'ls']);
    expect(out.code).toBe(0);
    const names = out.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/).pop());
    expect(names).toEqual(bucketNames(PRODUCTION));
  });

  // Known protocol-layer bug (src/sandbox/protocol/rest-xml-output.ts): GetBucketLocation is sent as
  // <LocationConstraint><LocationConstraint>eu-west-1</LocationConstraint></LocationConstraint>; AWS sends
  // the value as the root element's text, which is all botocore reads. The JS SDK happens to accept both.
  it('s3api get-bucket-location with path-style addressing', async () => {
    const out = await runAwsCli(sb, dev, [
      's3api',
      'get-bucket-location',
      '--bucket',
      `development-assets-${DEVELOPMENT}`,
    ]);
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual({ LocationConstraint: 'eu-west-1' });
  });

  it('s3api get-bucket-tagging follows the redirect to the bucket region, as botocore does on AWS', async () => {
    const out = await runAwsCli(sb, dev, [
      's3api',
      'get-bucket-tagging',
      '--bucket',
      `development-assets-${DEVELOPMENT}`,
    ]);
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual({ TagSet: [{ Key: 'stage', Value: 'dev' }] });
  });

  it('s3 ls is denied for a role without the permission', async () => {
    const ec2Only = await limitedSession(sb, DEVELOPMENT, 'Ec2OnlyAuditor', ['ec2:Describe*']);
    const out = await runAwsCli(sb, ec2Only, ['s3', 'ls']);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('An error occurred (AccessDenied) when calling the ListBuckets operation: User: ');
  });
});
