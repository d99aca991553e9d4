import type { STSClient } from '@aws-sdk/client-sts';
import { requireSdk } from '../aws-clients/require-sdk.js';
import { CrossbarError } from '../errors.js';
import { RedactedCredentials } from './credentials.js';
import { awsErrorFacts } from './sts-errors.js';

/** The three STS calls the engine makes, each returning redacted credentials and nothing else of the SDK. */

interface StsCredentials {
  AccessKeyId?: string | undefined;
  SecretAccessKey?: string | undefined;
  SessionToken?: string | undefined;
  Expiration?: Date | undefined;
}

function toCredentials(c: StsCredentials | undefined, what: string): RedactedCredentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
    throw new CrossbarError('ERROR', `${what} returned no credentials`);
  return new RedactedCredentials({
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    ...(c.Expiration ? { expiration: c.Expiration } : {}),
  });
}

export interface CallerIdentity {
  arn: string;
  accountId: string;
}

export async function getCallerIdentity(sts: STSClient): Promise<CallerIdentity> {
  const out = await sts.send(new (requireSdk('@aws-sdk/client-sts').GetCallerIdentityCommand)({}));
  if (!out.Arn || !out.Account) throw new CrossbarError('ERROR', 'GetCallerIdentity returned no identity');
  return { arn: out.Arn, accountId: out.Account };
}

export interface MfaSessionRequest {
  serial: string;
  code: string;
  durationSeconds: number;
}

const MFA_HINT = 'Check the device clock and enter the current 6-digit code';

/** One GetSessionToken with MFA: the session every MFA role is then assumed from. */
export async function getMfaSession(sts: STSClient, request: MfaSessionRequest): Promise<RedactedCredentials> {
  const code = request.code.trim();
  if (!/^\d{6}$/.test(code))
    throw new CrossbarError('MFA_INVALID', `'${code}' is not an MFA code for ${request.serial}`, { hint: MFA_HINT });
  try {
    const out = await sts.send(
      new (requireSdk('@aws-sdk/client-sts').GetSessionTokenCommand)({
        SerialNumber: request.serial,
        TokenCode: code,
        DurationSeconds: request.durationSeconds,
      }),
    );
    return toCredentials(out.Credentials, 'GetSessionToken');
  } catch (err) {
    throw mfaError(err, request.serial) ?? err;
  }
}

/** MFA failures of GetSessionToken or AssumeRole as MFA_INVALID; undefined for any other error. */
export function mfaError(err: unknown, serial: string): CrossbarError | undefined {
  const { message } = awsErrorFacts(err);
  if (/already (been )?used/i.test(message)) {
    return new CrossbarError('MFA_INVALID', `The MFA code for ${serial} was already used`, {
      hint: 'AWS accepts each code once: wait for the next code of your authenticator (up to 30 s) and try again',
      cause: err,
    });
  }
  if (/invalid MFA one time pass code/i.test(message)) {
    return new CrossbarError('MFA_INVALID', `The MFA code for ${serial} was not accepted`, {
      hint: MFA_HINT,
      cause: err,
    });
  }
  if (/MultiFactorAuthentication failed/i.test(message)) {
    return new CrossbarError('MFA_INVALID', `${serial} is not an MFA device of the source identity`, {
      hint: 'Set source.mfa_serial in crossbar.yaml to the ARN of your own MFA device (aws iam list-mfa-devices)',
      cause: err,
    });
  }
  return undefined;
}

export interface AssumeRoleRequest {
  roleArn: string;
  sessionName: string;
  sourceIdentity?: string;
  externalId?: string;
  durationSeconds: number;
  mfa?: { serial: string; code: string };
  /**
   * Fail instead of retrying without SourceIdentity when the trust policy refuses sts:SetSourceIdentity: the team
   * server vends a session only when CloudTrail names the member in it.
   */
  requireSourceIdentity?: boolean;
}

export interface AssumedRole {
  credentials: RedactedCredentials;
  /** arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, the caller of the next hop. */
  arn: string;
  /** Whether SourceIdentity was set: a trust policy without sts:SetSourceIdentity refuses it. */
  sourceIdentitySet: boolean;
}

/**
 * AssumeRole. SourceIdentity is what makes CloudTrail name the person across every later hop, but a trust
 * policy must allow sts:SetSourceIdentity for it; when one does not, the call is retried once without it (the
 * session name still carries the name) rather than lock the person out, unless `requireSourceIdentity` says that
 * a session without it must not exist (the team server's vending).
 */
export async function assumeRole(sts: STSClient, request: AssumeRoleRequest): Promise<AssumedRole> {
  const send = async (withSourceIdentity: boolean): Promise<AssumedRole> => {
    const out = await sts.send(
      new (requireSdk('@aws-sdk/client-sts').AssumeRoleCommand)({
        RoleArn: request.roleArn,
        RoleSessionName: request.sessionName,
        DurationSeconds: request.durationSeconds,
        ...(request.externalId !== undefined ? { ExternalId: request.externalId } : {}),
        ...(withSourceIdentity && request.sourceIdentity !== undefined
          ? { SourceIdentity: request.sourceIdentity }
          : {}),
        ...(request.mfa ? { SerialNumber: request.mfa.serial, TokenCode: request.mfa.code } : {}),
      }),
    );
    return {
      credentials: toCredentials(out.Credentials, `AssumeRole of ${request.roleArn}`),
      arn: out.AssumedRoleUser?.Arn ?? request.roleArn,
      sourceIdentitySet: withSourceIdentity && request.sourceIdentity !== undefined,
    };
  };
  try {
    return await send(true);
  } catch (err) {
    if (request.sourceIdentity === undefined || !/SetSourceIdentity/.test(awsErrorFacts(err).message)) throw err;
    if (request.requireSourceIdentity === true) throw sourceIdentityRefused(request, err);
    return send(false);
  }
}

function sourceIdentityRefused(request: AssumeRoleRequest, cause: unknown): CrossbarError {
  return new CrossbarError(
    'ROLE_ASSUME_DENIED',
    `The trust policy of ${request.roleArn} does not allow sts:SetSourceIdentity, so the role cannot be assumed as ${request.sourceIdentity ?? ''} with that name in CloudTrail`,
    {
      hint: "Add sts:SetSourceIdentity beside sts:AssumeRole in the trust policy statement that lets the server's principal in; the server vends no session CloudTrail cannot name",
      cause,
    },
  );
}
