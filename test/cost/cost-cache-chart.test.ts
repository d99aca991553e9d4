import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CostReport } from '../../src/core/cost/types.js';
import { MANAGEMENT } from '../helpers/sandbox-clients.js';
import { asBob, startWorld, type World } from '../helpers/world.js';

/**
 * `crossbar cost`: the day's cache (0600 files, no Cost Explorer call on a hit, --refresh asks again), the
 * SVG and PNG charts, and the bad inputs: sessions without ce:GetCostAndUsage, and bad flags.
 */
let w: World;
let ceCalls = 0;

beforeAll(async () => {
  w = await startWorld();
  // Cost Explorer calls are not trailed: count them where the sandbox decides faults for every request.
  const decide = w.sb.faults.decide.bind(w.sb.faults);
  w.sb.faults.decide = (call, now) => {
    if (call.service === 'ce' && call.operation === 'GetCostAndUsage') ceCalls += 1;
    return decide(call, now);
  };
});
afterAll(() => w.stop());

let homes = 0;
const freshHome = () => join(w.dir, `cost-home-${(homes += 1)}`);
const cacheFiles = (home: string) =>
  readdirSync(join(home, 'cache', 'cost')).map((f) => join(home, 'cache', 'cost', f));

describe('the cost cache', () => {
  it('serves a second run from a 0600 file without calling Cost Explorer; --refresh calls it again', async () => {
    const home = freshHome();
    const before = ceCalls;
    const first = await w.cli(['cost', '-o', 'json'], { CROSSBAR_HOME: home });
    expect(first.code).toBe(0);
    expect(first.stderr).not.toContain('cached');
    expect(ceCalls).toBe(before + 1);
    const [file, ...others] = cacheFiles(home);
    expect(others).toEqual([]);
    if (!file) throw new Error('no cache file');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'cache', 'cost')).mode & 0o777).toBe(0o700);
    const mtime = statSync(file).mtimeMs;

    const second = await w.cli(['cost', '-o', 'json'], { CROSSBAR_HOME: home });
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/^\(cached, (just now|\d+m old)/);
    expect(ceCalls).toBe(before + 1);
    expect(JSON.parse(second.stdout)).toMatchObject({
      ...(JSON.parse(first.stdout) as object),
      cachedAgeMs: expect.any(Number) as unknown,
    });
    expect(statSync(file).mtimeMs).toBe(mtime);

    await new Promise((r) => setTimeout(r, 20));
    const refreshed = await w.cli(['cost', '-o', 'json', '--refresh'], { CROSSBAR_HOME: home });
    expect(refreshed.code).toBe(0);
    expect(refreshed.stderr).not.toContain('cached');
    expect(ceCalls).toBe(before + 2);
    expect(statSync(file).mtimeMs).toBeGreaterThan(mtime);
  });

  it('says how old a cached answer is, and asks again once it is a day old', async () => {
    const home = freshHome();
    expect((await w.cli(['cost', '-o', 'json'], { CROSSBAR_HOME: home })).code).toBe(0);
    const [file] = cacheFiles(home);
    if (!file) throw new Error('no cache file');
    const age = (ms: number) => {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { fetchedAt: number };
      writeFileSync(file, JSON.stringify({ ...data, fetchedAt: Date.now() - ms }));
    };
    age(3 * 3_600_000 + 60_000);
    const before = ceCalls;
    const cached = await w.cli(['cost', '-o', 'json'], { CROSSBAR_HOME: home });
    expect(cached.stderr).toContain('(cached, 3h old)');
    expect(ceCalls).toBe(before);
    age(25 * 3_600_000);
    const stale = await w.cli(['cost', '-o', 'json'], { CROSSBAR_HOME: home });
    expect(stale.code).toBe(0);
    expect(stale.stderr).not.toContain('cached');
    expect(ceCalls).toBe(before + 1);
  });

  it('keys answers by the question: another grouping is another Cost Explorer call', async () => {
    const home = freshHome();
    const before = ceCalls;
    await w.cli(['cost', '-o', 'json'], { CROSSBAR_HOME: home });
    await w.cli(['cost', '-o', 'json', '--by', 'service'], { CROSSBAR_HOME: home });
    expect(ceCalls).toBe(before + 2);
    expect(cacheFiles(home)).toHaveLength(2);
  });
});

