import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CostReport, CostRow } from '../../src/core/cost/types.js';
import {
  CLIENT_ACME,
  clientConfig,
  DEVELOPMENT,
  keysOf,
  MANAGEMENT,
  PRODUCTION,
  STAGING,
} from '../helpers/sandbox-clients.js';
import { startWorld, type World } from '../helpers/world.js';
import { monthsRange, seededBill, sumBy, type BillEntry } from './expected.js';

/**
 * `crossbar cost` end to end on the demo organization: the real CLI in-process, the real credential engine and
 * Cost Explorer client, against the sandbox's computed bill. Expected numbers come from the sandbox's own
 * `costOf`, summed day by day, and from an independent ungrouped GetCostAndUsage.
 */
let w: World;
let bill13: BillEntry[];
let range13: { start: string; end: string };

beforeAll(async () => {
  w = await startWorld();
  range13 = monthsRange(w.sb.now(), 13);
  bill13 = seededBill(w.sb, range13.start, range13.end);
});
afterAll(() => w.stop());

async function cost(
  args: string[],
  extra: Record<string, string> = {},
): Promise<{ code: number; stderr: string; report: CostReport }> {
  const out = await w.cli(['cost', ...args, '-o', 'json'], extra);
  if (out.code !== 0) throw new Error(`crossbar cost ${args.join(' ')} exited ${out.code}: ${out.stderr}`);
  return { code: out.code, stderr: out.stderr, report: JSON.parse(out.stdout) as CostReport };
}

const row = (report: CostReport, key: string): CostRow | undefined => report.rows.find((r) => r.key === key);
/** Amounts are cents apart at most: Cost Explorer writes each group's amount with 10 decimals. */
const near = (actual: number | undefined, expected: number | undefined) =>
  expect(Math.abs((actual ?? NaN) - (expected ?? NaN))).toBeLessThan(0.01);

describe('crossbar cost --by account', () => {
  it('totals by account over 13 months equal the sum of the seeded bill', async () => {
    const { report } = await cost(['--months', '13']);
    expect(report).toMatchObject({
      metric: 'NetUnblendedCost',
      unit: 'USD',
      granularity: 'monthly',
      by: ['account'],
      ...range13,
    });
    expect(report.periods).toHaveLength(14);
    expect(report.periods.map((p) => p.estimated)).toEqual([...Array<boolean>(13).fill(false), true]);
    const expected = sumBy(bill13, (e) => e.accountId);
    expect(report.rows.map((r) => r.key).sort()).toEqual([...expected.keys()].sort());
    for (const [id, amount] of expected) near(row(report, id)?.total, amount);
    near(
      report.total,
      [...expected.values()].reduce((a, b) => a + b, 0),
    );
    // Each row is the sum of its periods, and each period total the sum of its rows.
    for (const r of report.rows)
      near(
        r.amounts.reduce((a, b) => a + b, 0),
        r.total,
      );
    report.periods.forEach((p, i) =>
      near(
        report.rows.reduce((s, r) => s + (r.amounts[i] ?? 0), 0),
        p.total,
      ),
    );
  });

  it('period totals equal an independent ungrouped GetCostAndUsage', async () => {
    const { report } = await cost(['--months', '13']);
    const ce = new CostExplorerClient(clientConfig(w.sb, keysOf(w.sb, 'alice')));
    const out = await ce.send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: range13.start, End: range13.end },
        Granularity: 'MONTHLY',
        Metrics: ['NetUnblendedCost'],
      }),
    );
    ce.destroy();
    const totals = (out.ResultsByTime ?? []).map((r) => Number(r.Total?.['NetUnblendedCost']?.Amount));
    expect(totals).toHaveLength(report.periods.length);
    totals.forEach((t, i) => near(report.periods[i]?.total, t));
  });

  it('rows carry the registry name and stage; the payer, not in the registry, is shown by id with its organization name', async () => {
    const { report } = await cost([]);
    expect(row(report, PRODUCTION)).toMatchObject({
      labels: ['production'],
      account: { id: PRODUCTION, name: 'production', stage: 'prod', color: 'red', inRegistry: true },
    });
    expect(row(report, DEVELOPMENT)?.account).toMatchObject({ name: 'development', stage: 'dev' });
    expect(row(report, MANAGEMENT)).toMatchObject({
      labels: [`${MANAGEMENT} (management)`],
      account: { id: MANAGEMENT, name: 'management', inRegistry: false },
    });
    // Default: 6 full months and this one, largest first.
    expect(report.periods).toHaveLength(7);
    expect(report.rows[0]?.key).toBe(PRODUCTION);
  });

  it('gives each row its month-over-month change, and production as the top mover', async () => {
    const { report } = await cost([]);
    const months = report.periods.filter((p) => !p.estimated).map((p) => p.start.slice(0, 7));
    expect(report.comparison).toEqual({ previous: months.at(-2), current: months.at(-1) });
    const prod = row(report, PRODUCTION);
    expect(prod?.change?.previous).toBeCloseTo(prod?.amounts.at(-3) ?? NaN, 6);
    expect(prod?.change?.current).toBeCloseTo(prod?.amounts.at(-2) ?? NaN, 6);
    expect(prod?.change?.absolute).toBeCloseTo((prod?.amounts.at(-2) ?? 0) - (prod?.amounts.at(-3) ?? 0), 6);
    expect(prod?.change?.percent).toBeCloseTo(((prod?.change?.absolute ?? 0) / (prod?.change?.previous ?? 1)) * 100, 6);
    expect(report.movers[0]?.key).toBe(PRODUCTION);
  });
});

