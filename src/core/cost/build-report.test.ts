import { describe, expect, it } from 'vitest';
import { buildRegistry } from '../config/registry.js';
import { configSchema } from '../config/schema.js';
import { buildCostReport } from './build-report.js';
import type { CostData, CostQuery } from './types.js';

const registry = buildRegistry(
  configSchema.parse({
    source: { profile: 'me' },
    defaults: { role: 'Reader' },
    accounts: [
      { id: '222222222222', name: 'dev', stage: 'dev', ou: '/Workloads' },
      { id: '444444444444', name: 'prod', stage: 'prod', ou: '/Workloads' },
    ],
  }),
);
const NOW = Date.UTC(2026, 6, 15);
const query = (by: CostQuery['by']): CostQuery => ({
  by,
  start: '2026-05-01',
  end: '2026-08-01',
  granularity: 'monthly',
  metric: 'NetUnblendedCost',
});
const periods = [
  { start: '2026-05-01', end: '2026-06-01', estimated: false },
  { start: '2026-06-01', end: '2026-07-01', estimated: false },
  { start: '2026-07-01', end: '2026-08-01', estimated: true },
];

describe('buildCostReport', () => {
  it('names accounts from the registry, folds OUs, and compares the last two full months', () => {
    const data: CostData = {
      groupBy: [{ Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }],
      periods,
      unit: 'USD',
      accountNames: { '999999999999': 'outsider' },
      groups: [
        { period: 0, keys: ['222222222222'], amount: 10 },
        { period: 1, keys: ['222222222222'], amount: 15 },
        { period: 2, keys: ['222222222222'], amount: 100 },
        { period: 0, keys: ['444444444444'], amount: 100 },
        { period: 1, keys: ['444444444444'], amount: 90 },
        { period: 1, keys: ['999999999999'], amount: 5 },
      ],
    };
    const byAccount = buildCostReport(query([{ kind: 'account' }]), data, { accounts: registry.accounts, now: NOW });
    expect(byAccount.comparison).toEqual({ previous: '2026-05', current: '2026-06' });
    expect(
      byAccount.rows.map((r) => [r.labels[0], r.account?.stage, r.total, r.change?.absolute, r.change?.percent]),
    ).toEqual([
      ['prod', 'prod', 190, -10, -10],
      ['dev', 'dev', 125, 5, 50],
      ['999999999999 (outsider)', undefined, 5, 5, null],
    ]);
    // The month to date does not count as a change: dev's jump to 100 in July is not a mover.
    expect(byAccount.movers.map((m) => m.key)).toEqual(['444444444444', '222222222222', '999999999999']);
    expect(byAccount.periods.map((p) => p.total)).toEqual([110, 110, 100]);
    // One column per month; the month to date is partial and estimated; each row's months sum to its total.
    expect(byAccount.months.map((m) => [m.month, m.partial, m.estimated, m.total])).toEqual([
      ['2026-05', false, false, 110],
      ['2026-06', false, false, 110],
      ['2026-07', true, true, 100],
    ]);
    for (const r of byAccount.rows) expect(r.monthly.reduce((a, b) => a + b, 0)).toBe(r.total);
    const byOu = buildCostReport(query([{ kind: 'ou' }]), data, { accounts: registry.accounts, now: NOW });
    expect(byOu.rows.map((r) => [r.key, r.total])).toEqual([
      ['/Workloads', 315],
      ['(not in registry)', 5],
    ]);
  });

  it('reads tag groups as key=value, the empty value as untagged', () => {
    const data: CostData = {
      groupBy: [{ Type: 'TAG', Key: 'team' }],
      periods,
      unit: 'USD',
      accountNames: {},
      groups: [
        { period: 0, keys: ['team$payments'], amount: 3 },
        { period: 0, keys: ['team$'], amount: 1 },
      ],
    };
    const report = buildCostReport(query([{ kind: 'tag', key: 'team' }]), data, {
      accounts: registry.accounts,
      now: NOW,
    });
    expect(report.rows.map((r) => r.labels[0])).toEqual(['team=payments', '(no team)']);
    expect(report.rows[0]?.change).toEqual({ previous: 3, current: 0, absolute: -3, percent: -100 });
  });
});
