import { createHash } from 'node:crypto';
import { ApiError } from '../api-error.js';
import { bool, list, num, obj, str, strList, type HandlerContext, type ServiceImpl } from '../service.js';
import type { TrailEvent } from '../world/types.js';

/**
 * CloudTrail's event history (LookupEvents): the management events of the caller's account in the region the
 * request was signed for, newest first, over the last 90 days, as AWS keeps them. The events are those the
 * sandbox records (AssumeRole in sts.ts, ConsoleLogin in federation.ts, writes of other services).
 */

const DAY_MS = 86_400_000;
const HISTORY_MS = 90 * DAY_MS;
const DEFAULT_MAX_RESULTS = 50;
const ATTRIBUTE_KEYS = [
  'EventId',
  'EventName',
  'ReadOnly',
  'Username',
  'ResourceType',
  'ResourceName',
  'EventSource',
  'AccessKeyId',
] as const;
type AttributeKey = (typeof ATTRIBUTE_KEYS)[number];

const isAttributeKey = (k: string): k is AttributeKey => (ATTRIBUTE_KEYS as readonly string[]).includes(k);

interface Lookup {
  attribute?: { key: AttributeKey; value: string };
  startMs: number;
  endMs: number;
  maxResults: number;
  /** Identifies the query, so that a token is only accepted with the parameters it was issued for. */
  fingerprint: string;
}

/** JSON protocols send timestamps as epoch seconds; accept ISO text and Date as well, to be lenient at the edge. */
function timeOf(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms =
    typeof value === 'number'
      ? value * 1000
      : value instanceof Date
        ? value.getTime()
        : typeof value === 'string'
          ? Date.parse(value)
          : NaN;
  if (!Number.isFinite(ms)) throw new ApiError('InvalidTimeRangeException', `${name} is not a valid timestamp.`, 400);
  return ms;
}

function parseAttribute(input: Record<string, unknown>): Lookup['attribute'] {
  const attributes = list(input, 'LookupAttributes').map(obj);
  if (attributes.length === 0) return undefined;
  // The API takes a list, but AWS allows one attribute per lookup.
  if (attributes.length > 1)
    throw new ApiError('InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.', 400);
  const first = attributes[0] ?? {};
  const key = str(first, 'AttributeKey') ?? '';
  const value = str(first, 'AttributeValue');
  if (!isAttributeKey(key))
    throw new ApiError(
      'InvalidLookupAttributesException',
      `The attribute key ${key} is not valid. Valid keys are ${ATTRIBUTE_KEYS.join(', ')}.`,
      400,
    );
  if (value === undefined || value.length === 0 || value.length > 2000)
    throw new ApiError(
      'InvalidLookupAttributesException',
      `The attribute value for ${key} must be between 1 and 2000 characters.`,
      400,
    );
  return { key, value };
}

function parseLookup(ctx: HandlerContext, input: Record<string, unknown>): Lookup {
  const attribute = parseAttribute(input);
  const now = ctx.now();
  const start = timeOf(input['StartTime'], 'StartTime');
  const end = timeOf(input['EndTime'], 'EndTime');
  if (start !== undefined && end !== undefined && start > end)
    throw new ApiError('InvalidTimeRangeException', 'Start time must be earlier than end time.', 400);
  const startMs = start ?? now - HISTORY_MS;
  const endMs = end ?? now;
  const max = num(input, 'MaxResults');
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 50)) {
    throw new ApiError(
      'InvalidMaxResultsException',
      `Value ${max} for MaxResults is invalid: it must be between 1 and 50.`,
      400,
    );
  }
  const category = str(input, 'EventCategory');
  if (category !== undefined && category !== 'insight')
    throw new ApiError(
      'InvalidEventCategoryException',
      `Event category ${category} is not valid. The valid event category is insight.`,
      400,
    );
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify([
        ctx.caller.accountId,
        ctx.region,
        attribute,
        input['StartTime'] ?? null,
        input['EndTime'] ?? null,
        category ?? null,
      ]),
    )
    .digest('hex')
    .slice(0, 16);
  return { ...(attribute ? { attribute } : {}), startMs, endMs, maxResults: max ?? DEFAULT_MAX_RESULTS, fingerprint };
}

