import { isUsageError } from '../errors.js';
import { describe, expect, it } from 'vitest';
import { explainAssumeRoleDenial, isGenericDenial, RoleDenialError, type AssumeRoleAttempt } from './explain-denial.js';

const ROLE = 'arn:aws:iam::444444444444:role/administrator';
const SOURCE = 'arn:aws:iam::111111111111:user/bob';
const GENERIC = `User: ${SOURCE} is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`;

function awsError(name: string, message: string, status = 403): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

const base: AssumeRoleAttempt = {
  roleArn: ROLE,
  sourceArn: SOURCE,
  externalIdSent: false,
  mfaPresent: false,
  roleRequiresMfa: false,
  mfaSerialConfigured: true,
  durationSeconds: 3600,
  chained: false,
};

describe('explainAssumeRoleDenial', () => {
  it.each<[string, Error, Partial<AssumeRoleAttempt>, string]>([
    [
      'AWS names the identity policy',
      awsError('AccessDenied', `${GENERIC} because no identity-based policy allows the sts:AssumeRole action`),
      {},
      'caller policy',
    ],
    [
      'an explicit deny in an identity policy',
      awsError('AccessDenied', `${GENERIC} with an explicit deny in an identity-based policy`),
      {},
      'caller policy',
    ],
    [
      'a service control policy',
      awsError('AccessDenied', `${GENERIC} with an explicit deny in a service control policy`),
      {},
      'caller policy',
    ],
    [
      'an explicit deny in the trust policy',
      awsError('AccessDenied', `${GENERIC} with an explicit deny in a resource-based policy`),
      { externalIdSent: true },
      'trust policy',
    ],
    [
      'a trust policy without sts:SetSourceIdentity',
      awsError(
        'AccessDenied',
        `User: ${SOURCE} is not authorized to perform: sts:SetSourceIdentity on resource: ${ROLE}`,
      ),
      {},
      'trust policy',
    ],
    [
      'a rejected MFA code',
      awsError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. '),
      { mfaPresent: true },
      'MFA',
    ],
    [
      'a chained duration over an hour',
      awsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
        400,
      ),
      { chained: true },
      'duration',
    ],
    [
      'a duration over MaxSessionDuration',
      awsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
        400,
      ),
      {},
      'duration',
    ],
    [
      'bare denial, caller policy checked and missing',
      awsError('AccessDenied', GENERIC),
      { callerPolicy: 'deny', roleRequiresMfa: true },
      'caller policy',
    ],
    [
      'bare denial, MFA role reached without MFA',
      awsError('AccessDenied', GENERIC),
      { roleRequiresMfa: true, callerPolicy: 'allow' },
      'MFA',
    ],
    ['bare denial, MFA role, caller unknown', awsError('AccessDenied', GENERIC), { roleRequiresMfa: true }, 'MFA'],
    ['bare denial, no ExternalId sent', awsError('AccessDenied', GENERIC), { callerPolicy: 'allow' }, 'ExternalId'],
    [
      'bare denial, ExternalId sent, MFA present',
      awsError('AccessDenied', GENERIC),
      { externalIdSent: true, mfaPresent: true, roleRequiresMfa: true },
      'trust policy',
    ],
    [
      'something else entirely',
      awsError('RegionDisabledException', 'STS is not activated in this region'),
      {},
      'unknown',
    ],
  ])('%s → %s', (_, err, attempt, reason) => {
    expect(explainAssumeRoleDenial(err, { ...base, ...attempt }).reason).toBe(reason);
  });

  it('says what to change, naming the role and the source', () => {
    expect(explainAssumeRoleDenial(awsError('AccessDenied', GENERIC), { ...base, callerPolicy: 'deny' }).hint).toBe(
      `A policy of ${SOURCE} (user, group or role) must allow sts:AssumeRole on ${ROLE}`,
    );
    expect(
      explainAssumeRoleDenial(awsError('AccessDenied', GENERIC), {
        ...base,
        roleRequiresMfa: true,
        mfaSerialConfigured: false,
      }).hint,
    ).toBe(`${ROLE} requires MFA: set source.mfa_serial in crossbar.yaml to your MFA device ARN`);
    expect(
      explainAssumeRoleDenial(
        awsError(
          'ValidationError',
          'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
          400,
        ),
        base,
      ).hint,
    ).toContain('at most 3600 s');
  });

  it('tells a bare denial from one that names its side', () => {
    expect(isGenericDenial(awsError('AccessDenied', GENERIC))).toBe(true);
    expect(
      isGenericDenial(
        awsError('AccessDenied', `${GENERIC} because no identity-based policy allows the sts:AssumeRole action`),
      ),
    ).toBe(false);
    expect(isGenericDenial(awsError('ValidationError', 'bad', 400))).toBe(false);
  });

  it('RoleDenialError carries the reason, the code and the cause', () => {
    const cause = awsError('AccessDenied', GENERIC);
    const err = new RoleDenialError(base, { reason: 'ExternalId', hint: 'set external_id' }, cause);
    expect(err).toMatchObject({
      code: 'ROLE_ASSUME_DENIED',
      reason: 'ExternalId',
      roleArn: ROLE,
      sourceArn: SOURCE,
      hint: 'set external_id',
      cause,
    });
    expect(isUsageError(err)).toBe(false);
    expect(err.message).toBe(`Could not assume ${ROLE} from ${SOURCE}`);
  });
});
