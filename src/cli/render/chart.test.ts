import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import type { CostReport } from '../../core/cost/index.js';
import { bar, renderCostChart, sparkline } from './chart.js';

const report: CostReport = {
  metric: 'NetUnblendedCost',
  unit: 'USD',
  granularity: 'monthly',
  by: ['account'],
  start: '2026-05-01',
  end: '2026-07-01',
  total: 60,
  movers: [],
  periods: [
    { start: '2026-05-01', end: '2026-06-01', estimated: false, total: 20 },
    { start: '2026-06-01', end: '2026-07-01', estimated: false, total: 40 },
  ],
  months: [
    { month: '2026-05', start: '2026-05-01', end: '2026-06-01', partial: false, estimated: false, total: 20 },
    { month: '2026-06', start: '2026-06-01', end: '2026-07-01', partial: false, estimated: false, total: 40 },
  ],
  rows: [
    {
      key: '2',
      labels: ['dev'],
      account: { id: '2', name: 'dev', stage: 'dev', color: 'green', inRegistry: true },
      amounts: [10, 10],
      monthly: [10, 10],
      total: 20,
    },
    {
      key: '4',
      labels: ['prod'],
      account: { id: '4', name: 'prod', stage: 'prod', color: 'red', inRegistry: true },
      amounts: [10, 30],
      monthly: [10, 30],
      total: 40,
    },
  ],
};

describe('terminal chart', () => {
  it('draws bars to an eighth of a cell and sparklines from ▁ to █', () => {
    expect(bar(1, 1, 4)).toBe('████');
    expect(bar(0.5, 1, 3)).toBe('█▌');
    expect(bar(0, 1, 4)).toBe('');
    expect(sparkline([0, 1, 2, 4])).toBe('▁▃▅█');
    expect(sparkline([0, 0])).toBe('▁▁');
  });

  it('one line per group, largest last-period first, coloured by stage only with colour on', () => {
    const plain = renderCostChart(report, pc.createColors(false));
    expect(plain.slice(1)).toEqual([
      `prod  30.00  ${'█'.repeat(40)}  ▃█`,
      `dev   10.00  ${'█'.repeat(13)}▍${' '.repeat(26)}  ██`,
    ]);
    const coloured = renderCostChart(report, pc.createColors(true));
    expect(coloured[1]).toContain('\u001b[31mprod');
    expect(coloured[2]).toContain('\u001b[32mdev');
  });
});
