import type { FanoutAccount, FanoutSummary, TargetResult } from '../../core/fanout/index.js';
import { ALL_REGIONS, coverageGrid, formatSummary, summarize } from '../../core/fanout/index.js';
import type { CliContext } from '../context.js';
import { renderCoverageGrid } from '../render/coverage-grid.js';
import type { Column } from '../render/output.js';
import { renderOutput, type View } from '../render/renderer.js';
import { paintStage } from '../render/stage.js';

/**
 * How `crossbar run` prints its results: a table for people (account, name, stage in its colour, region,
 * status, a one-line summary of the value), one JSON object with the coverage grid and summary, one NDJSON
 * line per target as it finishes, or CSV.
 */
export type RunRow = TargetResult<unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isExecOutput(value: unknown): value is { exitCode: number; stdout: string; stderr: string } {
  return isRecord(value) && typeof value['exitCode'] === 'number' && typeof value['stdout'] === 'string';
}

/**
 * `2 Reservations (5 Instances)`: list members counted; a list of wrappers (items smaller than the objects in
 * their one inner list, as Reservations wrap Instances) also counts the inner objects.
 */
function countLists(value: Record<string, unknown>): string[] {
  return Object.entries(value).flatMap(([key, v]) => {
    if (!Array.isArray(v)) return [];
    const inner = new Map<string, number>();
    let wrappers = v.length > 0;
    for (const item of v) {
      if (!isRecord(item)) {
        wrappers = false;
        continue;
      }
      const lists = Object.entries(item).filter(([k, x]) => Array.isArray(x) && k !== 'Tags' && k !== 'Groups');
      const [only] = lists;
      const objects = only && Array.isArray(only[1]) ? only[1].filter(isRecord) : [];
      if (lists.length !== 1 || !only || objects.some((o) => Object.keys(o).length <= Object.keys(item).length))
        wrappers = false;
      else inner.set(only[0], (inner.get(only[0]) ?? 0) + objects.length);
    }
    const [nested] = wrappers && inner.size === 1 ? [...inner] : [];
    return [`${v.length} ${key}${nested ? ` (${nested[1]} ${nested[0]})` : ''}`];
  });
}

