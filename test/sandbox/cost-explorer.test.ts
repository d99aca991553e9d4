import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetDimensionValuesCommand,
  type GetCostAndUsageCommandInput,
  type ResultByTime,
} from '@aws-sdk/client-cost-explorer';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import {
  CLIENT_ACME,
  DEVELOPMENT,
  MANAGEMENT,
  PRODUCTION,
  STAGING,
  clientConfig,
  failure,
  keysOf,
  readOnlySession,
} from '../helpers/sandbox-clients.js';
import { runAwsCli } from '../helpers/limited-role.js';

let sb: Sandbox;
let alice: CostExplorerClient;
let memberCreds: AwsCredentialIdentity;
let window: { Start: string; End: string };

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** 13 complete months and the current one, End exclusive: the first of next month. */
function thirteenMonths(now: number): { Start: string; End: string } {
  const d = new Date(now);
  return {
    Start: day(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 13, 1)),
    End: day(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)),
  };
}
const amount = (r: ResultByTime | undefined, metric = 'UnblendedCost') => Number(r?.Total?.[metric]?.Amount ?? NaN);
const groupSum = (r: ResultByTime | undefined, metric = 'UnblendedCost') =>
  (r?.Groups ?? []).reduce((s, g) => s + Number(g.Metrics?.[metric]?.Amount ?? 0), 0);
const groupAmount = (r: ResultByTime | undefined, key: string) =>
  Number(r?.Groups?.find((g) => g.Keys?.join('|') === key)?.Metrics?.['UnblendedCost']?.Amount ?? 0);

async function query(input: Partial<GetCostAndUsageCommandInput>, client = alice) {
  return client.send(
    new GetCostAndUsageCommand({ TimePeriod: window, Granularity: 'MONTHLY', Metrics: ['UnblendedCost'], ...input }),
  );
}

beforeAll(async () => {
  sb = await startTestSandbox();
  alice = new CostExplorerClient(clientConfig(sb, keysOf(sb, 'alice')));
  memberCreds = await readOnlySession(sb, DEVELOPMENT);
  window = thirteenMonths(sb.now());
});
afterAll(async () => {
  await sb.stop();
});

