import {
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  type DescribeInstancesCommandInput,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { IAMClient, ListRolesCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServiceModel } from '../model/parse-service-model.js';
import { loadServiceModel } from '../model/service-model.js';
import { encodeOutput } from './encode-output.js';
import { startFakeEndpoint, type FakeEndpoint } from '../../../test/helpers/fake-endpoint.js';
import { isProtocolInputError } from './protocol-input-error.js';
import { parseQueryInput } from './query-input.js';

const sts = loadServiceModel('sts');
const iam = loadServiceModel('iam');
const ec2 = loadServiceModel('ec2');

describe('parseQueryInput', () => {
  it('EC2: Filter.N.Value.N and InstanceId.N become Filters and InstanceIds', () => {
    const params = new URLSearchParams(
      'Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=instance-state-name&Filter.1.Value.1=running&InstanceId.1=i-1',
    );
    expect(parseQueryInput(ec2, 'DescribeInstances', params)).toEqual({
      Filters: [{ Name: 'instance-state-name', Values: ['running'] }],
      InstanceIds: ['i-1'],
    });
  });

  it('EC2: items keep their numeric order, even past 9 and with gaps', () => {
    const params = new URLSearchParams();
    for (const i of [10, 2, 1, 5]) params.append(`InstanceId.${i}`, `i-${i}`);
    params.append('MaxResults', '5');
    params.append('DryRun', 'true');
    expect(parseQueryInput(ec2, 'DescribeInstances', params)).toEqual({
      InstanceIds: ['i-1', 'i-2', 'i-5', 'i-10'],
      MaxResults: 5,
      DryRun: true,
    });
  });

  it('EC2: queryName wins over the capitalized locationName', () => {
    // PrivateIpAddresses is `{ locationName: 'privateIpAddressesSet', queryName: 'PrivateIpAddresses' }`;
    // NetworkInterfaces is `{ locationName: 'networkInterface' }`, read as `NetworkInterface`.
    const params = new URLSearchParams(
      'ImageId=ami-1&MinCount=1&MaxCount=2&NetworkInterface.1.DeviceIndex=0&NetworkInterface.1.PrivateIpAddresses.1.PrivateIpAddress=10.0.0.5&NetworkInterface.1.PrivateIpAddresses.1.Primary=true&NetworkInterface.1.PrivateIpAddressesSet.1.PrivateIpAddress=10.9.9.9&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=k&TagSpecification.1.Tag.1.Value=v',
    );
    expect(parseQueryInput(ec2, 'RunInstances', params)).toEqual({
      ImageId: 'ami-1',
      MinCount: 1,
      MaxCount: 2,
      NetworkInterfaces: [{ DeviceIndex: 0, PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.5', Primary: true }] }],
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'k', Value: 'v' }] }],
    });
  });

  it('IAM: strings stay verbatim, MaxItems is a number', () => {
    const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';
    const params = new URLSearchParams({
      Action: 'PutRolePolicy',
      RoleName: 'r',
      PolicyName: 'p',
      PolicyDocument: policy,
    });
    expect(parseQueryInput(iam, 'PutRolePolicy', params)).toEqual({
      RoleName: 'r',
      PolicyName: 'p',
      PolicyDocument: policy,
    });
    expect(parseQueryInput(iam, 'ListRoles', new URLSearchParams('MaxItems=2&Marker=abc'))).toEqual({
      MaxItems: 2,
      Marker: 'abc',
    });
  });

  it('STS: Tags.member.N.Key, lists of strings and an empty list', () => {
    const params = new URLSearchParams(
      'RoleArn=arn:aws:iam::1:role/R&RoleSessionName=s&DurationSeconds=900&Tags.member.1.Key=team&Tags.member.1.Value=ops&Tags.member.2.Key=env&Tags.member.2.Value=dev&TransitiveTagKeys.member.1=team&PolicyArns=',
    );
    expect(parseQueryInput(sts, 'AssumeRole', params)).toEqual({
      RoleArn: 'arn:aws:iam::1:role/R',
      RoleSessionName: 's',
      DurationSeconds: 900,
      Tags: [
        { Key: 'team', Value: 'ops' },
        { Key: 'env', Value: 'dev' },
      ],
      TransitiveTagKeys: ['team'],
      PolicyArns: [],
    });
  });

  it('ignores parameters the input shape does not have, and operations without input', () => {
    expect(parseQueryInput(sts, 'GetCallerIdentity', new URLSearchParams('Action=GetCallerIdentity&Bogus=1'))).toEqual(
      {},
    );
    expect(parseQueryInput(iam, 'ListRoles', new URLSearchParams('Roles.member.1=x&maxitems=3'))).toEqual({});
  });

  it("refuses malformed numbers and booleans with the protocol's error code", () => {
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return isProtocolInputError(err) ? `${err.awsCode} ${err.status}: ${err.message}` : String(err);
      }
      return 'no error';
    };
    expect(codeOf(() => parseQueryInput(iam, 'ListRoles', new URLSearchParams('MaxItems=two')))).toBe(
      "ValidationError 400: Invalid value 'two' for parameter MaxItems: expected an integer",
    );
    expect(codeOf(() => parseQueryInput(ec2, 'DescribeInstances', new URLSearchParams('DryRun=yes')))).toMatch(
      /^InvalidParameterValue 400/,
    );
  });

  describe('maps, flattened lists and timestamps (a model written for the test)', () => {
    const model = parseServiceModel(
      {
        metadata: {
          protocol: 'query',
          apiVersion: '2020-01-01',
          endpointPrefix: 't',
          serviceId: 'T',
          xmlNamespace: 'https://t/',
        },
        operations: { Put: { name: 'Put', http: { method: 'POST', requestUri: '/' }, input: { shape: 'PutInput' } } },
        shapes: {
          PutInput: {
            type: 'structure',
            members: {
              Attributes: { shape: 'Attrs' },
              Named: { shape: 'NamedMap' },
              Flat: { shape: 'FlatList', locationName: 'Flat' },
              Renamed: { shape: 'RenamedFlat' },
              At: { shape: 'Time' },
              Ratio: { shape: 'Ratio' },
              Data: { shape: 'Bytes' },
            },
          },
          Attrs: { type: 'map', key: { shape: 'Str' }, value: { shape: 'Str' } },
          NamedMap: {
            type: 'map',
            key: { shape: 'Str', locationName: 'Name' },
            value: { shape: 'Str', locationName: 'Value' },
            flattened: true,
          },
          FlatList: { type: 'list', member: { shape: 'Str' }, flattened: true },
          RenamedFlat: { type: 'list', member: { shape: 'Str', locationName: 'Item' }, flattened: true },
          Str: { type: 'string' },
          Time: { type: 'timestamp' },
          Ratio: { type: 'double' },
          Bytes: { type: 'blob' },
        },
      },
      'test',
    );

    it('reads maps as entry.N.key/value, flattened maps with renamed keys, and flattened lists', () => {
      const params = new URLSearchParams(
        'Attributes.entry.1.key=Policy&Attributes.entry.1.value={}&Attributes.entry.2.key=DisplayName&Attributes.entry.2.value=Ops&Named.1.Name=a&Named.1.Value=b&Flat.1=x&Flat.2=y&Item.1=z',
      );
      expect(parseQueryInput(model, 'Put', params)).toEqual({
        Attributes: { Policy: '{}', DisplayName: 'Ops' },
        Named: { a: 'b' },
        Flat: ['x', 'y'],
        Renamed: ['z'],
      });
    });

    it('converts timestamps (ISO 8601 or epoch seconds), doubles and base64 blobs', () => {
      const iso = parseQueryInput(model, 'Put', new URLSearchParams('At=2026-11-23T14:00:00Z&Ratio=0.5&Data=aGk='));
      expect(iso).toEqual({ At: new Date('2026-11-23T14:00:00Z'), Ratio: 0.5, Data: new Uint8Array([104, 105]) });
      expect(parseQueryInput(model, 'Put', new URLSearchParams('At=1795442400')).At).toEqual(
        new Date('2026-11-23T14:00:00Z'),
      );
      expect(() => parseQueryInput(model, 'Put', new URLSearchParams('At=yesterday'))).toThrow(
        /expected an ISO 8601 timestamp/,
      );
    });
  });
});

