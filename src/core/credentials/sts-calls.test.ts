import { describe, expect, it } from 'vitest';
import { mfaError } from './sts-calls.js';

const serial = 'arn:aws:iam::111111111111:mfa/alice';
const awsError = (message: string) => Object.assign(new Error(message), { name: 'AccessDenied' });

describe('mfaError', () => {
  it('says a spent code was already used and to wait for the next one', () => {
    const err = mfaError(
      awsError(
        'MultiFactorAuthentication failed with invalid MFA one time pass code. The code was already used: wait for the next one.',
      ),
      serial,
    );
    expect(err).toMatchObject({ code: 'MFA_INVALID', message: `The MFA code for ${serial} was already used` });
    expect(err?.hint).toContain('wait for the next code');
  });

  it('its twin: a wrong code is not accepted, without talk of reuse', () => {
    const err = mfaError(awsError('MultiFactorAuthentication failed with invalid MFA one time pass code. '), serial);
    expect(err).toMatchObject({ code: 'MFA_INVALID', message: `The MFA code for ${serial} was not accepted` });
    expect(mfaError(awsError('User: x is not authorized to perform: sts:AssumeRole'), serial)).toBeUndefined();
  });
});
