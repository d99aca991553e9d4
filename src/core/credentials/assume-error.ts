import { describeRetries, retryReportOf } from '../aws-clients/retry-strategy.js';
import { parseArn } from '../arn.js';
import { CrossbarError } from '../errors.js';
import { probeCallerPolicy } from './caller-policy.js';
import type { Credentials } from './credentials.js';
import { explainAssumeRoleDenial, isGenericDenial, RoleDenialError, type AssumeRoleAttempt } from './explain-denial.js';
import { mfaError } from './sts-calls.js';
import { awsErrorFacts, endpointUnreachable, isUnreachable, sourceCredentialsError } from './sts-errors.js';

/** What turning an STS failure into a CrossbarError needs to know about where it happened. */
export interface StsFailureContext {
  endpoint: string | undefined;
  region: string;
  /** Names the source in messages, e.g. `profile acme-identity`. */
  sourceLabel: string;
  /** The call was made with the source's own credentials, so a bad token means bad source credentials. */
  bySource: boolean;
}

const THROTTLED_HINT =
  'AWS limits the STS calls of one account per second: try a lower --concurrency (e.g. --concurrency 8), or again later';

/** Failures common to every STS call: no answer, bad source credentials, throttling. */
export function stsFailure(err: unknown, ctx: StsFailureContext, what: string): CrossbarError {
  if (err instanceof CrossbarError) return err;
  if (isUnreachable(err)) return endpointUnreachable(ctx.endpoint, ctx.region, err);
  const bad = ctx.bySource ? sourceCredentialsError(err, ctx.sourceLabel) : undefined;
  if (bad) return bad;
  const { name, message } = awsErrorFacts(err);
  const retries = retryReportOf(err);
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name)) {
    return new CrossbarError(
      'THROTTLED',
      retries ? `${what} ${describeRetries(retries)}` : `${what} was throttled by STS`,
      { hint: THROTTLED_HINT, cause: err },
    );
  }
  if (retries) {
    return new CrossbarError('ERROR', `${what} ${describeRetries(retries)}`, {
      hint: `STS kept failing (${name}${message ? `: ${message}` : ''}); try again later`,
      cause: err,
    });
  }
  if (name === 'RegionDisabledException') {
    return new CrossbarError('REGION_DISABLED', `STS is not activated in ${ctx.region} for this account`, {
      hint: 'Activate the region in the account settings, or set source.region',
      cause: err,
    });
  }
  return new CrossbarError('ERROR', `${what} failed: ${name}`, {
    hint: message || 'Retry with --debug for details',
    cause: err,
  });
}

export interface DenialProbe {
  enabled: boolean;
  /** The source's own credentials and account, which may read the caller's IAM policies. */
  sourceCredentials: Credentials;
  sourceAccountId: string;
  callerArn: string;
}

/**
 * An AssumeRole failure as crossbar reports it: ROLE_ASSUME_DENIED with the classified reason, MFA_INVALID for
 * a rejected code, or one of the common STS failures. A bare AccessDenied first gets a look at the caller's own
 * policies (when they live in the source account), since AWS does not say which side refused.
 */
export async function assumeRoleFailure(
  err: unknown,
  attempt: AssumeRoleAttempt,
  ctx: StsFailureContext,
  probe: DenialProbe,
  mfaSerial: string | undefined,
): Promise<CrossbarError> {
  if (err instanceof CrossbarError) return err;
  const mfa = mfaSerial === undefined ? undefined : mfaError(err, mfaSerial);
  if (mfa) return mfa;
  const { name } = awsErrorFacts(err);
  if (name !== 'AccessDenied' && name !== 'AccessDeniedException' && name !== 'ValidationError')
    return stsFailure(err, ctx, `AssumeRole of ${attempt.roleArn}`);
  let callerPolicy = attempt.callerPolicy;
  if (probe.enabled && isGenericDenial(err) && sameAccount(probe.callerArn, probe.sourceAccountId)) {
    callerPolicy = await probeCallerPolicy({
      credentials: probe.sourceCredentials,
      sourceArn: probe.callerArn,
      roleArn: attempt.roleArn,
      mfaPresent: attempt.mfaPresent,
      region: ctx.region,
      ...(ctx.endpoint ? { endpoint: ctx.endpoint } : {}),
    });
  }
  const known = callerPolicy === undefined ? attempt : { ...attempt, callerPolicy };
  return new RoleDenialError(known, explainAssumeRoleDenial(err, known), err);
}

function sameAccount(arn: string, accountId: string): boolean {
  try {
    return parseArn(arn).accountId === accountId;
  } catch {
    return false;
  }
}