describe('parseQueryInput reads what the real SDK sends', () => {
  let endpoint: FakeEndpoint;
  beforeAll(async () => {
    endpoint = await startFakeEndpoint();
  });
  afterAll(async () => {
    await endpoint.close();
  });
  const config = () => ({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  const lastParams = () => new URLSearchParams(endpoint.requests.at(-1)?.body ?? '');

  it('STS AssumeRole with tags, policy ARNs and a duration', async () => {
    const input: AssumeRoleCommandInput = {
      RoleArn: 'arn:aws:iam::222222222222:role/Admin',
      RoleSessionName: 'alice',
      DurationSeconds: 1800,
      ExternalId: 'ext & id',
      Tags: [{ Key: 'team', Value: 'ops' }],
      TransitiveTagKeys: ['team'],
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      Policy: '{"Version":"2012-10-17"}',
    };
    endpoint.answer(encodeOutput(sts, 'AssumeRole', {}, 'r'));
    await new STSClient(config()).send(new AssumeRoleCommand(input));
    expect(lastParams().get('Action')).toBe('AssumeRole');
    expect(parseQueryInput(sts, 'AssumeRole', lastParams())).toEqual(input);
  });

  it('EC2 DescribeInstances with filters, ids, a page size and DryRun', async () => {
    const input: DescribeInstancesCommandInput = {
      Filters: [
        { Name: 'instance-state-name', Values: ['running', 'stopped'] },
        { Name: 'tag:Name', Values: ['web'] },
      ],
      InstanceIds: ['i-1', 'i-2'],
      MaxResults: 10,
      DryRun: false,
    };
    endpoint.answer(encodeOutput(ec2, 'DescribeInstances', {}, 'r'));
    await new EC2Client(config()).send(new DescribeInstancesCommand(input));
    expect(parseQueryInput(ec2, 'DescribeInstances', lastParams())).toEqual(input);
  });

  it('EC2 RunInstances with nested lists named by queryName and locationName', async () => {
    const input: RunInstancesCommandInput = {
      ImageId: 'ami-1',
      MinCount: 1,
      MaxCount: 1,
      NetworkInterfaces: [
        { DeviceIndex: 0, SubnetId: 'subnet-1', PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.5', Primary: true }] },
      ],
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] }],
    };
    endpoint.answer(encodeOutput(ec2, 'RunInstances', {}, 'r'));
    await new EC2Client(config()).send(new RunInstancesCommand(input));
    expect(lastParams().has('NetworkInterface.1.PrivateIpAddresses.1.PrivateIpAddress')).toBe(true);
    // The SDK fills idempotency tokens (ClientToken) with a UUID when the caller gives none.
    expect(parseQueryInput(ec2, 'RunInstances', lastParams())).toEqual({
      ...input,
      ClientToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('IAM ListRoles and PutRolePolicy', async () => {
    endpoint.answer(encodeOutput(iam, 'ListRoles', { Roles: [] }, 'r'));
    await new IAMClient(config()).send(new ListRolesCommand({ MaxItems: 2, PathPrefix: '/service-role/' }));
    expect(parseQueryInput(iam, 'ListRoles', lastParams())).toEqual({ MaxItems: 2, PathPrefix: '/service-role/' });
    const document = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
    });
    endpoint.answer(encodeOutput(iam, 'PutRolePolicy', undefined, 'r'));
    await new IAMClient(config()).send(
      new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'p', PolicyDocument: document }),
    );
    expect(parseQueryInput(iam, 'PutRolePolicy', lastParams())).toEqual({
      RoleName: 'r',
      PolicyName: 'p',
      PolicyDocument: document,
    });
  });
});
