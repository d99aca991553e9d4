import { describe, expect, it } from 'vitest';
import { buildWorld } from '../world/seed-orgs.js';
import { createBillModel, dayOf, DAY_MS, monthStart } from './ce-bill.js';

const NOW = Date.UTC(2026, 10, 23, 12);
const EC2 = 'Amazon Elastic Compute Cloud - Compute';

describe('the computed bill', () => {
  const world = buildWorld({ kind: 'demo' }, NOW);
  const bill = createBillModel(world, NOW);
  const yesterday = dayOf(NOW) - 1;

  it('is a pure function of seed, account, service, region and day', () => {
    const again = createBillModel(buildWorld({ kind: 'demo' }, NOW), NOW);
    expect(bill.costOf('444444444444', EC2, 'us-east-1', yesterday)).toBe(
      again.costOf('444444444444', EC2, 'us-east-1', yesterday),
    );
    const otherSeed = createBillModel(buildWorld({ kind: 'demo' }, NOW, 7), NOW);
    expect(otherSeed.costOf('444444444444', EC2, 'us-east-1', yesterday)).not.toBe(
      bill.costOf('444444444444', EC2, 'us-east-1', yesterday),
    );
  });

  it('has data from the first of the month 13 months back until yesterday', () => {
    expect(bill.firstDataDay).toBe(Date.UTC(2025, 9, 1) / DAY_MS);
    expect(bill.costOf('444444444444', EC2, 'us-east-1', bill.firstDataDay)).toBeGreaterThan(0);
    expect(bill.costOf('444444444444', EC2, 'us-east-1', bill.firstDataDay - 1)).toBe(0);
    expect(bill.costOf('444444444444', EC2, 'us-east-1', dayOf(NOW))).toBe(0);
    expect(bill.costOf('999999999999', EC2, 'us-east-1', yesterday)).toBe(0);
  });

  it('plants one runaway service in the first production account', () => {
    expect(bill.spikeAccountId).toBe('444444444444');
    const lastMonth = monthStart(bill.today, -1);
    const before = bill.costOf('444444444444', 'Amazon DynamoDB', 'us-east-1', lastMonth - 28);
    expect(bill.costOf('444444444444', 'Amazon DynamoDB', 'us-east-1', lastMonth)).toBeGreaterThan(4 * before);
  });

  it('costs production more than development', () => {
    const prod = bill
      .lines()
      .filter((l) => l.account.id === '444444444444')
      .reduce((s, l) => s + bill.lineCost(l, yesterday), 0);
    const dev = bill
      .lines()
      .filter((l) => l.account.id === '222222222222')
      .reduce((s, l) => s + bill.lineCost(l, yesterday), 0);
    expect(prod).toBeGreaterThan(2 * dev);
  });

  it('answers a single cost of a 5000-account organization without building its lines', () => {
    const big = createBillModel(buildWorld({ kind: 'generated', count: 5000 }, NOW), NOW);
    expect(big.costOf('200000004999', EC2, 'us-east-1', yesterday)).toBeGreaterThan(0);
  });
});