describe('charts', () => {
  it('--chart FILE.svg writes well-formed SVG with one bar group per month', async () => {
    const path = join(w.dir, 'bill.svg');
    const out = await w.cli(['cost', '-o', 'json', '--chart', path]);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain(`wrote ${path}`);
    const svg = readFileSync(path, 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    const report = JSON.parse(out.stdout) as CostReport;
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'g' || name === 'rect' }).parse(
      svg,
    ) as { svg: { g: { '@_data-month': string; rect?: unknown[] }[] } };
    const months = report.periods.map((p) => p.start.slice(0, 7));
    expect(doc.svg.g.map((g) => g['@_data-month'])).toEqual(months);
    // One rectangle per account with cost in the month, stacked.
    for (const g of doc.svg.g) expect(g.rect).toHaveLength(report.rows.length);
  });

  it('--chart FILE.png renders the same chart to PNG', async () => {
    const path = join(w.dir, 'bill.png');
    const out = await w.cli(['cost', '-o', 'json', '--chart', path, '--by', 'service']);
    expect(out.code).toBe(0);
    const png = readFileSync(path);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(5_000);
  });

  it('refuses another chart extension before asking anything (exit 2)', async () => {
    const before = ceCalls;
    const out = await w.cli(['cost', '--chart', join(w.dir, 'bill.jpg')]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--chart '.*bill\.jpg' must end in \.svg or \.png/);
    expect(ceCalls).toBe(before);
  });
});

describe('sessions without ce:GetCostAndUsage', () => {
  it('allowed twin: bob, a reader in the payer account, gets the bill through the source', async () => {
    const out = await w.cli(['cost', '-o', 'json', '--by', 'ou'], { CROSSBAR_CONFIG: w.variant('bob', asBob) });
    expect(out.code).toBe(0);
    expect((JSON.parse(out.stdout) as CostReport).rows).toHaveLength(3);
  });

  it('a member account session is refused: the message names the account and ce:GetCostAndUsage (exit 1)', async () => {
    const out = await w.cli(['cost', '--payer', 'development']);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(
      /^crossbar: Account development \(222222222222\) refused ce:GetCostAndUsage to role arn:aws:iam::222222222222:role\/CrossbarReadOnly/,
    );
    expect(out.stderr).toMatch(/hint: Cost Explorer answers only in the payer \(management\) account/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('a management-account role without ce permissions (CrossbarHub) is refused by name (exit 1)', async () => {
    const out = await w.cli(['cost', '--payer', `${MANAGEMENT}:CrossbarHub`]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      new RegExp(
        `^crossbar: Account ${MANAGEMENT} refused ce:GetCostAndUsage to role arn:aws:iam::${MANAGEMENT}:role/CrossbarHub`,
      ),
    );
    expect(out.stderr).toMatch(/hint: Allow ce:GetCostAndUsage to that principal in account 111111111111/);
  });

  it('an unknown payer is a usage error that says how to name one', async () => {
    const out = await w.cli(['cost', '--payer', 'nowhere']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("--payer 'nowhere' is neither an account of the registry nor a 12-digit account id");
  });
});

describe('bad flags exit 2 with the valid choices', () => {
  const cases: [string[], RegExp][] = [
    [['--by', 'team'], /--by 'team' is not a grouping\nhint: use one of account, service, region, ou, tag:KEY/],
    [['--by', 'account,service,region'], /groups by 3 things; Cost Explorer groups by two at most/],
    [['--by', 'account,account'], /names account twice/],
    [
      ['--metric', 'Dollars'],
      /--metric 'Dollars' is not a Cost Explorer metric\nhint: use one of AmortizedCost, BlendedCost, NetAmortizedCost, NetUnblendedCost, NormalizedUsageAmount, UnblendedCost, UsageQuantity/,
    ],
    [['--granularity', 'hourly'], /--granularity 'hourly' is not a granularity\nhint: use one of monthly, daily/],
    [['--from', '2026-02-30'], /--from '2026-02-30' is not a date\nhint: write dates as YYYY-MM-DD/],
    [['--from', '2026-03-01', '--to', '2026-02-01'], /--from 2026-03-01 is not before --to 2026-02-01/],
    [['--to', '2026-02-01'], /--to needs --from/],
    [['--months', '0'], /--months '0' is not a number of months\nhint: use a whole number from 1 to 38/],
    [['--months', '3', '--from', '2026-01-01'], /--months and --from\/--to both set the range/],
  ];
  it.each(cases)('crossbar cost %j', async (args, message) => {
    const before = ceCalls;
    const out = await w.cli(['cost', ...args]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(ceCalls).toBe(before);
  });
});
