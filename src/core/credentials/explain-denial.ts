import { CrossbarError } from '../errors.js';
import { CHAINED_MAX_SECONDS } from './role-chain.js';
import { awsErrorFacts } from './sts-errors.js';

/** Why an AssumeRole failed, as the reachability matrix (`accounts check`) shows it. */
export type DenialReason = 'trust policy' | 'ExternalId' | 'MFA' | 'caller policy' | 'duration' | 'unknown';

/** What was sent with the AssumeRole that failed, and what is known about the caller. */
export interface AssumeRoleAttempt {
  roleArn: string;
  sourceArn: string;
  externalIdSent: boolean;
  /** An MFA code went with this call, or the calling session was opened with MFA. */
  mfaPresent: boolean;
  /** crossbar.yaml marks the role `mfa: required`. */
  roleRequiresMfa: boolean;
  /** `source.mfa_serial` is configured. */
  mfaSerialConfigured: boolean;
  durationSeconds: number;
  /** The caller is itself an assumed role (a chained hop). */
  chained: boolean;
  /**
   * Whether the caller's own identity policies allow sts:AssumeRole on the role, when it could be checked
   * (see probeCallerPolicy). AWS's usual denial message does not say which side refused.
   */
  callerPolicy?: 'allow' | 'deny' | 'unknown';
}

export interface DenialExplanation {
  reason: DenialReason;
  hint: string;
}

/**
 * Classifies an AssumeRole failure. AWS's message names the side only sometimes ("because no identity-based
 * policy allows…", "explicit deny in a resource-based policy", MFA and duration errors); otherwise the reason is
 * inferred from what was sent: a role marked for MFA reached without MFA, then a missing ExternalId, then the
 * trust policy itself. The hint says what to change.
 */
export function explainAssumeRoleDenial(err: unknown, attempt: AssumeRoleAttempt): DenialExplanation {
  const { name, message } = awsErrorFacts(err);
  const { roleArn, sourceArn } = attempt;
  if (/DurationSeconds|MaxSessionDuration|session limit/i.test(message)) {
    return {
      reason: 'duration',
      hint:
        attempt.chained || /chaining/i.test(message)
          ? `A role reached by role chaining gets at most ${CHAINED_MAX_SECONDS} s: lower \`duration\` for this role`
          : `Lower \`duration\` for this role in crossbar.yaml, or raise the MaxSessionDuration of ${roleArn}`,
    };
  }
  if (/MultiFactorAuthentication failed/i.test(message)) {
    return { reason: 'MFA', hint: 'Check that source.mfa_serial is your own MFA device and that the code is current' };
  }
  if (/identity-based policy|permissions boundary|service control policy|session policy/i.test(message)) {
    return { reason: 'caller policy', hint: callerHint(roleArn, sourceArn, message) };
  }
  if (/SetSourceIdentity/.test(message)) {
    return {
      reason: 'trust policy',
      hint: `The trust policy of ${roleArn} must also allow sts:SetSourceIdentity for ${sourceArn}`,
    };
  }
  if (/resource-based policy/i.test(message)) {
    return { reason: 'trust policy', hint: `The trust policy of ${roleArn} explicitly denies ${sourceArn}` };
  }
  if (name !== 'AccessDenied' && name !== 'AccessDeniedException') {
    return { reason: 'unknown', hint: `AWS said ${name}: ${message}` };
  }
  return explainGenericDenial(attempt);
}

function explainGenericDenial(attempt: AssumeRoleAttempt): DenialExplanation {
  const { roleArn, sourceArn } = attempt;
  if (attempt.callerPolicy === 'deny') return { reason: 'caller policy', hint: callerHint(roleArn, sourceArn, '') };
  if (attempt.roleRequiresMfa && !attempt.mfaPresent) {
    return {
      reason: 'MFA',
      hint: attempt.mfaSerialConfigured
        ? `${roleArn} requires MFA: provide a code (--mfa-code, CROSSBAR_MFA_CODE or the prompt)`
        : `${roleArn} requires MFA: set source.mfa_serial in crossbar.yaml to your MFA device ARN`,
    };
  }
  const callerSide =
    attempt.callerPolicy === 'allow' ? '' : `, and a policy of ${sourceArn} must allow sts:AssumeRole on it`;
  if (!attempt.externalIdSent) {
    return {
      reason: 'ExternalId',
      hint: `The trust policy of ${roleArn} refused ${sourceArn} and no ExternalId was sent: set external_id for this account in crossbar.yaml; if the role needs none, its trust policy must name ${sourceArn}${callerSide}`,
    };
  }
  const mfa = attempt.mfaPresent ? '' : '; if it requires MFA, mark the role `mfa: required`';
  return {
    reason: 'trust policy',
    hint: `The trust policy of ${roleArn} must allow ${sourceArn} with the ExternalId configured for this account${mfa}${callerSide}`,
  };
}

function callerHint(roleArn: string, sourceArn: string, message: string): string {
  if (/service control policy/i.test(message))
    return `A service control policy denies ${sourceArn} sts:AssumeRole on ${roleArn}`;
  if (/permissions boundary/i.test(message))
    return `The permissions boundary of ${sourceArn} must allow sts:AssumeRole on ${roleArn}`;
  return `A policy of ${sourceArn} (user, group or role) must allow sts:AssumeRole on ${roleArn}`;
}

/**
 * AWS's plain "is not authorized to perform: sts:AssumeRole" that names no side: worth a look at the caller's
 * own policies before guessing.
 */
export function isGenericDenial(err: unknown): boolean {
  const { name, message } = awsErrorFacts(err);
  return (
    (name === 'AccessDenied' || name === 'AccessDeniedException') &&
    !/ because | with an explicit deny|MultiFactorAuthentication|SetSourceIdentity/i.test(message)
  );
}

/** ROLE_ASSUME_DENIED with the classified reason, for `accounts check` to show without re-parsing text. */
export class RoleDenialError extends CrossbarError {
  readonly reason: DenialReason;
  readonly roleArn: string;
  readonly sourceArn: string;

  constructor(attempt: AssumeRoleAttempt, explanation: DenialExplanation, cause: unknown) {
    super('ROLE_ASSUME_DENIED', `Could not assume ${attempt.roleArn} from ${attempt.sourceArn}`, {
      hint: explanation.hint,
      cause,
    });
    this.reason = explanation.reason;
    this.roleArn = attempt.roleArn;
    this.sourceArn = attempt.sourceArn;
  }
}
