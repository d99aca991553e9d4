import { createBillModel, DAY_MS, metricFactor, type MetricName } from '../../src/sandbox/services/ce-bill.js';
import type { Sandbox } from '../../src/sandbox/server.js';

/**
 * The seeded bill, summed independently of Cost Explorer's aggregation: day by day through the sandbox's own
 * `costOf` for every (account, service, region) the bill has, times the metric's factor.
 */
export interface BillEntry {
  accountId: string;
  service: string;
  region: string;
  amount: number;
}

export function seededBill(
  sb: Sandbox,
  start: string,
  end: string,
  metric: MetricName = 'NetUnblendedCost',
): BillEntry[] {
  const bill = createBillModel(sb.world, sb.now());
  const from = Date.parse(`${start}T00:00:00Z`) / DAY_MS;
  const to = Math.min(Date.parse(`${end}T00:00:00Z`) / DAY_MS, bill.today);
  return bill.lines().map((line) => {
    let amount = 0;
    for (let day = from; day < to; day += 1)
      amount += bill.costOf(line.account.id, line.service.name, line.region, day);
    return {
      accountId: line.account.id,
      service: line.service.name,
      region: line.region,
      amount: amount * metricFactor(line.service, metric),
    };
  });
}

export function sumBy(entries: readonly BillEntry[], key: (e: BillEntry) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of entries) out.set(key(e), (out.get(key(e)) ?? 0) + e.amount);
  return out;
}

/** Cost Explorer's range for `--months N`: N full months before this one, to the first of next month. */
export function monthsRange(nowMs: number, months: number): { start: string; end: string } {
  const d = new Date(nowMs);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return {
    start: iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months, 1)),
    end: iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)),
  };
}
