import { isArn, parseArn } from '../../arn.js';
import type { TrailDirectory } from './directory.js';
import { roleOfSessionArn } from './parse-event.js';
import type { PrincipalKnowledge, TrailEventName, TrailRecord } from './types.js';

/**
 * Trail records → assumptions: one per role assumption or console sign-in, seen from the role's account, with
 * the caller named as well as the evidence allows. A cross-account AssumeRole is written twice (the role's
 * account sees `AWSAccount` + a principal id, the caller's account the full identity, linked by sharedEventID):
 * the role's copy is the assumption and the caller's copy, when read, names the caller. A console sign-in is
 * linked to the AssumeRole that created its session by the session's access key.
 */
export interface AssumptionPrincipal {
  /** CloudTrail's userIdentity.type. */
  type: string;
  accountId: string;
  /** The registry's (or the organization's) name of the account. */
  accountName?: string;
  knowledge: PrincipalKnowledge;
  principalId?: string;
  /** The principal's ARN, from the record, the caller's copy of it, or a resolved principal id. */
  arn?: string;
  /** The principal for trust matching: a role session's role, else the ARN. */
  principalArn?: string;
  /** An AWS service calling on its own behalf (`ec2.amazonaws.com`). */
  service?: string;
}

export interface Assumption {
  eventId: string;
  event: TrailEventName;
  time: string;
  /** The role's account (where the record was read) and its registry name. */
  accountId: string;
  accountName?: string;
  region: string;
  roleArn?: string;
  roleName?: string;
  /** Who, in a word: the SourceIdentity, else the caller's name, else the session name. */
  who: string;
  sourceIdentity?: string;
  sessionName?: string;
  principal: AssumptionPrincipal;
  mfa?: boolean;
  errorCode?: string;
  errorMessage?: string;
  /** The role was in another account: this is the caller's copy, read because the role's account was not. */
  outgoing?: boolean;
}

function accountOfArn(arn: string | undefined): string | undefined {
  return arn && isArn(arn) ? parseArn(arn).accountId : undefined;
}

function nameOfArn(arn: string | undefined): string | undefined {
  if (!arn || !isArn(arn)) return undefined;
  const parsed = parseArn(arn);
  if (parsed.resourceType === 'assumed-role') return roleOfSessionArn(arn)?.sessionName;
  return parsed.resourceName.split('/').pop() || undefined;
}

/** A role session acts for its role: that is what a trust policy names. */
function principalArnOf(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  return roleOfSessionArn(arn)?.roleArn ?? arn;
}

function isOutgoing(r: TrailRecord): boolean {
  const roleAccount = accountOfArn(r.roleArn);
  return (
    r.eventName === 'AssumeRole' &&
    roleAccount !== undefined &&
    roleAccount !== r.accountId &&
    r.caller.type !== 'AWSAccount'
  );
}

function principalOf(
  record: TrailRecord,
  directory: TrailDirectory,
  callerCopy: TrailRecord | undefined,
  creator: Assumption | undefined,
): AssumptionPrincipal {
  // A console sign-in's own identity is the role session; who opened that session is the caller that matters.
  if (creator) return creator.principal;
  const caller = callerCopy?.caller ?? record.caller;
  const arn = caller.arn ?? (caller.principalId ? directory.principalArn(caller.principalId) : undefined);
  const accountName = directory.accountName(caller.accountId);
  const principalArn = principalArnOf(arn);
  return {
    type: record.caller.type,
    accountId: caller.accountId,
    knowledge: directory.knowledge(caller.accountId),
    ...(accountName ? { accountName } : {}),
    ...(caller.principalId ? { principalId: caller.principalId } : {}),
    ...(arn ? { arn } : {}),
    ...(principalArn ? { principalArn } : {}),
    ...(caller.invokedBy ? { service: caller.invokedBy } : {}),
  };
}

function toAssumption(
  record: TrailRecord,
  directory: TrailDirectory,
  callerCopy: TrailRecord | undefined,
  creator: Assumption | undefined,
): Assumption {
  const principal = principalOf(record, directory, callerCopy, creator);
  const sourceIdentity = record.sourceIdentity ?? creator?.sourceIdentity;
  const who =
    sourceIdentity ?? nameOfArn(principal.arn) ?? record.sessionName ?? principal.principalId ?? principal.accountId;
  const roleName = nameOfArn(record.roleArn);
  const accountName = directory.accountName(record.accountId);
  return {
    eventId: record.eventId,
    event: record.eventName,
    time: record.time,
    accountId: record.accountId,
    region: record.region,
    who,
    principal,
    ...(accountName ? { accountName } : {}),
    ...(record.roleArn ? { roleArn: record.roleArn } : {}),
    ...(roleName ? { roleName } : {}),
    ...(sourceIdentity ? { sourceIdentity } : {}),
    ...(record.sessionName ? { sessionName: record.sessionName } : {}),
    ...(record.mfa !== undefined ? { mfa: record.mfa } : {}),
    ...(record.errorCode ? { errorCode: record.errorCode } : {}),
    ...(record.errorMessage ? { errorMessage: record.errorMessage } : {}),
  };
}

/** Newest first, as CloudTrail lists them. */
export function buildAssumptions(records: readonly TrailRecord[], directory: TrailDirectory): Assumption[] {
  const outgoing = records.filter(isOutgoing);
  const incoming = records.filter((r) => !isOutgoing(r));
  const callerCopies = new Map(outgoing.flatMap((r) => (r.sharedEventId ? [[r.sharedEventId, r] as const] : [])));
  const answered = new Set(incoming.flatMap((r) => (r.sharedEventId ? [r.sharedEventId] : [])));
  const assumed = incoming
    .filter((r) => r.eventName === 'AssumeRole')
    .map((r) => toAssumption(r, directory, r.sharedEventId ? callerCopies.get(r.sharedEventId) : undefined, undefined));
  const bySessionKey = new Map<string, Assumption>();
  const assumedById = new Map(assumed.map((a) => [a.eventId, a]));
  for (const r of incoming) {
    const a = assumedById.get(r.eventId);
    if (a && r.sessionAccessKeyId) bySessionKey.set(r.sessionAccessKeyId, a);
  }
  const logins = incoming
    .filter((r) => r.eventName === 'ConsoleLogin')
    .map((r) =>
      toAssumption(r, directory, undefined, r.sessionAccessKeyId ? bySessionKey.get(r.sessionAccessKeyId) : undefined),
    );
  // The caller's copy of a call whose role's account was not read is the only evidence of it: keep it.
  const unanswered = outgoing
    .filter((r) => !r.sharedEventId || !answered.has(r.sharedEventId))
    .map((r) => {
      const roleAccount = accountOfArn(r.roleArn) ?? r.accountId;
      const { accountName: _callerAccount, ...a } = toAssumption(r, directory, undefined, undefined);
      const accountName = directory.accountName(roleAccount);
      return { ...a, accountId: roleAccount, ...(accountName ? { accountName } : {}), outgoing: true };
    });
  return [...assumed, ...logins, ...unanswered].sort(
    (a, b) => b.time.localeCompare(a.time) || a.eventId.localeCompare(b.eventId),
  );
}