function matches(event: TrailEvent, attribute: Lookup['attribute']): boolean {
  if (!attribute) return true;
  const v = attribute.value;
  switch (attribute.key) {
    case 'EventId':
      return event.eventId === v;
    case 'EventName':
      return event.eventName === v;
    case 'EventSource':
      return event.eventSource === v;
    case 'Username':
      return event.username === v;
    case 'AccessKeyId':
      return event.accessKeyId === v;
    case 'ReadOnly':
      return String(event.readOnly) === v;
    case 'ResourceName':
      return event.resources.some((r) => r.name === v);
    case 'ResourceType':
      return event.resources.some((r) => r.type === v);
  }
}

function eventOut(event: TrailEvent) {
  return {
    EventId: event.eventId,
    EventName: event.eventName,
    ReadOnly: String(event.readOnly),
    AccessKeyId: event.accessKeyId,
    EventTime: new Date(event.eventTime),
    EventSource: event.eventSource,
    Username: event.username,
    Resources: event.resources.map((r) => ({ ResourceType: r.type, ResourceName: r.name })),
    CloudTrailEvent: JSON.stringify(event.record),
  };
}

/**
 * The token names the event to resume at, so that events recorded between two pages (appended at the newest
 * end) neither shift nor repeat the older ones still to come.
 */
function encodeToken(fingerprint: string, eventId: string): string {
  return Buffer.from(JSON.stringify({ f: fingerprint, e: eventId })).toString('base64');
}

function resumeIndex(trail: readonly TrailEvent[], token: string, fingerprint: string): number {
  const invalid = () =>
    new ApiError(
      'InvalidNextTokenException',
      'Invalid NextToken: the token is not valid, or was issued for a request with different parameters.',
      400,
    );
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { f, e } = obj(decoded);
  if (f !== fingerprint || typeof e !== 'string') throw invalid();
  for (let i = trail.length - 1; i >= 0; i -= 1) if (trail[i]?.eventId === e) return i;
  // The event aged out of the capped history: nothing older remains to return.
  return -1;
}

function lookupEvents(ctx: HandlerContext, input: Record<string, unknown>) {
  const lookup = parseLookup(ctx, input);
  if (str(input, 'EventCategory') === 'insight') return { Events: [] };
  const trail = ctx.world.accounts[ctx.caller.accountId]?.trail[ctx.region] ?? [];
  const token = str(input, 'NextToken');
  let i = token !== undefined ? resumeIndex(trail, token, lookup.fingerprint) : trail.length - 1;
  const events: TrailEvent[] = [];
  for (; i >= 0; i -= 1) {
    const event = trail[i];
    if (!event) continue;
    const at = Date.parse(event.eventTime);
    if (at > lookup.endMs) continue;
    if (at < lookup.startMs) break;
    if (!matches(event, lookup.attribute)) continue;
    if (events.length === lookup.maxResults) {
      return { Events: events.map(eventOut), NextToken: encodeToken(lookup.fingerprint, event.eventId) };
    }
    events.push(event);
  }
  return { Events: events.map(eventOut) };
}

/** One organization trail, created in the management account and visible (as AWS shows it) in every member. */
function describeTrails(ctx: HandlerContext, input: Record<string, unknown>) {
  const org = ctx.world.organization;
  const home = 'us-east-1';
  const name = 'organization-trail';
  const arn = `arn:aws:cloudtrail:${home}:${org.masterAccountId}:trail/${name}`;
  const trail = {
    Name: name,
    S3BucketName: `aws-cloudtrail-logs-${org.masterAccountId}-org`,
    IncludeGlobalServiceEvents: true,
    IsMultiRegionTrail: true,
    HomeRegion: home,
    TrailARN: arn,
    LogFileValidationEnabled: true,
    HasCustomEventSelectors: false,
    HasInsightSelectors: false,
    IsOrganizationTrail: true,
  };
  const names = strList(input, 'trailNameList');
  // A trail seen outside its home region or account is a "shadow trail", listed unless the caller opts out.
  const shadow = ctx.region !== home || ctx.caller.accountId !== org.masterAccountId;
  const includeShadow = bool(input, 'includeShadowTrails') ?? true;
  const named = names.length === 0 || names.includes(name) || names.includes(arn);
  return { trailList: named && (includeShadow || !shadow) ? [trail] : [] };
}

export const cloudTrailService: ServiceImpl = {
  signingName: 'cloudtrail',
  modelName: 'cloudtrail',
  actionPrefix: 'cloudtrail',
  operations: {
    LookupEvents: lookupEvents,
    DescribeTrails: describeTrails,
  },
};
