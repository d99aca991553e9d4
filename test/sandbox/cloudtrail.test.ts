import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  LookupEventsCommand,
  paginateLookupEvents,
  type Event,
} from '@aws-sdk/client-cloudtrail';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import {
  DEVELOPMENT,
  MANAGEMENT,
  PRODUCTION,
  assume,
  clientConfig,
  failure,
  keysOf,
  readOnlySession,
  roleArn,
} from '../helpers/sandbox-clients.js';
import { runAwsCli } from '../helpers/limited-role.js';

const PROD_READ_ONLY = roleArn(PRODUCTION, 'CrossbarReadOnly');

let sb: Sandbox;
let prodCreds: AwsCredentialIdentity;
let prod: CloudTrailClient;
const trail = (creds: AwsCredentialIdentity, region = 'us-east-1') =>
  new CloudTrailClient(clientConfig(sb, creds, region));
const record = (e: Event | undefined) =>
  JSON.parse(e?.CloudTrailEvent ?? '{}') as {
    userIdentity?: { type?: string; arn?: string; userName?: string; accountId?: string; principalId?: string };
    requestParameters?: { roleArn?: string; roleSessionName?: string };
    awsRegion?: string;
    recipientAccountId?: string;
  };
/** Across accounts the role's account sees the calling account and principal id, not the caller's ARN. */
const fromAlice = (sb: Sandbox) => (e: Event) => {
  const u = record(e).userIdentity;
  return (
    u?.type === 'AWSAccount' &&
    u.accountId === MANAGEMENT &&
    u.principalId === sb.world.accounts[MANAGEMENT]?.iam.users['alice']?.id
  );
};
const byName = (name: string) => ({ LookupAttributes: [{ AttributeKey: 'EventName' as const, AttributeValue: name }] });

beforeAll(async () => {
  sb = await startTestSandbox();
  // alice assumes CrossbarReadOnly in production: CloudTrail records it there, and in her own account.
  prodCreds = await readOnlySession(sb, PRODUCTION);
  prod = trail(prodCreds);
});
afterAll(async () => {
  await sb.stop();
});

