import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { isRecord } from '../model/is-record.js';
import { loadServiceModel } from '../model/service-model.js';
import { encodeOutput, type EncodedResponse } from './encode-output.js';
import { serializeError } from './errors.js';

/**
 * The AWS CLI reads responses with botocore's parsers. This hands our bytes to those parsers, with the
 * service models botocore itself ships (not our vendored copies), and returns what they parsed. Dates come
 * back as ISO strings with a +00:00 offset.
 */
const PARSE_WITH_BOTOCORE = `
import json, sys
import botocore.session, botocore.parsers
from botocore.awsrequest import HeadersDict
session = botocore.session.get_session()
results = []
for case in json.load(sys.stdin):
    model = session.get_service_model(case['service'])
    operation = model.operation_model(case['operation'])
    parser = botocore.parsers.create_parser(model.resolved_protocol)
    response = {'status_code': case['status'], 'headers': HeadersDict(case['headers']), 'body': case['body'].encode('utf-8')}
    results.append(parser.parse(response, operation.output_shape))
print(json.dumps(results, default=lambda value: value.isoformat()))
`;

interface Case {
  service: string;
  operation: string;
  response: EncodedResponse;
}

function parseWithBotocore(cases: Case[]): unknown[] {
  const input = JSON.stringify(
    cases.map(({ service, operation, response }) => ({
      service,
      operation,
      status: response.status,
      headers: response.headers,
      body: response.body,
    })),
  );
  const run = spawnSync('python3', ['-c', PARSE_WITH_BOTOCORE], { input, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`botocore could not parse: ${run.stderr}`);
  const parsed: unknown = JSON.parse(run.stdout);
  if (!Array.isArray(parsed)) throw new Error(`unexpected botocore output: ${run.stdout}`);
  return parsed;
}

const created = new Date('2024-02-03T04:05:06.789Z');

describe('botocore (the AWS CLI) accepts what the wire layer writes', () => {
  const cases: Case[] = [
    {
      service: 'sts',
      operation: 'AssumeRole',
      response: encodeOutput(
        loadServiceModel('sts'),
        'AssumeRole',
        {
          Credentials: {
            AccessKeyId: 'ASIA1',
            SecretAccessKey: 's',
            SessionToken: 't',
            Expiration: new Date('2026-11-23T14:00:00Z'),
          },
          AssumedRoleUser: { AssumedRoleId: 'AROA1:me', Arn: 'arn:aws:sts::2:assumed-role/R/me' },
        },
        'rid-1',
      ),
    },
    {
      service: 'iam',
      operation: 'ListRoles',
      response: encodeOutput(
        loadServiceModel('iam'),
        'ListRoles',
        {
          Roles: [
            {
              Path: '/',
              RoleName: 'R',
              RoleId: 'AROA1',
              Arn: 'arn:aws:iam::1:role/R',
              CreateDate: created,
              Tags: [{ Key: 'k', Value: 'v' }],
            },
          ],
          IsTruncated: true,
          Marker: 'm',
        },
        'rid-2',
      ),
    },
    {
      service: 'ec2',
      operation: 'DescribeInstances',
      response: encodeOutput(
        loadServiceModel('ec2'),
        'DescribeInstances',
        {
          Reservations: [
            {
              ReservationId: 'r-1',
              Instances: [
                {
                  InstanceId: 'i-1',
                  State: { Code: 16, Name: 'running' },
                  Tags: [{ Key: 'Name', Value: 'web' }],
                  LaunchTime: created,
                },
              ],
            },
          ],
        },
        'rid-3',
      ),
    },
    {
      service: 'organizations',
      operation: 'ListAccounts',
      response: encodeOutput(
        loadServiceModel('organizations'),
        'ListAccounts',
        { Accounts: [{ Id: '111111111111', Name: 'Dev', JoinedTimestamp: created }] },
        'rid-4',
      ),
    },
    {
      service: 's3',
      operation: 'ListBuckets',
      response: encodeOutput(
        loadServiceModel('s3'),
        'ListBuckets',
        { Buckets: [{ Name: 'logs', CreationDate: created }], Owner: { ID: 'o' } },
        'rid-5',
      ),
    },
    {
      service: 'iam',
      operation: 'GetRole',
      response: serializeError(
        loadServiceModel('iam'),
        { code: 'NoSuchEntity', message: 'Role R not found', status: 404 },
        'rid-6',
      ),
    },
    {
      service: 'ec2',
      operation: 'DescribeRegions',
      response: serializeError(
        loadServiceModel('ec2'),
        { code: 'AuthFailure', message: 'Not validated', status: 401 },
        'rid-7',
      ),
    },
    {
      service: 'organizations',
      operation: 'ListAccounts',
      response: serializeError(
        loadServiceModel('organizations'),
        { code: 'AccessDeniedException', message: 'No access', status: 400 },
        'rid-8',
      ),
    },
    {
      service: 's3',
      operation: 'ListBuckets',
      response: serializeError(
        loadServiceModel('s3'),
        { code: 'AccessDenied', message: 'Access Denied', status: 403 },
        'rid-9',
      ),
    },
  ];

  let results: unknown[] = [];
  beforeAll(() => {
    results = parseWithBotocore(cases);
  });
  const result = (i: number): Record<string, unknown> => {
    const value = results[i];
    if (!isRecord(value)) throw new Error(`botocore gave no object for case ${i}`);
    return value;
  };

  it('parses query output: STS AssumeRole and IAM ListRoles', () => {
    expect(result(0)).toMatchObject({
      Credentials: { AccessKeyId: 'ASIA1', Expiration: '2026-11-23T14:00:00+00:00' },
      AssumedRoleUser: { Arn: 'arn:aws:sts::2:assumed-role/R/me' },
      ResponseMetadata: { RequestId: 'rid-1' },
    });
    expect(result(1)).toMatchObject({
      Roles: [{ RoleName: 'R', CreateDate: '2024-02-03T04:05:06.789000+00:00', Tags: [{ Key: 'k', Value: 'v' }] }],
      IsTruncated: true,
      Marker: 'm',
    });
  });

  it('parses ec2 output: DescribeInstances', () => {
    expect(result(2)).toMatchObject({
      Reservations: [
        {
          ReservationId: 'r-1',
          Instances: [
            { InstanceId: 'i-1', State: { Code: 16, Name: 'running' }, Tags: [{ Key: 'Name', Value: 'web' }] },
          ],
        },
      ],
      ResponseMetadata: { RequestId: 'rid-3' },
    });
  });

  it('parses json output: Organizations ListAccounts with an epoch timestamp', () => {
    expect(result(3)).toMatchObject({
      Accounts: [{ Id: '111111111111', JoinedTimestamp: '2024-02-03T04:05:06.789000+00:00' }],
      ResponseMetadata: { RequestId: 'rid-4' },
    });
  });

  it('parses rest-xml output: S3 ListBuckets', () => {
    expect(result(4)).toMatchObject({
      Buckets: [{ Name: 'logs', CreationDate: '2024-02-03T04:05:06.789000+00:00' }],
      Owner: { ID: 'o' },
      ResponseMetadata: { RequestId: 'rid-5' },
    });
  });

  it('parses errors of every protocol with their code, message and request id', () => {
    expect(result(5)).toMatchObject({
      Error: { Code: 'NoSuchEntity', Message: 'Role R not found', Type: 'Sender' },
      ResponseMetadata: { RequestId: 'rid-6', HTTPStatusCode: 404 },
    });
    expect(result(6)).toMatchObject({
      Error: { Code: 'AuthFailure', Message: 'Not validated' },
      ResponseMetadata: { RequestId: 'rid-7' },
    });
    expect(result(7)).toMatchObject({
      Error: { Code: 'AccessDeniedException', Message: 'No access' },
      ResponseMetadata: { RequestId: 'rid-8' },
    });
    expect(result(8)).toMatchObject({
      Error: { Code: 'AccessDenied', Message: 'Access Denied' },
      ResponseMetadata: { RequestId: 'rid-9' },
    });
  });
});
