import { describe, expect, it } from 'vitest';
import { RoleDenialError } from '../credentials/explain-denial.js';
import { CrossbarError } from '../errors.js';
import { classifyError } from './classify-error.js';

const aws = (name: string, message: string, status?: number) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('AWS errors as a run reports them', () => {
  it.each([
    ['AccessDenied', 403, 'DENIED'],
    ['UnauthorizedOperation', 403, 'DENIED'],
    ['AccessDeniedException', 400, 'DENIED'],
    ['Throttling', 400, 'THROTTLED'],
    ['RequestLimitExceeded', 503, 'THROTTLED'],
    ['TooManyRequestsException', 429, 'THROTTLED'],
    ['SlowDown', 503, 'THROTTLED'],
    ['NoSuchEntity', 404, 'NOT_FOUND'],
    ['ResourceNotFoundException', 400, 'NOT_FOUND'],
    ['ValidationException', 400, 'INVALID'],
    ['InvalidParameterValue', 400, 'INVALID'],
    ['RegionDisabledException', 403, 'REGION_DISABLED'],
    ['InternalError', 500, 'ERROR'],
    ['SomethingNew', 403, 'DENIED'],
  ])('%s → %s', (name, status, code) => {
    expect(classifyError(aws(name, `the ${name} message`, status))).toMatchObject({
      code: code as string,
      awsCode: name,
      message: `the ${name} message`,
    });
  });

  it('an unknown-credentials answer is REGION_DISABLED only when the region is known to be off', () => {
    const err = aws('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
    expect(classifyError(err, { regionDisabled: true })).toMatchObject({
      code: 'REGION_DISABLED',
      awsCode: 'AuthFailure',
      awsMessage: 'AWS was not able to validate the provided access credentials',
    });
    expect(classifyError(err)).toMatchObject({ code: 'DENIED', awsCode: 'AuthFailure' });
  });

  it('credential failures of the engine are DENIED with the reason', () => {
    const denial = new RoleDenialError(
      {
        roleArn: 'arn:aws:iam::2:role/R',
        sourceArn: 'arn:aws:iam::1:user/bob',
        externalIdSent: false,
        mfaPresent: false,
        roleRequiresMfa: false,
        mfaSerialConfigured: false,
        durationSeconds: 3600,
        chained: false,
      },
      { reason: 'ExternalId', hint: 'send the ExternalId' },
      aws('AccessDenied', 'User: arn:aws:iam::1:user/bob is not authorized to perform: sts:AssumeRole', 403),
    );
    expect(classifyError(denial)).toMatchObject({
      code: 'DENIED',
      reason: 'ExternalId',
      hint: 'send the ExternalId',
      awsCode: 'AccessDenied',
    });
    expect(classifyError(new CrossbarError('MFA_REQUIRED', 'needs MFA'))).toMatchObject({
      code: 'DENIED',
      reason: 'MFA',
    });
    expect(classifyError(new CrossbarError('ENDPOINT_UNREACHABLE', 'No answer'))).toMatchObject({ code: 'ERROR' });
  });

  it('the SDK refusing to build a request from the input is INVALID', () => {
    expect(classifyError(new Error('No value provided for input HTTP label: Bucket.'))).toMatchObject({
      code: 'INVALID',
      message: 'No value provided for input HTTP label: Bucket.',
    });
  });

  it('network failures and aborts', () => {
    expect(classifyError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toMatchObject({
      code: 'ERROR',
    });
    expect(
      classifyError(Object.assign(new Error('timed out'), { name: 'TimeoutError', code: 'ETIMEDOUT' })),
    ).toMatchObject({ code: 'TIMEOUT' });
    expect(classifyError(Object.assign(new Error('Request aborted'), { name: 'AbortError' }))).toMatchObject({
      code: 'INTERRUPTED',
    });
  });
});