describe('GetCostAndUsage in the payer account', () => {
  it('returns 14 monthly totals, the current month estimated, amounts as AWS writes them', async () => {
    const out = await query({ Metrics: ['UnblendedCost', 'BlendedCost', 'UsageQuantity'] });
    const results = out.ResultsByTime ?? [];
    expect(results).toHaveLength(14);
    expect(results[0]?.TimePeriod).toEqual({ Start: window.Start, End: results[1]?.TimePeriod?.Start });
    expect(results.at(-1)?.TimePeriod?.End).toBe(window.End);
    expect(results.map((r) => r.Estimated)).toEqual([...Array<boolean>(13).fill(false), true]);
    for (const r of results.slice(0, 13)) {
      expect(r.Total?.['UnblendedCost']).toMatchObject({
        Unit: 'USD',
        Amount: expect.stringMatching(/^\d+\.\d{10}$/) as unknown,
      });
      expect(r.Total?.['UsageQuantity']?.Unit).toBe('N/A');
      expect(amount(r)).toBeGreaterThan(1000);
      expect(r.Groups).toEqual([]);
    }
    expect(out.DimensionValueAttributes).toEqual([]);
    // The bill grows: the last complete month costs more than the first one.
    expect(amount(results[12])).toBeGreaterThan(amount(results[0]));
  });

  it('is deterministic: the same question gets the same numbers', async () => {
    const a = await query({});
    const b = await query({});
    expect(a.ResultsByTime).toEqual(b.ResultsByTime);
  });

  it('by LINKED_ACCOUNT: the groups add up to the ungrouped total, and production costs more than development', async () => {
    const total = await query({});
    const grouped = await query({ GroupBy: [{ Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }] });
    expect(grouped.GroupDefinitions).toEqual([{ Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }]);
    expect(grouped.DimensionValueAttributes).toEqual(
      [MANAGEMENT, DEVELOPMENT, STAGING, PRODUCTION, CLIENT_ACME].map((id) => ({
        Value: id,
        Attributes: { description: sb.world.accounts[id]?.name },
      })),
    );
    grouped.ResultsByTime?.forEach((r, i) => {
      expect(r.Total).toEqual({});
      expect(groupSum(r)).toBeCloseTo(amount(total.ResultsByTime?.[i]), 4);
      if (i < 13) expect(groupAmount(r, PRODUCTION)).toBeGreaterThan(groupAmount(r, DEVELOPMENT));
    });
  });

  it("by SERVICE: the consolidated bill's services, adding up to the total", async () => {
    const total = await query({});
    const grouped = await query({ GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }] });
    const lastMonth = grouped.ResultsByTime?.[12];
    expect(lastMonth?.Groups?.map((g) => g.Keys?.[0])).toEqual(
      expect.arrayContaining([
        'Amazon Elastic Compute Cloud - Compute',
        'Amazon Simple Storage Service',
        'Amazon Relational Database Service',
        'AWS Lambda',
        'Amazon CloudWatch',
        'Amazon DynamoDB',
        'AWS Key Management Service',
        'Tax',
      ]),
    );
    expect(groupSum(lastMonth)).toBeCloseTo(amount(total.ResultsByTime?.[12]), 4);
  });

  it('by TAG stage: keys "stage$prod" and "stage$" for the untagged management account', async () => {
    const total = await query({});
    const grouped = await query({ GroupBy: [{ Type: 'TAG', Key: 'stage' }] });
    const lastMonth = grouped.ResultsByTime?.[12];
    expect(lastMonth?.Groups?.map((g) => g.Keys?.[0]).sort()).toEqual([
      'stage$',
      'stage$client',
      'stage$dev',
      'stage$prod',
      'stage$staging',
    ]);
    expect(groupSum(lastMonth)).toBeCloseTo(amount(total.ResultsByTime?.[12]), 4);
  });

  it("finds the month's top mover: production DynamoDB jumps, development DynamoDB does not", async () => {
    const out = await query({
      GroupBy: [
        { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
        { Type: 'DIMENSION', Key: 'SERVICE' },
      ],
    });
    const [before, last] = [out.ResultsByTime?.[11], out.ResultsByTime?.[12]];
    expect(groupAmount(last, `${PRODUCTION}|Amazon DynamoDB`)).toBeGreaterThan(
      3 * groupAmount(before, `${PRODUCTION}|Amazon DynamoDB`),
    );
    expect(groupAmount(last, `${DEVELOPMENT}|Amazon DynamoDB`)).toBeLessThan(
      1.3 * groupAmount(before, `${DEVELOPMENT}|Amazon DynamoDB`),
    );
  });

  it('filters by dimension, tag, And, Or and Not, consistently with the groups', async () => {
    const byAccount = await query({ GroupBy: [{ Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }] });
    const prod = await query({ Filter: { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [PRODUCTION] } } });
    const prodTag = await query({ Filter: { Tags: { Key: 'stage', Values: ['prod'] } } });
    const notProd = await query({ Filter: { Not: { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [PRODUCTION] } } } });
    const both = await query({
      Filter: {
        Or: [
          { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [PRODUCTION] } },
          { Tags: { Key: 'stage', Values: ['dev'] } },
        ],
      },
    });
    const ec2InEu = await query({
      Filter: {
        And: [
          { Dimensions: { Key: 'SERVICE', Values: ['Amazon Elastic Compute Cloud - Compute'] } },
          { Dimensions: { Key: 'REGION', Values: ['eu-west-1'] } },
        ],
      },
      GroupBy: [{ Type: 'DIMENSION', Key: 'REGION' }],
    });
    const all = await query({});
    const m = 12;
    expect(amount(prod.ResultsByTime?.[m])).toBeCloseTo(groupAmount(byAccount.ResultsByTime?.[m], PRODUCTION), 4);
    expect(amount(prodTag.ResultsByTime?.[m])).toBeCloseTo(amount(prod.ResultsByTime?.[m]), 4);
    expect(amount(notProd.ResultsByTime?.[m]) + amount(prod.ResultsByTime?.[m])).toBeCloseTo(
      amount(all.ResultsByTime?.[m]),
      4,
    );
    expect(amount(both.ResultsByTime?.[m])).toBeCloseTo(
      groupAmount(byAccount.ResultsByTime?.[m], PRODUCTION) + groupAmount(byAccount.ResultsByTime?.[m], DEVELOPMENT),
      4,
    );
    expect(ec2InEu.ResultsByTime?.[m]?.Groups?.map((g) => g.Keys)).toEqual([['eu-west-1']]);
  });

  it('DAILY days add up to the MONTHLY month', async () => {
    const monthly = await query({});
    const lastMonth = monthly.ResultsByTime?.[12]?.TimePeriod;
    const daily = await alice.send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: lastMonth?.Start, End: lastMonth?.End },
        Granularity: 'DAILY',
        Metrics: ['UnblendedCost'],
      }),
    );
    expect(daily.ResultsByTime?.length).toBeGreaterThanOrEqual(28);
    const sum = (daily.ResultsByTime ?? []).reduce((s, r) => s + amount(r), 0);
    expect(sum).toBeCloseTo(amount(monthly.ResultsByTime?.[12]), 4);
  });

  it('names its linked accounts and services in GetDimensionValues', async () => {
    const accounts = await alice.send(
      new GetDimensionValuesCommand({ TimePeriod: window, Dimension: 'LINKED_ACCOUNT' }),
    );
    expect(accounts.DimensionValues).toContainEqual({ Value: PRODUCTION, Attributes: { description: 'production' } });
    expect(accounts).toMatchObject({ ReturnSize: 5, TotalSize: 5 });
    const services = await alice.send(
      new GetDimensionValuesCommand({ TimePeriod: window, Dimension: 'SERVICE', SearchString: 'amazon' }),
    );
    expect(services.DimensionValues?.every((v) => v.Value?.startsWith('Amazon'))).toBe(true);
  });
});

