import { CloudTrailClient, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceModel } from '../model/service-model.js';
import { encodeOutput } from './encode-output.js';
import { startFakeEndpoint, type FakeEndpoint } from '../../../test/helpers/fake-endpoint.js';
import { decodeJsonInput, parseJsonInput } from './json-input.js';
import { isProtocolInputError } from './protocol-input-error.js';

const cloudtrail = loadServiceModel('cloudtrail');
const organizations = loadServiceModel('organizations');

function awsCodeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return isProtocolInputError(err) ? `${err.awsCode} ${err.status}` : `not a ProtocolInputError: ${String(err)}`;
  }
  return 'no error';
}

describe('parseJsonInput', () => {
  it('reads an empty body as {}', () => {
    expect(parseJsonInput('')).toEqual({});
    expect(parseJsonInput(' \n')).toEqual({});
  });

  it('reads a JSON object', () => {
    expect(parseJsonInput('{"MaxResults":5,"NextToken":"t"}')).toEqual({ MaxResults: 5, NextToken: 't' });
  });

  it('answers SerializationException for what is not a JSON object', () => {
    expect(awsCodeOf(() => parseJsonInput('{"MaxResults":'))).toBe('SerializationException 400');
    expect(awsCodeOf(() => parseJsonInput('[1,2]'))).toBe('SerializationException 400');
    expect(awsCodeOf(() => parseJsonInput('null'))).toBe('SerializationException 400');
  });
});

describe('decodeJsonInput', () => {
  it('turns epoch seconds into Dates and drops keys the shape does not have', () => {
    const decoded = decodeJsonInput(cloudtrail, 'LookupEvents', {
      StartTime: 1795442400.5,
      MaxResults: 5,
      Bogus: true,
    });
    expect(decoded).toEqual({ StartTime: new Date('2026-11-23T14:00:00.500Z'), MaxResults: 5 });
  });

  it('answers SerializationException for values of the wrong JSON type', () => {
    expect(awsCodeOf(() => decodeJsonInput(cloudtrail, 'LookupEvents', { MaxResults: '5' }))).toBe(
      'SerializationException 400',
    );
    expect(
      awsCodeOf(() => decodeJsonInput(cloudtrail, 'LookupEvents', { LookupAttributes: { AttributeKey: 'EventName' } })),
    ).toBe('SerializationException 400');
  });
});

describe('parseJsonInput and decodeJsonInput read what the real SDK sends', () => {
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
  const lastBody = () => parseJsonInput(endpoint.requests.at(-1)?.body ?? '');

  it('CloudTrail LookupEvents with timestamps and attributes', async () => {
    const input: LookupEventsCommandInput = {
      StartTime: new Date('2026-11-01T00:00:00Z'),
      EndTime: new Date('2026-11-02T12:30:00.250Z'),
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRole' }],
      MaxResults: 50,
    };
    endpoint.answer(encodeOutput(cloudtrail, 'LookupEvents', { Events: [] }, 'r'));
    await new CloudTrailClient(config()).send(new LookupEventsCommand(input));
    expect(decodeJsonInput(cloudtrail, 'LookupEvents', lastBody())).toEqual(input);
  });

  it('Organizations ListAccounts', async () => {
    endpoint.answer(encodeOutput(organizations, 'ListAccounts', { Accounts: [] }, 'r'));
    await new OrganizationsClient(config()).send(new ListAccountsCommand({ MaxResults: 3, NextToken: 'abc' }));
    expect(decodeJsonInput(organizations, 'ListAccounts', lastBody())).toEqual({ MaxResults: 3, NextToken: 'abc' });
  });
});