function clip(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A one-line summary of a target's value for the table. */
export function summarizeValue(value: unknown): string {
  if (isExecOutput(value))
    return clip(`exit ${value.exitCode}${value.stdout.trim() ? ` · ${value.stdout.trim().split('\n')[0] ?? ''}` : ''}`);
  if (!isRecord(value)) return value === undefined ? '' : clip(JSON.stringify(value));
  const lists = countLists(value);
  if (lists.length > 0) return clip(lists.join(', '));
  const scalars = Object.entries(value)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .slice(0, 2);
  return clip(scalars.map(([k, v]) => `${k}=${String(v)}`).join(' ') || JSON.stringify(value));
}

/** `global` for a global operation's one target per account (called in the partition's global region). */
function regionOf(r: RunRow): string {
  if (r.target.global) return 'global';
  return r.target.region === ALL_REGIONS ? 'all' : r.target.region;
}

/** The table's region: `global (us-east-1)` says both that it covers the account and where it was asked. */
function regionCell(r: RunRow): string {
  return r.target.global ? `global (${r.target.region})` : regionOf(r);
}

/** The machine record of one result: what JSON, NDJSON and CSV carry. */
export function resultRecord(r: RunRow): Record<string, unknown> {
  const { account, role } = r.target;
  const base = {
    account: account.id,
    name: account.name,
    stage: account.stage ?? null,
    region: regionOf(r),
    ...(r.target.global ? { calledIn: r.target.region } : {}),
    role: role.key,
    status: r.ok ? 'ok' : r.error.code,
    ms: r.ms,
  };
  if (r.ok) return { ...base, value: r.value };
  const { code, message, awsCode, awsMessage, reason, hint } = r.error;
  return {
    ...base,
    error: {
      code,
      message,
      ...(awsCode ? { awsCode } : {}),
      ...(awsMessage ? { awsMessage } : {}),
      ...(reason ? { reason } : {}),
      ...(hint ? { hint } : {}),
    },
    ...(r.value !== undefined ? { value: r.value } : {}),
  };
}

function tableColumns(ctx: CliContext): Column<RunRow>[] {
  const { green, red, dim } = ctx.colors;
  const paint = (r: RunRow, text: string) =>
    paintStage(ctx.colors, text, r.target.account.stage, r.target.account.color);
  return [
    { key: 'account', header: 'ACCOUNT', value: (r) => r.target.account.id },
    { key: 'name', header: 'NAME', value: (r) => r.target.account.name, cell: (r) => paint(r, r.target.account.name) },
    {
      key: 'stage',
      header: 'STAGE',
      value: (r) => r.target.account.stage ?? null,
      cell: (r) => paint(r, r.target.account.stage ?? ''),
    },
    { key: 'region', header: 'REGION', value: regionCell },
    {
      key: 'status',
      header: 'STATUS',
      value: (r) => (r.ok ? 'ok' : r.error.code),
      cell: (r) => (r.ok ? green('✓ ok') : red(`✗ ${r.error.code}`)),
    },
    {
      key: 'result',
      header: 'RESULT',
      value: (r) => (r.ok ? summarizeValue(r.value) : r.error.message),
      cell: (r) =>
        r.ok
          ? summarizeValue(r.value)
          : `${clip(r.error.message, 100)}${r.error.awsCode ? dim(` [${r.error.awsCode}]`) : ''}`,
    },
    { key: 'ms', header: 'MS', value: (r) => r.ms, align: 'right' },
  ];
}

/** Results in registry order (account, then region) rather than the order they happened to finish. */
export function sortResults(results: readonly RunRow[], accountOrder: readonly string[]): RunRow[] {
  const rank = new Map(accountOrder.map((name, i) => [name, i]));
  return [...results].sort(
    (a, b) =>
      (rank.get(a.target.account.name) ?? 0) - (rank.get(b.target.account.name) ?? 0) ||
      a.target.region.localeCompare(b.target.region),
  );
}

export function renderResultsTable(ctx: CliContext, results: readonly RunRow[]): string {
  return renderOutput('table', tableColumns(ctx), results, { header: ctx.colors.bold });
}

/** The CSV fields of a result: flat, with the value as JSON in its last column. */
type Field = Column<RunRow>['value'];
const CSV_COLUMNS: Column<RunRow>[] = (
  [
    ['account', (r) => r.target.account.id],
    ['name', (r) => r.target.account.name],
    ['stage', (r) => r.target.account.stage ?? null],
    ['region', regionOf],
    ['role', (r) => r.target.role.key],
    ['status', (r) => (r.ok ? 'ok' : 'failed')],
    ['code', (r) => (r.ok ? null : r.error.code)],
    ['aws_code', (r) => (r.ok ? null : (r.error.awsCode ?? null))],
    ['message', (r) => (r.ok ? null : r.error.message)],
    ['ms', (r) => r.ms],
    ['summary', (r) => (r.ok || r.value !== undefined ? summarizeValue(r.value) : null)],
    [
      'value',
      (r) => {
        const value = resultRecord(r)['value'];
        return value === undefined ? null : JSON.stringify(value);
      },
    ],
  ] satisfies [string, Field][]
).map(([key, value]) => ({ key, header: key, value }));

/** What the report of a run needs besides its results; `interrupted` is known once the run is over. */
export interface RunReport {
  describe: Record<string, unknown>;
  accountOrder: readonly string[];
  interrupted: boolean;
}

export function runReport(describe: Record<string, unknown>, accounts: readonly FanoutAccount[]): RunReport {
  return { describe, accountOrder: accounts.map((a) => a.account.name), interrupted: false };
}

/** The summary of the results in registry order: what the JSON report and the ✓/✗ line say. */
export function runSummary(report: RunReport, results: readonly RunRow[]): FanoutSummary & { text: string } {
  const summary = summarize(sortResults(results, report.accountOrder));
  return { ...summary, text: formatSummary(summary) };
}

/**
 * The four renderings of a run: a line per target as it finishes (NDJSON, CSV, with the coverage grid on
 * stderr), or, once all are in, the table and its grid or one JSON report.
 */
export function runView(ctx: CliContext, report: RunReport): View<RunRow> {
  const gridOf = (sorted: readonly RunRow[]) => renderCoverageGrid(coverageGrid(sorted), ctx.colors);
  return {
    columns: CSV_COLUMNS,
    record: resultRecord,
    document: (results) => {
      const sorted = sortResults(results, report.accountOrder);
      return {
        run: report.describe,
        results: sorted.map(resultRecord),
        coverage: coverageGrid(sorted),
        summary: runSummary(report, results),
        interrupted: report.interrupted,
      };
    },
    table: (results) => {
      const sorted = sortResults(results, report.accountOrder);
      const gridLines = gridOf(sorted);
      const grid = gridLines.length > 0 ? `${['', ctx.colors.bold('coverage'), ...gridLines].join('\n')}\n` : '';
      return `${renderResultsTable(ctx, sorted)}${grid}`;
    },
    aside: (results) => {
      const gridLines = gridOf(sortResults(results, report.accountOrder));
      return gridLines.length > 0 ? ['coverage', ...gridLines].join('\n') : undefined;
    },
  };
}
