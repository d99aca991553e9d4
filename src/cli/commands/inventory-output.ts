import {
  coverageGrid,
  formatSummary,
  type CoverageGrid,
  type FanoutSummary,
  type TargetResult,
} from '../../core/fanout/index.js';
import type { SliceResult, SyncReport, TargetValue } from '../../core/inventory/index.js';
import type { CliContext } from '../context.js';
import { renderCoverageGrid } from '../render/coverage-grid.js';
import { type Column, type OutputFormat } from '../render/output.js';
import { render, tableText } from '../render/renderer.js';
import { paintStage } from '../render/stage.js';

/**
 * What `inventory sync` prints once it is done. The data went to the database; stdout gets what a person or a
 * script wants to know of the sync: the coverage grid and the failed slices (table), one JSON report, or the
 * failed slices as CSV / NDJSON records. The summary line goes to stderr, as `crossbar run`'s does.
 */
type Failure = Extract<SliceResult, { ok: false }>;

/** Past this many accounts the grid shows only accounts with a failure: 1,000 green rows say nothing. */
const FULL_GRID_ACCOUNTS = 50;
const FAILURES_SHOWN = 20;

export function sliceSummary(report: SyncReport): FanoutSummary {
  return { total: report.slices, ok: report.ok, failed: report.failed, byCode: report.byCode };
}

/** `38 slices ok, 2 failed (DENIED ×2), 123 resources`. */
export function summaryText(report: SyncReport): string {
  return `${formatSummary(sliceSummary(report)).replace(/^(\d+) ok/, '$1 slices ok')}, ${report.resources} resource${report.resources === 1 ? '' : 's'}`;
}

/** Targets in the order of the accounts, then by region: the grid reads like the config. */
export function sortTargets(
  targets: readonly TargetResult<TargetValue>[],
  accountOrder: readonly string[],
): TargetResult<TargetValue>[] {
  const index = new Map(accountOrder.map((name, i) => [name, i]));
  return [...targets].sort(
    (a, b) =>
      (index.get(a.target.account.name) ?? 0) - (index.get(b.target.account.name) ?? 0) ||
      a.target.region.localeCompare(b.target.region),
  );
}

function failureRecord(f: Failure): Record<string, string | null> {
  return {
    account: f.key.accountId,
    name: f.key.accountName,
    stage: f.key.stage ?? null,
    region: f.key.region,
    type: f.key.type.name,
    code: f.error.code,
    message: f.error.message,
    awsCode: f.error.awsCode ?? null,
  };
}

function failureColumns(ctx: CliContext): Column<Failure>[] {
  const paint = (f: Failure) => paintStage(ctx.colors, f.key.accountName, f.key.stage);
  return [
    { key: 'account', header: 'ACCOUNT', value: (f) => f.key.accountId },
    { key: 'name', header: 'NAME', value: (f) => f.key.accountName, cell: paint },
    { key: 'stage', header: 'STAGE', value: (f) => f.key.stage ?? null },
    { key: 'region', header: 'REGION', value: (f) => f.key.region },
    { key: 'type', header: 'TYPE', value: (f) => f.key.type.name },
    { key: 'code', header: 'CODE', value: (f) => f.error.code, cell: (f) => ctx.colors.red(f.error.code) },
    { key: 'message', header: 'MESSAGE', value: (f) => f.error.message, cell: (f) => clip(f.error.message, 100) },
    { key: 'awsCode', header: 'AWS CODE', value: (f) => f.error.awsCode ?? null },
  ];
}

function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function shownGrid(grid: CoverageGrid): { grid: CoverageGrid; hidden: number } {
  if (grid.rows.length <= FULL_GRID_ACCOUNTS) return { grid, hidden: 0 };
  const rows = grid.rows.filter((r) => Object.values(r.cells).some((c) => !c.ok));
  return { grid: { ...grid, rows }, hidden: grid.rows.length - rows.length };
}

export interface SyncOutput {
  db: string;
  types: readonly string[];
  accountOrder: readonly string[];
}

export function printSyncReport(ctx: CliContext, format: OutputFormat, report: SyncReport, info: SyncOutput): void {
  const grid = coverageGrid(sortTargets(report.targets, info.accountOrder));
  const { grid: visible, hidden } = shownGrid(grid);
  const gridLines = renderCoverageGrid(visible, ctx.colors);
  const columns = failureColumns(ctx);
  render(
    format,
    { stdout: ctx.io.stdout, err: ctx.err },
    {
      // CSV and NDJSON: one record per failed slice on stdout; the grid is for the person watching.
      columns,
      aside: () => (gridLines.length > 0 ? ['coverage', ...gridLines].join('\n') : undefined),
      document: (failures) => ({
        db: info.db,
        types: info.types,
        summary: {
          ...sliceSummary(report),
          resources: report.resources,
          calls: report.calls,
          elapsedMs: Math.round(report.elapsedMs),
          text: summaryText(report),
        },
        coverage: grid,
        failures: failures.map(failureRecord),
        interrupted: report.interrupted,
      }),
      table: (failures) => {
        const lines: string[] = [];
        if (gridLines.length > 0) lines.push(ctx.colors.bold('coverage'), ...gridLines);
        if (hidden > 0) lines.push(ctx.colors.dim(`(${hidden} accounts with every slice ok not shown)`));
        if (failures.length === 0) return lines.map((l) => `${l}\n`).join('');
        lines.push('', ctx.colors.bold('failed slices (their old rows are kept)'));
        const table = tableText(columns, failures.slice(0, FAILURES_SHOWN), { header: ctx.colors.bold });
        const more =
          failures.length > FAILURES_SHOWN
            ? `${ctx.colors.dim(`… and ${failures.length - FAILURES_SHOWN} more: crossbar query "SELECT * FROM sync_status WHERE status = 'failed'"`)}\n`
            : '';
        return `${lines.map((l) => `${l}\n`).join('')}${table}${more}`;
      },
    },
    report.failures,
  );
}
