import { describe, expect, it } from 'vitest';
import { parseTrailEvent, roleOfSessionArn } from './parse-event.js';

const where = { accountId: '444444444444', region: 'us-east-1' };
const event = (record: object, name = 'AssumeRole') => ({
  EventId: 'e1',
  EventName: name,
  EventTime: new Date('2026-03-01T10:00:00Z'),
  CloudTrailEvent: JSON.stringify(record),
});

describe('parseTrailEvent', () => {
  it("reads a cross-account AssumeRole as the role's account records it", () => {
    const r = parseTrailEvent(
      event({
        userIdentity: { type: 'AWSAccount', principalId: 'AIDAEXAMPLE', accountId: '111111111111' },
        requestParameters: {
          roleArn: 'arn:aws:iam::444444444444:role/CrossbarReadOnly',
          roleSessionName: 'alice',
          sourceIdentity: 'alice',
        },
        responseElements: { credentials: { accessKeyId: 'ASIA1' } },
        additionalEventData: { mfaAuthenticated: 'false' },
        sharedEventID: 's1',
      }),
      where,
    );
    expect(r).toEqual({
      eventId: 'e1',
      eventName: 'AssumeRole',
      time: '2026-03-01T10:00:00.000Z',
      accountId: '444444444444',
      region: 'us-east-1',
      roleArn: 'arn:aws:iam::444444444444:role/CrossbarReadOnly',
      sessionName: 'alice',
      sourceIdentity: 'alice',
      sessionAccessKeyId: 'ASIA1',
      caller: { type: 'AWSAccount', accountId: '111111111111', principalId: 'AIDAEXAMPLE' },
      mfa: false,
      sharedEventId: 's1',
    });
  });

  it("takes MFA from the caller's session when the event does not say, the role from the resources, and a failure's code", () => {
    const r = parseTrailEvent(
      {
        ...event({
          userIdentity: {
            type: 'AssumedRole',
            arn: 'arn:aws:sts::111111111111:assumed-role/Hub/x',
            sessionContext: { attributes: { mfaAuthenticated: 'true' } },
          },
          errorCode: 'AccessDenied',
        }),
        Resources: [{ ResourceType: 'AWS::IAM::Role', ResourceName: 'arn:aws:iam::444444444444:role/administrator' }],
      },
      where,
    );
    expect(r).toMatchObject({
      roleArn: 'arn:aws:iam::444444444444:role/administrator',
      mfa: true,
      errorCode: 'AccessDenied',
      caller: { accountId: '111111111111' },
    });
  });

  it('reads a ConsoleLogin: the role from the session issuer, the session from its ARN, MFAUsed', () => {
    const r = parseTrailEvent(
      event(
        {
          userIdentity: {
            type: 'AssumedRole',
            arn: 'arn:aws:sts::444444444444:assumed-role/CrossbarReadOnly/alice-console',
            accountId: '444444444444',
            accessKeyId: 'ASIA2',
            sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::444444444444:role/CrossbarReadOnly' } },
          },
          additionalEventData: { MFAUsed: 'Yes' },
          responseElements: { ConsoleLogin: 'Success' },
        },
        'ConsoleLogin',
      ),
      where,
    );
    expect(r).toMatchObject({
      eventName: 'ConsoleLogin',
      roleArn: 'arn:aws:iam::444444444444:role/CrossbarReadOnly',
      sessionName: 'alice-console',
      sessionAccessKeyId: 'ASIA2',
      mfa: true,
    });
  });

  it('ignores other events and survives a record that is not JSON', () => {
    expect(parseTrailEvent(event({}, 'CreateUser'), where)).toBeUndefined();
    expect(parseTrailEvent({ EventName: 'AssumeRole', CloudTrailEvent: 'not json' }, where)).toMatchObject({
      eventName: 'AssumeRole',
      caller: { type: 'Unknown', accountId: '444444444444' },
    });
  });

  it('splits a role session ARN into its role and session', () => {
    expect(roleOfSessionArn('arn:aws:sts::111111111111:assumed-role/Hub/alice')).toEqual({
      roleArn: 'arn:aws:iam::111111111111:role/Hub',
      sessionName: 'alice',
    });
    expect(roleOfSessionArn('arn:aws:iam::111111111111:user/alice')).toBeUndefined();
  });
});