describe('LookupEvents', () => {
  it('shows production the AssumeRole alice made into it, with the full CloudTrail record', async () => {
    const out = await prod.send(new LookupEventsCommand(byName('AssumeRole')));
    const event = out.Events?.find(fromAlice(sb));
    expect(event).toMatchObject({
      EventName: 'AssumeRole',
      EventSource: 'sts.amazonaws.com',
      ReadOnly: 'true',
      Username: 'alice',
      AccessKeyId: keysOf(sb, 'alice').accessKeyId,
      Resources: [{ ResourceType: 'AWS::IAM::Role', ResourceName: PROD_READ_ONLY }],
    });
    expect(event?.EventTime).toBeInstanceOf(Date);
    expect(Math.abs((event?.EventTime?.getTime() ?? 0) - sb.now())).toBeLessThan(60_000);
    expect(record(event)).toMatchObject({
      requestParameters: { roleArn: PROD_READ_ONLY },
      awsRegion: 'us-east-1',
      recipientAccountId: PRODUCTION,
    });
  });

  it('allows only one lookup attribute', async () => {
    const f = await failure(
      prod.send(
        new LookupEventsCommand({
          LookupAttributes: [
            { AttributeKey: 'EventName', AttributeValue: 'AssumeRole' },
            { AttributeKey: 'Username', AttributeValue: 'alice' },
          ],
        }),
      ),
    );
    expect(f).toMatchObject({ name: 'InvalidLookupAttributesException', status: 400 });
  });

  it('is regional: the same session in eu-west-1 finds no such event', async () => {
    const out = await trail(prodCreds, 'eu-west-1').send(new LookupEventsCommand(byName('AssumeRole')));
    expect(out.Events).toEqual([]);
  });

  it("is per account: development does not see production's events, the management account sees alice's own", async () => {
    const dev = trail(await readOnlySession(sb, DEVELOPMENT));
    const devEvents = (await dev.send(new LookupEventsCommand(byName('AssumeRole')))).Events ?? [];
    expect(devEvents.length).toBeGreaterThan(0);
    expect(devEvents.some((e) => record(e).requestParameters?.roleArn === PROD_READ_ONLY)).toBe(false);
    const mine =
      (
        await trail(keysOf(sb, 'alice')).send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: PROD_READ_ONLY }],
          }),
        )
      ).Events ?? [];
    expect(mine.map((e) => record(e).recipientAccountId)).toContain(MANAGEMENT);
  });

  it('filters by each attribute', async () => {
    const one = async (
      AttributeKey: 'Username' | 'ReadOnly' | 'EventSource' | 'ResourceType' | 'AccessKeyId',
      AttributeValue: string,
    ) =>
      (await prod.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey, AttributeValue }] }))).Events ?? [];
    expect((await one('Username', 'alice')).length).toBeGreaterThan(0);
    expect(await one('Username', 'mallory')).toEqual([]);
    expect((await one('ReadOnly', 'true')).every((e) => e.ReadOnly === 'true')).toBe(true);
    expect(await one('ReadOnly', 'false')).toEqual([]);
    expect((await one('EventSource', 'sts.amazonaws.com')).length).toBeGreaterThan(0);
    expect((await one('ResourceType', 'AWS::IAM::Role')).length).toBeGreaterThan(0);
    expect((await one('AccessKeyId', keysOf(sb, 'alice').accessKeyId)).length).toBeGreaterThan(0);
    const [first] = await one('Username', 'alice');
    const byId = await prod.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: first?.EventId ?? '' }],
      }),
    );
    expect(byId.Events?.map((e) => e.EventId)).toEqual([first?.EventId]);
  });

  it('pages newest first with MaxResults and NextToken', async () => {
    for (let i = 0; i < 4; i += 1) await assume(sb, keysOf(sb, 'bob'), PRODUCTION, 'CrossbarReadOnly');
    const ids: string[] = [];
    const times: number[] = [];
    let pages = 0;
    for await (const page of paginateLookupEvents({ client: prod, pageSize: 2 }, byName('AssumeRole'))) {
      pages += 1;
      expect(page.Events?.length).toBeLessThanOrEqual(2);
      for (const e of page.Events ?? []) {
        ids.push(e.EventId ?? '');
        times.push(e.EventTime?.getTime() ?? 0);
      }
    }
    expect(ids.length).toBeGreaterThanOrEqual(5);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBe(Math.ceil(ids.length / 2));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(await failure(prod.send(new LookupEventsCommand({ NextToken: 'not-a-token' })))).toMatchObject({
      name: 'InvalidNextTokenException',
    });
    expect(await failure(prod.send(new LookupEventsCommand({ MaxResults: 51 })))).toMatchObject({
      name: 'InvalidMaxResultsException',
    });
  });

  it('honours StartTime and EndTime', async () => {
    const future = new Date(sb.now() + 3_600_000);
    expect((await prod.send(new LookupEventsCommand({ ...byName('AssumeRole'), StartTime: future }))).Events).toEqual(
      [],
    );
    const around = await prod.send(
      new LookupEventsCommand({ ...byName('AssumeRole'), StartTime: new Date(sb.now() - 3_600_000), EndTime: future }),
    );
    expect(around.Events?.length).toBeGreaterThan(0);
    expect(
      await failure(prod.send(new LookupEventsCommand({ StartTime: future, EndTime: new Date(sb.now()) }))),
    ).toMatchObject({ name: 'InvalidTimeRangeException' });
  });

  it('refuses a role whose identity policy does not allow cloudtrail:LookupEvents', async () => {
    const hub = trail(await assume(sb, keysOf(sb, 'alice'), MANAGEMENT, 'CrossbarHub'));
    const f = await failure(hub.send(new LookupEventsCommand({})));
    expect(f.name).toBe('AccessDeniedException');
    expect(f.message).toContain('is not authorized to perform: cloudtrail:LookupEvents');
  });
});

