/**
 * The vocabulary of `audit trail`: one record per AssumeRole or ConsoleLogin event as CloudTrail wrote it, and
 * the caller behind it as far as the evidence names it.
 */
export type TrailEventName = 'AssumeRole' | 'ConsoleLogin';
export const TRAIL_EVENT_NAMES: readonly TrailEventName[] = ['AssumeRole', 'ConsoleLogin'];

/** How the caller's account relates to what crossbar knows: the registry, the source's own account, the organization, or none. */
export type PrincipalKnowledge = 'registry' | 'source' | 'organization' | 'foreign';

export interface TrailCaller {
  /** CloudTrail's userIdentity.type: IAMUser, AssumedRole, AWSAccount (a cross-account call seen from the role's side), Root… */
  type: string;
  accountId: string;
  /** The principal's id (AIDA… for a user, AROA…:session for a role session), all a cross-account record shows. */
  principalId?: string;
  /** The principal's ARN, when the record (or the caller's own account's copy of it) shows it. */
  arn?: string;
  /** The service that called on the principal's behalf (`ec2.amazonaws.com` for an AWSService caller). */
  invokedBy?: string;
}

export interface TrailRecord {
  eventId: string;
  eventName: TrailEventName;
  /** ISO time of the event. */
  time: string;
  /** The account and region whose trail holds the record. */
  accountId: string;
  region: string;
  /** The role assumed, or the role whose session signed in to the console. */
  roleArn?: string;
  sessionName?: string;
  sourceIdentity?: string;
  caller: TrailCaller;
  /** true / false as CloudTrail says; undefined when the record does not say. */
  mfa?: boolean;
  /** The role session's access key: links a ConsoleLogin to the AssumeRole that created its session. */
  sessionAccessKeyId?: string;
  /** CloudTrail's link between the two copies of a cross-account call (the role's account's and the caller's). */
  sharedEventId?: string;
  /** Set when the call failed (AccessDenied…): a denied attempt is evidence too. */
  errorCode?: string;
  /** CloudTrail's errorMessage of a failed call: which policy said no. */
  errorMessage?: string;
}