describe('crossbar cost, other groupings', () => {
  it('--by service sums the seeded bill per service', async () => {
    const { report } = await cost(['--by', 'service', '--months', '13']);
    const expected = sumBy(bill13, (e) => e.service);
    expect(report.rows.map((r) => r.key).sort()).toEqual([...expected.keys()].sort());
    for (const [service, amount] of expected) near(row(report, service)?.total, amount);
    expect(report.movers[0]?.key).toBe('Amazon DynamoDB');
  });

  it('--by ou folds accounts into their registry OU: /Workloads and /Clients', async () => {
    const { report } = await cost(['--by', 'ou', '--months', '13']);
    const byAccount = sumBy(bill13, (e) => e.accountId);
    const of = (...ids: string[]) => ids.reduce((s, id) => s + (byAccount.get(id) ?? 0), 0);
    expect(report.rows.map((r) => r.key).sort()).toEqual(['(not in registry)', '/Clients', '/Workloads']);
    near(row(report, '/Workloads')?.total, of(DEVELOPMENT, STAGING, PRODUCTION));
    near(row(report, '/Clients')?.total, of(CLIENT_ACME));
    near(row(report, '(not in registry)')?.total, of(MANAGEMENT));
  });

  it('--by tag:team groups by the cost allocation tag, untagged cost on its own row', async () => {
    const { report } = await cost(['--by', 'tag:team', '--months', '13']);
    const team = (id: string) => w.sb.world.accounts[id]?.tags['team'] ?? '';
    const expected = sumBy(bill13, (e) => team(e.accountId));
    expect(report.rows.map((r) => r.key).sort()).toEqual([...expected.keys()].sort());
    for (const [value, amount] of expected) near(row(report, value)?.total, amount);
    expect(row(report, 'payments')?.labels).toEqual(['team=payments']);
    expect(row(report, '')?.labels).toEqual(['(no team)']);
    near(
      row(report, 'platform')?.total,
      (sumBy(bill13, (e) => e.accountId).get(DEVELOPMENT) ?? 0) + (sumBy(bill13, (e) => e.accountId).get(STAGING) ?? 0),
    );
  });

  it('--by account,service: two dimensions, and the planted DynamoDB spike in production is the top mover', async () => {
    const { report } = await cost(['--by', 'account,service']);
    expect(report.by).toEqual(['account', 'service']);
    const spike = row(report, `${PRODUCTION} / Amazon DynamoDB`);
    expect(spike).toMatchObject({ labels: ['production', 'Amazon DynamoDB'], account: { stage: 'prod' } });
    expect(report.movers[0]?.key).toBe(`${PRODUCTION} / Amazon DynamoDB`);
    expect(spike?.change?.percent).toBeGreaterThan(200);
    const range = monthsRange(w.sb.now(), 6);
    const expected = seededBill(w.sb, range.start, range.end).filter(
      (e) => e.accountId === PRODUCTION && e.service === 'Amazon DynamoDB',
    );
    near(
      spike?.total,
      expected.reduce((s, e) => s + e.amount, 0),
    );
  });

  it('--by ou,service folds the first dimension and keeps the second', async () => {
    const { report } = await cost(['--by', 'ou,service', '--months', '13']);
    const expected = bill13
      .filter((e) => e.accountId === CLIENT_ACME && e.service === 'Amazon Simple Storage Service')
      .reduce((s, e) => s + e.amount, 0);
    near(row(report, '/Clients / Amazon Simple Storage Service')?.total, expected);
  });

  it('--granularity daily with --from/--to gives one period a day, summing to the monthly answer', async () => {
    const last = monthsRange(w.sb.now(), 1);
    const { report: daily } = await cost([
      '--granularity',
      'daily',
      '--from',
      last.start,
      '--to',
      monthsRange(w.sb.now(), 0).start,
    ]);
    const { report: monthly } = await cost(['--from', last.start, '--to', monthsRange(w.sb.now(), 0).start]);
    expect(daily.periods.length).toBeGreaterThanOrEqual(28);
    expect(monthly.periods).toHaveLength(1);
    near(daily.total, monthly.total);
  });

  it('--metric picks another metric, case-insensitively', async () => {
    const { report } = await cost(['--metric', 'unblendedcost', '--months', '13']);
    expect(report.metric).toBe('UnblendedCost');
    const expected = seededBill(w.sb, range13.start, range13.end, 'UnblendedCost');
    near(
      report.total,
      expected.reduce((s, e) => s + e.amount, 0),
    );
  });

  it('-o csv: one line per group with a column per period, the total and the change', async () => {
    const out = await w.cli(['cost', '-o', 'csv']);
    expect(out.code).toBe(0);
    const [header, ...lines] = out.stdout.trimEnd().split('\n');
    expect(header?.split(',').slice(0, 3)).toEqual(['account', 'account_id', 'stage']);
    expect(header?.split(',').slice(-3)).toEqual(['total', 'change', 'change_pct']);
    expect(header?.split(',')).toHaveLength(3 + 7 + 3);
    expect(lines[0]).toMatch(/^production,444444444444,prod,/);
  });

  it('-o table prints the table, the totals per period, the movers and the terminal chart', async () => {
    const out = await w.cli(['cost', '-o', 'table', '--by', 'account,service']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /^ACCOUNT\s+SERVICE\s+STAGE(\s+\d{4}-\d{2}){6}\s+\d{4}-\d{2} TO DATE\s+TOTAL\s+CHANGE\s+%/m,
    );
    expect(out.stdout).toContain('Totals per period');
    expect(out.stdout).toMatch(/Top movers.*\n\s+\+[\d,.]+\s+\+[\d.]+%\s+production \/ Amazon DynamoDB/);
    // The chart: the spike is this month's largest group, so its bar is the full 40 cells, then a 7-month sparkline.
    expect(out.stdout).toMatch(/^production \/ Amazon DynamoDB\s+[\d,.]+\s+█{40}\s+[▁▂▃▄▅▆▇█]{7}$/m);
  });
});
