import { isArn, parseArn } from '../../arn.js';
import { TRAIL_EVENT_NAMES, type TrailCaller, type TrailEventName, type TrailRecord } from './types.js';

/**
 * One LookupEvents event → a TrailRecord. The CloudTrailEvent JSON is AWS's record, untyped at this edge: every
 * field is read with narrowing, and a record that names no role or no caller is kept with what it does name
 * rather than dropped, because an odd record is still evidence.
 */
type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objAt(value: unknown, ...path: string[]): Json | undefined {
  let current: unknown = value;
  for (const key of path) current = isRecord(current) ? current[key] : undefined;
  return isRecord(current) ? current : undefined;
}

function strAt(value: unknown, ...path: string[]): string | undefined {
  const key = path.pop();
  const parent = path.length > 0 ? objAt(value, ...path) : isRecord(value) ? value : undefined;
  const found = key !== undefined ? parent?.[key] : undefined;
  return typeof found === 'string' && found.length > 0 ? found : undefined;
}

/** CloudTrail writes flags as "true"/"false" (AssumeRole) and "Yes"/"No" (ConsoleLogin's MFAUsed). */
function flag(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const t = text.toLowerCase();
  if (t === 'true' || t === 'yes') return true;
  if (t === 'false' || t === 'no') return false;
  return undefined;
}

function isEventName(name: string | undefined): name is TrailEventName {
  return (TRAIL_EVENT_NAMES as readonly (string | undefined)[]).includes(name);
}

function callerOf(identity: Json | undefined, fallbackAccount: string): TrailCaller {
  const arn = strAt(identity, 'arn');
  const principalId = strAt(identity, 'principalId');
  const invokedBy = strAt(identity, 'invokedBy');
  const accountId =
    strAt(identity, 'accountId') ?? (arn && isArn(arn) ? parseArn(arn).accountId : undefined) ?? fallbackAccount;
  return {
    type: strAt(identity, 'type') ?? 'Unknown',
    accountId,
    ...(principalId ? { principalId } : {}),
    ...(arn ? { arn } : {}),
    ...(invokedBy ? { invokedBy } : {}),
  };
}

/** A role session's ARN (`arn:aws:sts::1:assumed-role/Role/session`) → the role's ARN and the session name. */
export function roleOfSessionArn(sessionArn: string): { roleArn: string; sessionName: string } | undefined {
  if (!isArn(sessionArn)) return undefined;
  const arn = parseArn(sessionArn);
  if (arn.resourceType !== 'assumed-role') return undefined;
  // `assumed-role/ROLE/SESSION`: parseArn's resourceName is the last segment only.
  const [, roleName, sessionName] = arn.resource.split('/');
  if (!roleName || !sessionName) return undefined;
  return { roleArn: `arn:${arn.partition}:iam::${arn.accountId}:role/${roleName}`, sessionName };
}

function roleArnOf(record: Json, resources: unknown): string | undefined {
  const requested = strAt(record, 'requestParameters', 'roleArn');
  if (requested) return requested;
  const list = Array.isArray(resources) ? resources : [];
  for (const r of list) {
    const name = strAt(r, 'ResourceName') ?? strAt(r, 'ARN');
    const type = strAt(r, 'ResourceType') ?? strAt(r, 'type');
    if (name && type === 'AWS::IAM::Role') return name;
  }
  return undefined;
}

function mfaOf(record: Json, eventName: TrailEventName): boolean | undefined {
  if (eventName === 'ConsoleLogin') return flag(strAt(record, 'additionalEventData', 'MFAUsed'));
  return (
    flag(strAt(record, 'additionalEventData', 'mfaAuthenticated')) ??
    flag(strAt(record, 'userIdentity', 'sessionContext', 'attributes', 'mfaAuthenticated'))
  );
}

function assumeRoleFields(record: Json, resources: unknown): Partial<TrailRecord> {
  const roleArn = roleArnOf(record, resources);
  const sessionName = strAt(record, 'requestParameters', 'roleSessionName');
  const sourceIdentity =
    strAt(record, 'requestParameters', 'sourceIdentity') ?? strAt(record, 'responseElements', 'sourceIdentity');
  const sessionAccessKeyId = strAt(record, 'responseElements', 'credentials', 'accessKeyId');
  return {
    ...(roleArn ? { roleArn } : {}),
    ...(sessionName ? { sessionName } : {}),
    ...(sourceIdentity ? { sourceIdentity } : {}),
    ...(sessionAccessKeyId ? { sessionAccessKeyId } : {}),
  };
}

/** A console sign-in is made by a role session: the role is its issuer, the session name ends its ARN. */
function consoleLoginFields(record: Json): Partial<TrailRecord> {
  const sessionArn = strAt(record, 'userIdentity', 'arn');
  const fromArn = sessionArn ? roleOfSessionArn(sessionArn) : undefined;
  const roleArn = strAt(record, 'userIdentity', 'sessionContext', 'sessionIssuer', 'arn') ?? fromArn?.roleArn;
  const sourceIdentity = strAt(record, 'userIdentity', 'sessionContext', 'sourceIdentity');
  const sessionAccessKeyId = strAt(record, 'userIdentity', 'accessKeyId');
  return {
    ...(roleArn ? { roleArn } : {}),
    ...(fromArn ? { sessionName: fromArn.sessionName } : {}),
    ...(sourceIdentity ? { sourceIdentity } : {}),
    ...(sessionAccessKeyId ? { sessionAccessKeyId } : {}),
  };
}

/** The event as LookupEvents returns it (SDK shape), plus where it was read. */
export interface LookedUpEvent {
  EventId?: string;
  EventName?: string;
  EventTime?: Date | string;
  Resources?: unknown;
  CloudTrailEvent?: string;
}

export function parseTrailEvent(
  event: LookedUpEvent,
  where: { accountId: string; region: string },
): TrailRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.CloudTrailEvent ?? '{}');
  } catch {
    parsed = {};
  }
  const json: Json = isRecord(parsed) ? parsed : {};
  const eventName = event.EventName ?? strAt(json, 'eventName');
  if (!isEventName(eventName)) return undefined;
  const time =
    event.EventTime instanceof Date
      ? event.EventTime.toISOString()
      : (event.EventTime ?? strAt(json, 'eventTime') ?? '');
  const fields =
    eventName === 'AssumeRole'
      ? assumeRoleFields(json, event.Resources ?? json['resources'])
      : consoleLoginFields(json);
  const mfa = mfaOf(json, eventName);
  const sharedEventId = strAt(json, 'sharedEventID');
  const errorCode =
    strAt(json, 'errorCode') ??
    (eventName === 'ConsoleLogin' && strAt(json, 'responseElements', 'ConsoleLogin') === 'Failure'
      ? 'Failure'
      : undefined);
  const errorMessage = strAt(json, 'errorMessage');
  return {
    eventId: event.EventId ?? strAt(json, 'eventID') ?? '',
    eventName,
    time,
    accountId: where.accountId,
    region: where.region,
    ...fields,
    caller: callerOf(objAt(json, 'userIdentity'), where.accountId),
    ...(mfa !== undefined ? { mfa } : {}),
    ...(sharedEventId ? { sharedEventId } : {}),
    ...(errorCode ? { errorCode } : {}),
    ...(errorCode && errorMessage ? { errorMessage } : {}),
  };
}