describe('refusals', () => {
  it('refuses a member account, naming it and the payer', async () => {
    const member = new CostExplorerClient(clientConfig(sb, memberCreds));
    const f = await failure(query({}, member));
    expect(f.name).toBe('AccessDeniedException');
    expect(f.message).toContain(
      `User: arn:aws:sts::${DEVELOPMENT}:assumed-role/CrossbarReadOnly/test-session is not authorized to perform: ce:GetCostAndUsage`,
    );
    expect(f.message).toContain(
      `Cost Explorer is only available in the management (payer) account ${MANAGEMENT} of this organization`,
    );
  });

  it('refuses bad dates, metrics, groupings and filters with ValidationException', async () => {
    const cases: [Partial<GetCostAndUsageCommandInput>, string][] = [
      [{ TimePeriod: { Start: '2024-13-01', End: window.End } }, "Invalid date '2024-13-01'"],
      [
        { TimePeriod: { Start: window.End, End: window.Start } },
        'Start date (and hour) should be before end date (and hour)',
      ],
      [{ TimePeriod: { Start: window.Start, End: '2999-01-01' } }, 'end date past the beginning of next month'],
      [{ Metrics: ['Dollars'] }, 'Metric Dollars is invalid'],
      [
        {
          GroupBy: [
            { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
            { Type: 'DIMENSION', Key: 'SERVICE' },
            { Type: 'TAG', Key: 'team' },
          ],
        },
        'at most 2',
      ],
      [{ GroupBy: [{ Type: 'DIMENSION', Key: 'COLOUR' }] }, 'Group Definition dimension is invalid'],
      [
        { Filter: { Dimensions: { Key: 'REGION', Values: ['us-east-1'] }, Tags: { Key: 'stage', Values: ['prod'] } } },
        'Expression has more than one roots',
      ],
      [
        { Filter: { And: [{ Dimensions: { Key: 'REGION', Values: ['us-east-1'] } }] } },
        'And expression must have at least 2 operands',
      ],
    ];
    for (const [input, message] of cases) {
      const f = await failure(query(input));
      expect(f.name).toBe('ValidationException');
      expect(f.message).toContain(message);
    }
  });
});

describe('pagination over a generated organization of 300 accounts', () => {
  let big: Sandbox;
  let client: CostExplorerClient;
  beforeAll(async () => {
    big = await startTestSandbox({ org: 'generated:300' });
    client = new CostExplorerClient(clientConfig(big, keysOf(big, 'alice')));
  });
  afterAll(async () => {
    await big.stop();
  });

  it('pages DAILY groups by account with NextPageToken, and the pages add up', async () => {
    const d = new Date(big.now());
    const period = {
      Start: day(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)),
      End: day(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)),
    };
    const input = {
      TimePeriod: period,
      Granularity: 'DAILY' as const,
      Metrics: ['UnblendedCost'],
      GroupBy: [{ Type: 'DIMENSION' as const, Key: 'LINKED_ACCOUNT' }],
    };
    let token: string | undefined;
    let pages = 0;
    let grouped = 0;
    const accounts = new Set<string>();
    do {
      const out = await client.send(new GetCostAndUsageCommand({ ...input, NextPageToken: token }));
      for (const r of out.ResultsByTime ?? []) {
        grouped += groupSum(r);
        for (const g of r.Groups ?? []) accounts.add(g.Keys?.[0] ?? '');
      }
      token = out.NextPageToken;
      pages += 1;
    } while (token);
    expect(pages).toBeGreaterThan(1);
    expect(accounts.size).toBe(301);
    const total = await client.send(
      new GetCostAndUsageCommand({ TimePeriod: period, Granularity: 'MONTHLY', Metrics: ['UnblendedCost'] }),
    );
    expect(grouped).toBeCloseTo(amount(total.ResultsByTime?.[0]), 2);

    const first = await client.send(new GetCostAndUsageCommand(input));
    expect(
      await failure(client.send(new GetCostAndUsageCommand({ ...input, NextPageToken: 'garbage' }))),
    ).toMatchObject({ name: 'InvalidNextTokenException' });
    const changed = await failure(
      client.send(
        new GetCostAndUsageCommand({ ...input, Metrics: ['BlendedCost'], NextPageToken: first.NextPageToken }),
      ),
    );
    expect(changed).toMatchObject({ name: 'RequestChangedException' });
  });
});

