import {
  GetBucketTaggingCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceModel } from '../model/service-model.js';
import { encodeOutput } from './encode-output.js';
import { startFakeEndpoint, type FakeEndpoint } from '../../../test/helpers/fake-endpoint.js';
import { serializeRestXmlOutput } from './rest-xml-output.js';

const s3 = loadServiceModel('s3');

let endpoint: FakeEndpoint;
beforeAll(async () => {
  endpoint = await startFakeEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});

function client(): S3Client {
  return new S3Client({
    endpoint: endpoint.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
}

const created = new Date('2025-03-04T05:06:07.000Z');

describe('serializeRestXmlOutput, judged by the SDK', () => {
  it('S3 ListBuckets: Buckets/Bucket, Owner, ISO timestamps', async () => {
    const output = {
      Buckets: [
        { Name: 'logs', CreationDate: created, BucketRegion: 'eu-west-1' },
        { Name: 'data', CreationDate: new Date('2025-01-01T00:00:00.123Z') },
      ],
      Owner: { ID: 'abc123', DisplayName: 'me' },
    };
    endpoint.answer(encodeOutput(s3, 'ListBuckets', output, 'req-s3-1'));
    const result = await client().send(new ListBucketsCommand({}));
    expect(result.Buckets).toEqual(output.Buckets);
    expect(result.Owner).toEqual(output.Owner);
    expect(result.$metadata.requestId).toBe('req-s3-1');
  });

  it('S3 ListObjectsV2: a flattened list (Contents) and numbers', async () => {
    const output = {
      Name: 'logs',
      Prefix: 'a/',
      KeyCount: 2,
      MaxKeys: 1000,
      IsTruncated: false,
      Contents: [
        { Key: 'a/1.txt', LastModified: created, ETag: '"e1"', Size: 12, StorageClass: 'STANDARD' },
        { Key: 'a/2 & 3.txt', LastModified: created, ETag: '"e2"', Size: 0, StorageClass: 'STANDARD' },
      ],
      CommonPrefixes: [{ Prefix: 'a/b/' }],
    };
    endpoint.answer(encodeOutput(s3, 'ListObjectsV2', output, 'req-s3-2'));
    const result = await client().send(new ListObjectsV2Command({ Bucket: 'logs', Prefix: 'a/' }));
    expect(result.Contents).toEqual(output.Contents);
    expect(result.CommonPrefixes).toEqual(output.CommonPrefixes);
    expect(result).toMatchObject({ Name: 'logs', KeyCount: 2, MaxKeys: 1000, IsTruncated: false });
  });

  it('S3 GetBucketTagging: a TagSet of <Tag>', async () => {
    endpoint.answer(encodeOutput(s3, 'GetBucketTagging', { TagSet: [{ Key: 'team', Value: 'ops' }] }, 'req-s3-3'));
    const result = await client().send(new GetBucketTaggingCommand({ Bucket: 'logs' }));
    expect(result.TagSet).toEqual([{ Key: 'team', Value: 'ops' }]);
  });

  it('S3 HeadBucket: header members go in headers, not in a body', async () => {
    const answer = encodeOutput(s3, 'HeadBucket', { BucketRegion: 'eu-west-1', AccessPointAlias: false }, 'req-s3-4');
    expect(answer.body).toBe('');
    expect(answer.headers['x-amz-bucket-region']).toBe('eu-west-1');
    endpoint.answer(answer);
    const result = await client().send(new HeadBucketCommand({ Bucket: 'logs' }));
    expect(result.BucketRegion).toBe('eu-west-1');
    expect(result.AccessPointAlias).toBe(false);
  });
});

describe('serializeRestXmlOutput, the bytes', () => {
  it('names the root as AWS does and puts it in the S3 namespace', () => {
    const xml = serializeRestXmlOutput(s3, 'ListBuckets', { Buckets: [{ Name: 'b', CreationDate: created }] });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets><Bucket><Name>b</Name><CreationDate>2025-03-04T05:06:07Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>',
    );
  });

  it('writes flattened lists without a wrapper', () => {
    const xml = serializeRestXmlOutput(s3, 'ListObjectsV2', { Contents: [{ Key: 'k1' }, { Key: 'k2' }] });
    expect(xml).toContain(
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Contents><Key>k1</Key></Contents><Contents><Key>k2</Key></Contents></ListBucketResult>',
    );
  });

  it('writes a structure payload as the root element', () => {
    const xml = serializeRestXmlOutput(s3, 'GetBucketPolicyStatus', { PolicyStatus: { IsPublic: true } });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<PolicyStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsPublic>true</IsPublic></PolicyStatus>',
    );
  });

  it('writes xmlAttribute members as attributes with their namespace', () => {
    const grant = { Grantee: { Type: 'CanonicalUser', ID: 'abc' }, Permission: 'FULL_CONTROL' };
    const xml = serializeRestXmlOutput(s3, 'GetBucketAcl', { Owner: { ID: 'abc' }, Grants: [grant] });
    expect(xml).toContain(
      '<AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>abc</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList>',
    );
  });
});
