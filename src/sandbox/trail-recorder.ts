import type { Caller } from './auth/caller.js';
import type { TrailEventInput } from './service.js';
import type { World } from './world/types.js';
import { newEventId } from './world/ids.js';

/** The userIdentity block CloudTrail writes for a caller. */
export function userIdentityOf(world: World, caller: Caller): Record<string, unknown> {
  const base = {
    principalId: caller.userId,
    arn: caller.arn,
    accountId: caller.accountId,
    accessKeyId: caller.accessKeyId,
  };
  const p = caller.principal;
  const session = caller.session;
  const sessionContext = session
    ? {
        sessionContext: {
          attributes: { creationDate: session.issuedAt, mfaAuthenticated: session.mfaAuthTime ? 'true' : 'false' },
          ...(p.type === 'assumed-role'
            ? {
                sessionIssuer: {
                  type: 'Role',
                  principalId: world.accounts[p.accountId]?.iam.roles[p.roleName]?.id ?? '',
                  arn: world.accounts[p.accountId]?.iam.roles[p.roleName]?.arn ?? '',
                  accountId: p.accountId,
                  userName: p.roleName,
                },
              }
            : {}),
          ...(session.sourceIdentity ? { sourceIdentity: session.sourceIdentity } : {}),
        },
      }
    : {};
  if (p.type === 'user') return { type: 'IAMUser', ...base, userName: p.userName, ...sessionContext };
  if (p.type === 'root') return { type: 'Root', ...base };
  return { type: 'AssumedRole', ...base, ...sessionContext };
}

/** Appends one CloudTrail management event to an account's trail in a region. */
export function recordTrailEvent(
  world: World,
  accountId: string,
  region: string,
  caller: Caller,
  event: TrailEventInput,
  at: number,
  sourceIp: string,
  userAgent: string,
): void {
  const account = world.accounts[accountId];
  if (!account) return;
  const eventId = newEventId(world);
  const eventTime = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const userIdentity = event.userIdentity ?? userIdentityOf(world, caller);
  const record: Record<string, unknown> = {
    eventVersion: '1.08',
    userIdentity,
    eventTime,
    eventSource: event.eventSource,
    eventName: event.eventName,
    awsRegion: region,
    sourceIPAddress: sourceIp,
    userAgent,
    requestParameters: event.requestParameters ?? null,
    responseElements: event.responseElements ?? null,
    ...(event.additionalEventData ? { additionalEventData: event.additionalEventData } : {}),
    ...(event.errorCode ? { errorCode: event.errorCode, errorMessage: event.errorMessage } : {}),
    requestID: eventId,
    eventID: eventId,
    readOnly: event.readOnly,
    ...(event.resources ? { resources: event.resources.map((r) => ({ accountId, type: r.type, ARN: r.name })) } : {}),
    eventType: event.eventType ?? 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: event.recipientAccountId ?? accountId,
    ...(event.sharedEventID ? { sharedEventID: event.sharedEventID } : {}),
    eventCategory: 'Management',
  };
  // Event history's user name: the IAM user, or a role session's name, whoever the identity block shows.
  const userName =
    caller.principal.type === 'user'
      ? caller.principal.userName
      : caller.principal.type === 'assumed-role'
        ? caller.principal.sessionName
        : undefined;
  const list = (account.trail[region] ??= []);
  list.push({
    eventId,
    eventName: event.eventName,
    eventSource: event.eventSource,
    eventTime,
    readOnly: event.readOnly,
    ...(userName ? { username: userName } : {}),
    accessKeyId: caller.accessKeyId,
    record,
    resources: event.resources ?? [],
  });
  // A trail keeps 90 days of events in LookupEvents; the sandbox caps memory instead.
  if (list.length > 10_000) list.splice(0, list.length - 10_000);
}
