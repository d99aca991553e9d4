import type { ErrorCode } from '../errors.js';
import { ALL_REGIONS, FAILURE_CODES, type TargetResult } from './types.js';

/**
 * What a run amounts to: `47 ok, 3 failed (DENIED ×2, THROTTLED ×1)`, and the coverage grid (account × region →
 * ✓ or the failure code) that shows at a glance which corners of the organization were not reached.
 */
export interface FanoutSummary {
  total: number;
  ok: number;
  failed: number;
  byCode: Partial<Record<ErrorCode, number>>;
}

export function summarize(results: readonly TargetResult<unknown>[]): FanoutSummary {
  const byCode: Partial<Record<ErrorCode, number>> = {};
  let ok = 0;
  for (const r of results) {
    if (r.ok) ok += 1;
    else byCode[r.error.code] = (byCode[r.error.code] ?? 0) + 1;
  }
  return { total: results.length, ok, failed: results.length - ok, byCode };
}

export function formatSummary(summary: FanoutSummary): string {
  // The fan-out's own codes in their usual order, then any other code a target failed with; most frequent first.
  const order = (code: ErrorCode) => {
    const i = (FAILURE_CODES as readonly string[]).indexOf(code);
    return i < 0 ? FAILURE_CODES.length : i;
  };
  const present = (Object.keys(summary.byCode) as ErrorCode[]).filter((c) => (summary.byCode[c] ?? 0) > 0);
  const codes = present
    .sort((a, b) => order(a) - order(b))
    .sort((a, b) => (summary.byCode[b] ?? 0) - (summary.byCode[a] ?? 0));
  const detail = codes.map((c) => `${c} ×${summary.byCode[c] ?? 0}`).join(', ');
  return `${summary.ok} ok, ${summary.failed} failed${detail ? ` (${detail})` : ''}`;
}

export interface GridCell {
  ok: boolean;
  code?: ErrorCode;
}

export interface GridRow {
  accountId: string;
  name: string;
  stage?: string;
  color: string;
  /** region → cell; a region the account was not run in has no cell. */
  cells: Record<string, GridCell>;
}

export interface CoverageGrid {
  regions: string[];
  rows: GridRow[];
}

/**
 * Rows in the order accounts first appear, regions sorted. A whole-account result (region `*`: its regions
 * could not be read) fills every column of its row.
 */
export function coverageGrid(results: readonly TargetResult<unknown>[]): CoverageGrid {
  // A global operation's target covers the account: its column is `global`, not the region it was asked in.
  const columnOf = (r: TargetResult<unknown>) => (r.target.global ? 'global' : r.target.region);
  const regions = [...new Set(results.map(columnOf).filter((r) => r !== ALL_REGIONS))].sort();
  const rows = new Map<string, GridRow>();
  const wholeAccount = new Map<string, GridCell>();
  for (const r of results) {
    const { account } = r.target;
    const key = `${account.name}|${r.target.role.key}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        accountId: account.id,
        name: account.name,
        color: account.color,
        cells: {},
        ...(account.stage ? { stage: account.stage } : {}),
      };
      rows.set(key, row);
    }
    const cell: GridCell = r.ok ? { ok: true } : { ok: false, code: r.error.code };
    if (r.target.region === ALL_REGIONS) wholeAccount.set(key, cell);
    else row.cells[columnOf(r)] = cell;
  }
  for (const [key, cell] of wholeAccount) {
    const row = rows.get(key);
    if (row) for (const region of regions) row.cells[region] ??= cell;
  }
  return {
    regions: regions.length > 0 ? regions : wholeAccount.size > 0 ? [ALL_REGIONS] : [],
    rows: [...rows.values()],
  };
}
