import { DescribeInstancesCommand, DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetAccountAuthorizationDetailsCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceModel } from '../model/service-model.js';
import { encodeOutput } from './encode-output.js';
import { startFakeEndpoint, type FakeEndpoint } from '../../../test/helpers/fake-endpoint.js';
import { serializeQueryOutput } from './query-output.js';

const sts = loadServiceModel('sts');
const iam = loadServiceModel('iam');
const ec2 = loadServiceModel('ec2');

let endpoint: FakeEndpoint;
beforeAll(async () => {
  endpoint = await startFakeEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});

function clientConfig() {
  return {
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
    maxAttempts: 1,
  };
}

const expiration = new Date('2026-11-23T14:00:00Z');
const created = new Date('2024-02-03T04:05:06.789Z');
const trustPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }],
});

describe('serializeQueryOutput for the query protocol, judged by the SDK', () => {
  it('STS AssumeRole: nested structures and a timestamp', async () => {
    const output = {
      Credentials: {
        AccessKeyId: 'ASIAEXAMPLE',
        SecretAccessKey: 'secret',
        SessionToken: 'token<&>\'"\r\n',
        Expiration: expiration,
      },
      AssumedRoleUser: { AssumedRoleId: 'AROAEXAMPLE:me', Arn: 'arn:aws:sts::222222222222:assumed-role/Admin/me' },
      PackedPolicySize: 6,
      SourceIdentity: 'alice',
    };
    endpoint.answer(encodeOutput(sts, 'AssumeRole', output, 'req-sts-1'));
    const client = new STSClient(clientConfig());
    const result = await client.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/Admin', RoleSessionName: 'me' }),
    );
    expect(result.Credentials?.Expiration).toEqual(expiration);
    expect(result.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(result.Credentials?.SessionToken).toBe('token<&>\'"\r\n');
    expect(result.AssumedRoleUser?.Arn).toBe('arn:aws:sts::222222222222:assumed-role/Admin/me');
    expect(result.PackedPolicySize).toBe(6);
    expect(result.SourceIdentity).toBe('alice');
    expect(result.$metadata.requestId).toBe('req-sts-1');
  });

  it('STS GetCallerIdentity', async () => {
    endpoint.answer(
      encodeOutput(
        sts,
        'GetCallerIdentity',
        { UserId: 'AIDAEXAMPLE', Account: '111111111111', Arn: 'arn:aws:iam::111111111111:user/alice' },
        'req-sts-2',
      ),
    );
    const result = await new STSClient(clientConfig()).send(new GetCallerIdentityCommand({}));
    expect(result).toMatchObject({
      UserId: 'AIDAEXAMPLE',
      Account: '111111111111',
      Arn: 'arn:aws:iam::111111111111:user/alice',
    });
  });

  it('IAM ListRoles: lists as <member>, booleans and the pagination marker', async () => {
    const role = (name: string) => ({
      Path: '/',
      RoleName: name,
      RoleId: `AROA${name.toUpperCase()}`,
      Arn: `arn:aws:iam::111111111111:role/${name}`,
      CreateDate: created,
      MaxSessionDuration: 3600,
      Tags: [{ Key: 'team', Value: 'ops' }],
    });
    endpoint.answer(
      encodeOutput(
        iam,
        'ListRoles',
        { Roles: [role('a'), role('b')], IsTruncated: true, Marker: 'next+page/=' },
        'req-iam-1',
      ),
    );
    const result = await new IAMClient(clientConfig()).send(new ListRolesCommand({ MaxItems: 2 }));
    expect(result.Roles?.map((r) => r.RoleName)).toEqual(['a', 'b']);
    expect(result.Roles?.[0]?.CreateDate).toEqual(created);
    expect(result.Roles?.[1]?.Tags).toEqual([{ Key: 'team', Value: 'ops' }]);
    expect(result.Roles?.[0]?.MaxSessionDuration).toBe(3600);
    expect(result.IsTruncated).toBe(true);
    expect(result.Marker).toBe('next+page/=');
  });

  it('IAM ListRoles: an empty list stays a list, false stays false', async () => {
    endpoint.answer(encodeOutput(iam, 'ListRoles', { Roles: [], IsTruncated: false }, 'req-iam-2'));
    const result = await new IAMClient(clientConfig()).send(new ListRolesCommand({}));
    expect(result.Roles).toEqual([]);
    expect(result.IsTruncated).toBe(false);
    expect(result.Marker).toBeUndefined();
  });

  it('IAM GetAccountAuthorizationDetails: nested lists and URL-encoded policy documents', async () => {
    const encoded = encodeURIComponent(trustPolicy);
    const output = {
      RoleDetailList: [
        {
          RoleName: 'Admin',
          Arn: 'arn:aws:iam::111111111111:role/Admin',
          CreateDate: created,
          AssumeRolePolicyDocument: encoded,
          RolePolicyList: [{ PolicyName: 'inline', PolicyDocument: encoded }],
          AttachedManagedPolicies: [
            { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
          ],
          InstanceProfileList: [],
        },
      ],
      Policies: [
        {
          PolicyName: 'p',
          Arn: 'arn:aws:iam::111111111111:policy/p',
          PolicyVersionList: [{ Document: encoded, VersionId: 'v1', IsDefaultVersion: true, CreateDate: created }],
        },
      ],
      UserDetailList: [],
      GroupDetailList: [],
      IsTruncated: false,
    };
    endpoint.answer(encodeOutput(iam, 'GetAccountAuthorizationDetails', output, 'req-iam-3'));
    const result = await new IAMClient(clientConfig()).send(new GetAccountAuthorizationDetailsCommand({}));
    const detail = result.RoleDetailList?.[0];
    expect(detail?.AssumeRolePolicyDocument).toBe(encoded); // the SDK does not decode: callers do
    expect(JSON.parse(decodeURIComponent(detail?.AssumeRolePolicyDocument ?? ''))).toEqual(JSON.parse(trustPolicy));
    expect(detail?.RolePolicyList).toEqual([{ PolicyName: 'inline', PolicyDocument: encoded }]);
    expect(detail?.AttachedManagedPolicies?.[0]?.PolicyArn).toBe('arn:aws:iam::aws:policy/ReadOnlyAccess');
    expect(detail?.InstanceProfileList).toEqual([]);
    expect(result.Policies?.[0]?.PolicyVersionList?.[0]).toEqual({
      Document: encoded,
      VersionId: 'v1',
      IsDefaultVersion: true,
      CreateDate: created,
    });
    expect(result.UserDetailList).toEqual([]);
  });
});

describe('serializeQueryOutput for the ec2 protocol, judged by the SDK', () => {
  it('DescribeInstances: reservationSet, instancesSet, tagSet, integers and timestamps', async () => {
    const instance = (id: string) => ({
      InstanceId: id,
      InstanceType: 't3.micro',
      LaunchTime: created,
      State: { Code: 16, Name: 'running' },
      Tags: [{ Key: 'Name', Value: `web-${id}` }],
      EbsOptimized: false,
      Placement: { AvailabilityZone: 'us-east-1a' },
    });
    const output = {
      Reservations: [{ ReservationId: 'r-1', OwnerId: '111111111111', Instances: [instance('i-1'), instance('i-2')] }],
      NextToken: 'tok',
    };
    endpoint.answer(encodeOutput(ec2, 'DescribeInstances', output, 'req-ec2-1'));
    const result = await new EC2Client(clientConfig()).send(new DescribeInstancesCommand({}));
    const instances = result.Reservations?.[0]?.Instances;
    expect(result.Reservations?.[0]?.OwnerId).toBe('111111111111');
    expect(instances?.map((i) => i.InstanceId)).toEqual(['i-1', 'i-2']);
    expect(instances?.[0]?.State).toEqual({ Code: 16, Name: 'running' });
    expect(instances?.[1]?.Tags).toEqual([{ Key: 'Name', Value: 'web-i-2' }]);
    expect(instances?.[0]?.LaunchTime).toEqual(created);
    expect(instances?.[0]?.EbsOptimized).toBe(false);
    expect(instances?.[0]?.Placement?.AvailabilityZone).toBe('us-east-1a');
    expect(result.NextToken).toBe('tok');
    expect(result.$metadata.requestId).toBe('req-ec2-1');
  });

  it('DescribeRegions: regionInfo items', async () => {
    const output = {
      Regions: [
        { RegionName: 'us-east-1', Endpoint: 'ec2.us-east-1.amazonaws.com', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'eu-west-1', Endpoint: 'ec2.eu-west-1.amazonaws.com' },
      ],
    };
    endpoint.answer(encodeOutput(ec2, 'DescribeRegions', output, 'req-ec2-2'));
    const result = await new EC2Client(clientConfig()).send(new DescribeRegionsCommand({}));
    expect(result.Regions).toEqual(output.Regions);
  });
});

describe('serializeQueryOutput, the bytes', () => {
  it('wraps query results and ends with the request id', () => {
    const xml = serializeQueryOutput(sts, 'GetCallerIdentity', { UserId: 'u', Account: '1', Arn: 'a' }, 'rid');
    expect(xml).toBe(
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><UserId>u</UserId><Account>1</Account><Arn>a</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
    );
  });

  it('sends only ResponseMetadata for operations without output', () => {
    expect(serializeQueryOutput(iam, 'DeleteRole', undefined, 'rid')).toBe(
      '<DeleteRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></DeleteRoleResponse>',
    );
  });

  it('writes EC2 element names from locationName, lists as <item>, and <return> for outputless actions', () => {
    const xml = serializeQueryOutput(ec2, 'DescribeRegions', { Regions: [{ RegionName: 'us-east-1' }] }, 'rid');
    expect(xml).toContain(
      '<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>rid</requestId><regionInfo><item><regionName>us-east-1</regionName></item></regionInfo>',
    );
    expect(serializeQueryOutput(ec2, 'DeleteTags', undefined, 'rid')).toContain(
      '<requestId>rid</requestId><return>true</return></DeleteTagsResponse>',
    );
  });

  it('formats timestamps as ISO 8601, with milliseconds only when there are some', () => {
    const creds = { AccessKeyId: 'a', SecretAccessKey: 's', SessionToken: 't', Expiration: expiration };
    expect(serializeQueryOutput(sts, 'GetSessionToken', { Credentials: creds }, 'r')).toContain(
      '<Expiration>2026-11-23T14:00:00Z</Expiration>',
    );
    expect(
      serializeQueryOutput(
        sts,
        'GetSessionToken',
        { Credentials: { ...creds, Expiration: '2026-11-23T14:00:00.5Z' } },
        'r',
      ),
    ).toContain('<Expiration>2026-11-23T14:00:00.500Z</Expiration>');
  });

  it('reports keys the output shape does not have, and does not send them', () => {
    const unknown: string[] = [];
    const xml = serializeQueryOutput(sts, 'GetCallerIdentity', { UserId: 'u', Acount: '1', Extra: { Deep: 1 } }, 'r', {
      onUnknownKey: (path) => unknown.push(path),
    });
    expect(unknown).toEqual(['Acount', 'Extra']);
    expect(xml).not.toContain('Acount');
    const nested: string[] = [];
    serializeQueryOutput(ec2, 'DescribeRegions', { Regions: [{ RegionName: 'x', Name: 'y' }] }, 'r', {
      onUnknownKey: (path) => nested.push(path),
    });
    expect(nested).toEqual(['Regions.0.Name']);
  });

  it('refuses values of the wrong type, naming the path', () => {
    expect(() => serializeQueryOutput(iam, 'ListRoles', { Roles: 'nope' }, 'r')).toThrow(
      /Output Roles must be an array/,
    );
    expect(() => serializeQueryOutput(iam, 'ListRoles', { Roles: [], IsTruncated: 'yes' }, 'r')).toThrow(
      /Output IsTruncated must be a boolean/,
    );
    expect(() =>
      serializeQueryOutput(sts, 'GetSessionToken', { Credentials: { Expiration: 1_700_000_000 } }, 'r'),
    ).toThrow(/Credentials\.Expiration must be a Date or an ISO 8601 string/);
    expect(() => serializeQueryOutput(sts, 'NoSuchThing', {}, 'r')).toThrow(/STS has no operation NoSuchThing/);
  });
});
