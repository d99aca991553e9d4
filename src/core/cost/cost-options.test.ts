import { describe, expect, it } from 'vitest';
import { isCrossbarError, isUsageError } from '../errors.js';
import { ceGroupByFor, parseGroupings, parseMetric, resolveRange } from './cost-options.js';

const NOW = Date.UTC(2026, 6, 15, 10); // 2026-07-15

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (isUsageError(err) && isCrossbarError(err)) return `${err.message} | ${err.hint ?? ''}`;
    throw err;
  }
  throw new Error('no error');
}

describe('cost options', () => {
  it('--months N: N full months and this one, monthly to the first of next month, daily to today', () => {
    expect(resolveRange({}, 'monthly', NOW)).toEqual({ start: '2026-01-01', end: '2026-08-01' });
    expect(resolveRange({ months: '13' }, 'monthly', NOW)).toEqual({ start: '2025-06-01', end: '2026-08-01' });
    expect(resolveRange({ months: '1' }, 'daily', NOW)).toEqual({ start: '2026-06-01', end: '2026-07-15' });
    expect(resolveRange({ from: '2026-02-01', to: '2026-03-01' }, 'monthly', NOW)).toEqual({
      start: '2026-02-01',
      end: '2026-03-01',
    });
    expect(usageError(() => resolveRange({ from: '2026-07-01', to: '2026-09-01' }, 'monthly', NOW))).toContain(
      'future month',
    );
    expect(usageError(() => resolveRange({ months: '2.5' }, 'monthly', NOW))).toContain('not a number of months');
  });

  it('ou asks for LINKED_ACCOUNT, and never twice with account', () => {
    expect(ceGroupByFor(parseGroupings('ou,service'))).toEqual([
      { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
      { Type: 'DIMENSION', Key: 'SERVICE' },
    ]);
    expect(ceGroupByFor(parseGroupings('account, ou'))).toEqual([{ Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }]);
    expect(ceGroupByFor(parseGroupings('tag:cost-center,region'))).toEqual([
      { Type: 'TAG', Key: 'cost-center' },
      { Type: 'DIMENSION', Key: 'REGION' },
    ]);
    expect(usageError(() => parseGroupings('tag:'))).toContain("--by 'tag:' is not a grouping");
  });

  it('metrics are read without regard to case and answered in Cost Explorer spelling', () => {
    expect(parseMetric(undefined)).toBe('NetUnblendedCost');
    expect(parseMetric('amortizedcost')).toBe('AmortizedCost');
    expect(usageError(() => parseMetric('cost'))).toContain('NetUnblendedCost, NormalizedUsageAmount');
  });
});
