import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';

/**
 * `crossbar cost` as a person reads it (issue 9 item 15): on the terminal table, each row's TOTAL is the sum of
 * exactly the month columns shown, the last row sums each column, and the `total` line is the table's total.
 * The real CLI in-process, the real Cost Explorer client, against the sandbox's computed bill.
 */
let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.stop());

const MONEY = /(?<![\d.])[+-]?\d{1,3}(?:,\d{3})*\.\d{2}(?![\d%])/g;
const amount = (cell: string) => Number(cell.replace(/[+,]/g, ''));

interface Table {
  headers: string[];
  /** Per row: the money cells left to right (months…, TOTAL, then CHANGE when shown). */
  rows: { label: string; money: number[] }[];
  footer: number[];
  total: number;
}

function parseTable(stdout: string): Table {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith('ACCOUNT'));
  const headers = (lines[at] ?? '').trim().split(/\s{2,}/);
  const body = lines.slice(at + 1, lines.findIndex((l, i) => i > at && l.startsWith('TOTAL ')) + 1);
  const rows = body.map((l) => ({
    label: l.split(/\s{2,}/)[0] ?? '',
    money: [...l.matchAll(MONEY)].map((m) => amount(m[0])),
  }));
  const footer = rows.pop()?.money ?? [];
  const total = amount(/^total ([\d,.]+) USD$/m.exec(stdout)?.[1] ?? 'NaN');
  return { headers, rows, footer, total };
}

const near = (actual: number | undefined, expected: number) =>
  expect(Math.abs((actual ?? NaN) - expected)).toBeLessThanOrEqual(0.011);

describe('crossbar cost: the numbers add up', () => {
  for (const months of [1, 3]) {
    it(`--months ${months}: one column per month shown (${months} full and this month to date), TOTAL their sum`, async () => {
      const out = await w.cli(['cost', '--months', String(months), '-o', 'table'], { NO_COLOR: '1' });
      expect(out.code).toBe(0);
      const t = parseTable(out.stdout);
      const monthHeaders = t.headers.filter((h) => /^\d{4}-\d{2}/.test(h));
      expect(monthHeaders).toHaveLength(months + 1);
      expect(monthHeaders.at(-1)).toMatch(/ TO DATE$/);
      const n = monthHeaders.length;
      expect(t.rows.length).toBeGreaterThanOrEqual(5);
      for (const row of t.rows) {
        const shown = row.money.slice(0, n);
        near(
          row.money[n],
          shown.reduce((a, b) => a + b, 0),
        );
      }
      // The last row sums each column, and its TOTAL is the `total` line.
      for (let i = 0; i <= n; i += 1)
        near(
          t.footer[i],
          t.rows.reduce((s, r) => s + (r.money[i] ?? 0), 0),
        );
      near(t.footer[n], t.total);
      near(
        t.total,
        t.footer.slice(0, n).reduce((a, b) => a + b, 0),
      );
    });
  }

  it('the denied twin: TOTAL is not the whole range when the range is longer than the columns, so --months 1 totals less than --months 3', async () => {
    const one = parseTable((await w.cli(['cost', '--months', '1', '-o', 'table'], { NO_COLOR: '1' })).stdout);
    const three = parseTable((await w.cli(['cost', '--months', '3', '-o', 'table'], { NO_COLOR: '1' })).stdout);
    // The month to date and last month are the same columns in both; --months 3 adds two more, and its total grows by exactly them.
    const lastTwo = (t: Table, cols: number) => t.footer.slice(cols - 2, cols);
    expect(lastTwo(one, 2)).toEqual(lastTwo(three, 4));
    expect(three.total).toBeGreaterThan(one.total);
    near(three.total - one.total, (three.footer[0] ?? 0) + (three.footer[1] ?? 0));
  });

  it('--granularity daily: days are summed into month columns, so TOTAL is still the sum of the columns shown', async () => {
    const out = await w.cli(['cost', '--granularity', 'daily', '--months', '1', '-o', 'table'], { NO_COLOR: '1' });
    expect(out.code).toBe(0);
    const t = parseTable(out.stdout);
    const monthHeaders = t.headers.filter((h) => /^\d{4}-\d{2}/.test(h));
    expect(monthHeaders).toHaveLength(2);
    for (const row of t.rows) near(row.money[2], (row.money[0] ?? 0) + (row.money[1] ?? 0));
    near(t.total, (t.footer[0] ?? 0) + (t.footer[1] ?? 0));
  });
});
