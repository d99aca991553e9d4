import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceModel } from '../model/service-model.js';
import { encodeOutput } from './encode-output.js';
import { startFakeEndpoint, type FakeEndpoint } from '../../../test/helpers/fake-endpoint.js';
import { serializeJsonOutput } from './json-output.js';

const organizations = loadServiceModel('organizations');
const ce = loadServiceModel('ce');
const cloudtrail = loadServiceModel('cloudtrail');

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

const joined = new Date('2023-05-06T07:08:09.250Z');

describe('serializeJsonOutput, judged by the SDK', () => {
  it('Organizations ListAccounts: JoinedTimestamp as epoch seconds', async () => {
    const accounts = [
      {
        Id: '111111111111',
        Arn: 'arn:aws:organizations::111111111111:account/o-abc/111111111111',
        Email: 'a@example.com',
        Name: 'Management',
        Status: 'ACTIVE',
        JoinedMethod: 'INVITED',
        JoinedTimestamp: joined,
      },
      {
        Id: '222222222222',
        Name: 'Dev',
        Status: 'SUSPENDED',
        JoinedMethod: 'CREATED',
        JoinedTimestamp: new Date('2024-01-01T00:00:00Z'),
      },
    ];
    endpoint.answer(encodeOutput(organizations, 'ListAccounts', { Accounts: accounts, NextToken: 'n1' }, 'req-org-1'));
    const result = await new OrganizationsClient(clientConfig()).send(new ListAccountsCommand({}));
    expect(result.Accounts?.[0]?.JoinedTimestamp).toEqual(joined);
    expect(result.Accounts?.[1]).toEqual(accounts[1]);
    expect(result.NextToken).toBe('n1');
    expect(result.$metadata.requestId).toBe('req-org-1');
    expect(endpoint.requests.at(-1)?.headers['x-amz-target']).toBe('AWSOrganizationsV20161128.ListAccounts');
  });

  it('Cost Explorer GetCostAndUsage: maps of structures inside lists', async () => {
    const output = {
      ResultsByTime: [
        {
          TimePeriod: { Start: '2026-10-01', End: '2026-11-01' },
          Total: { UnblendedCost: { Amount: '12.34', Unit: 'USD' } },
          Groups: [{ Keys: ['Amazon EC2'], Metrics: { UnblendedCost: { Amount: '10', Unit: 'USD' } } }],
          Estimated: true,
        },
      ],
      GroupDefinitions: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
    };
    endpoint.answer(encodeOutput(ce, 'GetCostAndUsage', output, 'req-ce-1'));
    const result = await new CostExplorerClient(clientConfig()).send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: '2026-10-01', End: '2026-11-01' },
        Granularity: 'MONTHLY',
        Metrics: ['UnblendedCost'],
      }),
    );
    expect(result.ResultsByTime).toEqual(output.ResultsByTime);
    expect(result.GroupDefinitions).toEqual(output.GroupDefinitions);
  });

  it('CloudTrail LookupEvents: EventTime as epoch seconds, CloudTrailEvent as a JSON string', async () => {
    const eventTime = new Date('2026-11-20T10:00:00Z');
    const event = {
      EventId: 'e1',
      EventName: 'AssumeRole',
      ReadOnly: 'true',
      EventTime: eventTime,
      EventSource: 'sts.amazonaws.com',
      Username: 'alice',
      Resources: [{ ResourceType: 'AWS::IAM::Role', ResourceName: 'arn:aws:iam::1:role/R' }],
      CloudTrailEvent: JSON.stringify({ eventVersion: '1.08' }),
    };
    endpoint.answer(encodeOutput(cloudtrail, 'LookupEvents', { Events: [event] }, 'req-ct-1'));
    const result = await new CloudTrailClient(clientConfig()).send(
      new LookupEventsCommand({ StartTime: new Date('2026-11-01T00:00:00Z') }),
    );
    expect(result.Events).toEqual([event]);
    expect(result.Events?.[0]?.EventTime).toBeInstanceOf(Date);
  });
});

describe('serializeJsonOutput, the bytes', () => {
  it('writes epoch seconds, fractional when there are milliseconds, and drops undefined', () => {
    const body = serializeJsonOutput(organizations, 'DescribeAccount', {
      Account: { Id: '1', JoinedTimestamp: joined, Email: undefined },
    });
    expect(JSON.parse(body)).toEqual({ Account: { Id: '1', JoinedTimestamp: 1683356889.25 } });
  });

  it('answers {} for operations without output', () => {
    expect(serializeJsonOutput(organizations, 'DeleteOrganization', undefined)).toBe('{}');
  });

  it('reports unknown keys inside maps of structures', () => {
    const unknown: string[] = [];
    serializeJsonOutput(
      ce,
      'GetCostAndUsage',
      { ResultsByTime: [{ Total: { Cost: { Amount: '1', Unit: 'USD', Currency: 'USD' } } }] },
      { onUnknownKey: (p) => unknown.push(p) },
    );
    expect(unknown).toEqual(['ResultsByTime.0.Total.Cost.Currency']);
  });

  it('refuses a number where the model says string', () => {
    expect(() =>
      serializeJsonOutput(ce, 'GetCostAndUsage', { ResultsByTime: [{ Total: { Cost: { Amount: 1 } } }] }),
    ).toThrow(/ResultsByTime\.0\.Total\.Cost\.Amount must be a string/);
  });
});
