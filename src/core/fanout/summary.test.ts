import { describe, expect, it } from 'vitest';
import { coverageGrid, formatSummary, summarize } from './summary.js';
import { testAccounts } from '../../../test/helpers/test-accounts.js';
import type { TargetResult } from './types.js';

const [a, b] = testAccounts(['dev-1', 'prod-1']);
if (!a || !b) throw new Error('accounts');
const ok = (fa: typeof a, region: string): TargetResult<number> => ({
  target: { ...fa, region },
  ok: true,
  value: 1,
  ms: 5,
});
const failed = (
  fa: typeof a,
  region: string,
  code: 'DENIED' | 'THROTTLED' | 'REGION_DISABLED',
): TargetResult<number> => ({ target: { ...fa, region }, ok: false, error: { code, message: code }, ms: 5 });

describe('summary and coverage grid', () => {
  it('counts ok and failed by code, most frequent first', () => {
    const results = [
      ok(a, 'us-east-1'),
      failed(a, 'eu-west-1', 'THROTTLED'),
      failed(b, 'us-east-1', 'DENIED'),
      failed(b, 'eu-west-1', 'DENIED'),
    ];
    expect(summarize(results)).toEqual({ total: 4, ok: 1, failed: 3, byCode: { THROTTLED: 1, DENIED: 2 } });
    expect(formatSummary(summarize(results))).toBe('1 ok, 3 failed (DENIED ×2, THROTTLED ×1)');
    expect(formatSummary(summarize([ok(a, 'us-east-1')]))).toBe('1 ok, 0 failed');
  });

  it('lays results out as account × region, rows in order of appearance, regions sorted', () => {
    const grid = coverageGrid([ok(b, 'us-east-1'), failed(b, 'eu-south-1', 'REGION_DISABLED'), ok(a, 'us-east-1')]);
    expect(grid.regions).toEqual(['eu-south-1', 'us-east-1']);
    expect(grid.rows.map((r) => r.name)).toEqual(['prod-1', 'dev-1']);
    expect(grid.rows[0]?.cells).toEqual({
      'us-east-1': { ok: true },
      'eu-south-1': { ok: false, code: 'REGION_DISABLED' },
    });
    expect(grid.rows[1]?.cells['eu-south-1']).toBeUndefined();
  });

  it('a whole-account result fills its row', () => {
    const grid = coverageGrid([ok(a, 'us-east-1'), ok(a, 'eu-west-1'), failed(b, '*', 'DENIED')]);
    expect(grid.rows[1]?.cells).toEqual({
      'eu-west-1': { ok: false, code: 'DENIED' },
      'us-east-1': { ok: false, code: 'DENIED' },
    });
    expect(coverageGrid([failed(b, '*', 'DENIED')]).regions).toEqual(['*']);
  });
});