describe('the AWS CLI', () => {
  it('gets 13 months of cost and usage as alice', async () => {
    const out = await runAwsCli(sb, keysOf(sb, 'alice'), [
      'ce',
      'get-cost-and-usage',
      '--time-period',
      `Start=${window.Start},End=${window.End}`,
      '--granularity',
      'MONTHLY',
      '--metrics',
      'UnblendedCost',
      '--group-by',
      'Type=DIMENSION,Key=LINKED_ACCOUNT',
    ]);
    expect(out.code).toBe(0);
    const parsed = JSON.parse(out.stdout) as {
      ResultsByTime: { Groups: unknown[] }[];
      DimensionValueAttributes: { Value: string }[];
    };
    expect(parsed.ResultsByTime).toHaveLength(14);
    expect(parsed.ResultsByTime[12]?.Groups).toHaveLength(5);
    expect(parsed.DimensionValueAttributes.map((a) => a.Value)).toContain(PRODUCTION);
  });

  it('shows a member account the refusal', async () => {
    const out = await runAwsCli(sb, memberCreds, [
      'ce',
      'get-cost-and-usage',
      '--time-period',
      `Start=${window.Start},End=${window.End}`,
      '--granularity',
      'MONTHLY',
      '--metrics',
      'UnblendedCost',
    ]);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain(
      'An error occurred (AccessDeniedException) when calling the GetCostAndUsage operation: User: ',
    );
  });
});