describe('denied AssumeRole calls (issue 9 item 21)', () => {
  type Rec = ReturnType<typeof record> & { errorCode?: string; errorMessage?: string; responseElements?: unknown };
  const attempt = (who: AwsCredentialIdentity, accountId: string, role: string, session: string) =>
    failure(
      new STSClient(clientConfig(sb, who)).send(
        new AssumeRoleCommand({ RoleArn: roleArn(accountId, role), RoleSessionName: session }),
      ),
    );
  const events = async (creds: AwsCredentialIdentity, session: string): Promise<Rec[]> => {
    const out = await trail(creds).send(new LookupEventsCommand(byName('AssumeRole')));
    return (out.Events ?? [])
      .map((e) => record(e) as Rec)
      .filter((r) => r.requestParameters?.roleSessionName === session);
  };

  it("are recorded with errorCode and errorMessage in the caller's account and in the role's account that trusts it", async () => {
    // bob into production's administrator without MFA: the trust policy names the management account but wants MFA.
    const f = await attempt(keysOf(sb, 'bob'), PRODUCTION, 'administrator', 'bob-no-mfa');
    expect(f).toMatchObject({ name: 'AccessDenied', status: 403 });
    const [inProduction] = await events(prodCreds, 'bob-no-mfa');
    expect(inProduction).toMatchObject({
      errorCode: 'AccessDenied',
      errorMessage: f.message,
      userIdentity: { type: 'AWSAccount', accountId: MANAGEMENT },
      requestParameters: { roleArn: roleArn(PRODUCTION, 'administrator'), roleSessionName: 'bob-no-mfa' },
      recipientAccountId: PRODUCTION,
    });
    expect(inProduction?.responseElements).toBeNull();
    const own = (sb.world.accounts[MANAGEMENT]?.trail['us-east-1'] ?? []).filter(
      (e) => e.eventName === 'AssumeRole' && e.record['errorCode'] === 'AccessDenied',
    );
    expect(own.at(-1)?.record).toMatchObject({
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${MANAGEMENT}:user/bob` },
      errorMessage: f.message,
      recipientAccountId: MANAGEMENT,
    });
  });

  it('its twin: a granted AssumeRole has no errorCode', async () => {
    const granted = (await trail(prodCreds).send(new LookupEventsCommand(byName('AssumeRole')))).Events ?? [];
    const alices = granted
      .map((e) => record(e) as Rec)
      .filter((r) => r.requestParameters?.roleSessionName === 'test-session');
    expect(alices.length).toBeGreaterThan(0);
    for (const r of alices) expect(r.errorCode).toBeUndefined();
  });

  it("a guessed role in an account that does not trust the caller is recorded only in the caller's account", async () => {
    const dev = await readOnlySession(sb, DEVELOPMENT);
    const before = (sb.world.accounts[PRODUCTION]?.trail['us-east-1'] ?? []).length;
    await attempt(dev, PRODUCTION, 'no-such-role', 'guessing');
    expect((sb.world.accounts[PRODUCTION]?.trail['us-east-1'] ?? []).length).toBe(before);
    const [own] = await events(dev, 'guessing');
    expect(own).toMatchObject({ errorCode: 'AccessDenied', recipientAccountId: DEVELOPMENT });
  });
});

describe('DescribeTrails', () => {
  it('shows the organization trail in the management account and, as a shadow trail, in members', async () => {
    const mine = await trail(keysOf(sb, 'alice')).send(new DescribeTrailsCommand({}));
    expect(mine.trailList).toEqual([
      expect.objectContaining({
        Name: 'organization-trail',
        IsOrganizationTrail: true,
        IsMultiRegionTrail: true,
        HomeRegion: 'us-east-1',
      }),
    ]);
    expect((await prod.send(new DescribeTrailsCommand({}))).trailList).toHaveLength(1);
    expect((await prod.send(new DescribeTrailsCommand({ includeShadowTrails: false }))).trailList).toEqual([]);
  });
});

describe('the AWS CLI', () => {
  it('looks up the AssumeRole events of production', async () => {
    const out = await runAwsCli(sb, prodCreds, [
      'cloudtrail',
      'lookup-events',
      '--lookup-attributes',
      'AttributeKey=EventName,AttributeValue=AssumeRole',
    ]);
    expect(out.code).toBe(0);
    const parsed = JSON.parse(out.stdout) as { Events: { EventName: string; CloudTrailEvent: string }[] };
    expect(parsed.Events.length).toBeGreaterThan(0);
    expect(parsed.Events.every((e) => e.EventName === 'AssumeRole')).toBe(true);
    expect(
      parsed.Events.some(
        (e) =>
          (JSON.parse(e.CloudTrailEvent) as { userIdentity: { accountId?: string; type?: string } }).userIdentity
            .accountId === MANAGEMENT,
      ),
    ).toBe(true);
  });

  it('shows the refusal of a second attribute', async () => {
    const out = await runAwsCli(sb, prodCreds, [
      'cloudtrail',
      'lookup-events',
      '--lookup-attributes',
      'AttributeKey=EventName,AttributeValue=AssumeRole',
      'AttributeKey=Username,AttributeValue=alice',
    ]);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('InvalidLookupAttributesException');
  });
});
