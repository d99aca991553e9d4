import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { MAX_SERIES, renderCostSvg } from './svg-chart.js';
import type { CostReport, CostRow } from './types.js';

const rows: CostRow[] = Array.from({ length: 12 }, (_, i) => ({
  key: `s${i}`,
  labels: [`<Service & ${i}>`],
  amounts: [i + 1, i + 2],
  monthly: [i + 1, i + 2],
  total: 2 * i + 3,
}));
const report: CostReport = {
  metric: 'UnblendedCost',
  unit: 'USD',
  granularity: 'daily',
  by: ['service'],
  start: '2026-05-30',
  end: '2026-06-02',
  total: 0,
  movers: [],
  rows,
  periods: [
    { start: '2026-05-30', end: '2026-05-31', estimated: false, total: 0 },
    { start: '2026-06-01', end: '2026-06-02', estimated: true, total: 0 },
  ],
  months: [
    { month: '2026-05', start: '2026-05-30', end: '2026-05-31', partial: true, estimated: false, total: 0 },
    { month: '2026-06', start: '2026-06-01', end: '2026-06-02', partial: true, estimated: true, total: 0 },
  ],
};

describe('renderCostSvg', () => {
  it('is well-formed with escaped labels, one group per month, the largest groups and "other"', () => {
    const svg = renderCostSvg(report);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg.match(/<g class="month"/g)).toHaveLength(2);
    expect(svg).toContain('data-month="2026-06" data-estimated="true"');
    expect(svg).toContain('&lt;Service &amp; 11&gt;');
    expect(svg).toContain('other (4)');
    expect(svg.match(/<rect x="\d+" y="\d+" width="14"/g)).toHaveLength(MAX_SERIES + 1);
  });
});
