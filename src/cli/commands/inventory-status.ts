import type { Command } from 'commander';
import { resolveCrossbarHome } from '../../core/config-location.js';
import { inventoryPath } from '../../core/inventory/index.js';
import type { SyncStatusRow } from '../../core/inventory/index.js';
import type { CliContext } from '../context.js';
import { finishFanout, openFanout, plural, SELECTOR_HELP, type FanoutFlags } from '../fanout-command.js';
import { formatAge } from '../render/format.js';
import { resolveOutputFormat, type Column } from '../render/output.js';
import { render, tableText } from '../render/renderer.js';
import { paintStage } from '../render/stage.js';
import type { CliRuntime } from '../runtime.js';
import { EXIT_FAILED, EXIT_OK } from '../report-error.js';
import {
  lastRunLine,
  needsAttention,
  RUN_TABLE_KEYS,
  runColumns,
  runRecords,
  type RunRecord,
} from './inventory-runs.js';

/**
 * `crossbar inventory status [SELECTOR] [--db FILE]`: the `sync_status` table of the inventory, one row per
 * account × region × type that a sync has read, with its age and, for a failed slice, its code and message.
 * A line on stderr says what became of the latest sync (`sync_runs`); `--runs` lists the recent syncs instead.
 * Exit 1 when any selected slice failed or the latest sync did not finish, 0 otherwise, 2 for bad usage (no inventory yet, an unknown selector).
 * It reads only the database: no AWS call, and no crossbar.yaml unless a selector needs the registry.
 */
interface StatusFlags extends FanoutFlags {
  db?: string;
  runs?: boolean;
}

interface Slice extends SyncStatusRow {
  ageMs: number;
}

function columns(ctx: CliContext): Column<Slice>[] {
  const { green, red, dim } = ctx.colors;
  return [
    { key: 'account', header: 'ACCOUNT', value: (s) => s.accountId },
    {
      key: 'name',
      header: 'NAME',
      value: (s) => s.accountName,
      cell: (s) => paintStage(ctx.colors, s.accountName, s.stage ?? undefined),
    },
    { key: 'stage', header: 'STAGE', value: (s) => s.stage },
    { key: 'region', header: 'REGION', value: (s) => s.region },
    { key: 'type', header: 'TYPE', value: (s) => s.type },
    {
      key: 'status',
      header: 'STATUS',
      value: (s) => s.status,
      cell: (s) => (s.status === 'ok' ? green('✓ ok') : red(`✗ ${s.errorCode ?? 'failed'}`)),
    },
    { key: 'age', header: 'AGE', value: (s) => formatAge(s.ageMs), align: 'right' },
    { key: 'items', header: 'ITEMS', value: (s) => s.itemCount, align: 'right' },
    { key: 'code', header: 'CODE', value: (s) => s.errorCode },
    {
      key: 'message',
      header: 'MESSAGE',
      value: (s) => s.errorMessage,
      cell: (s) => `${s.errorMessage ?? ''}${s.awsErrorCode ? dim(` [${s.awsErrorCode}]`) : ''}`,
    },
    { key: 'awsCode', header: 'AWS CODE', value: (s) => s.awsErrorCode },
    { key: 'syncedAt', header: 'SYNCED AT', value: (s) => s.syncedAt },
    { key: 'lastOkAt', header: 'LAST OK AT', value: (s) => s.lastOkAt },
  ];
}

/** The table shows what a person scans for; the machine formats carry every column. */
const TABLE_KEYS = new Set(['name', 'region', 'type', 'status', 'age', 'items', 'message']);

/** `68 slices ok, 2 failed (ERROR ×2) in 4 accounts, oldest 3m`. */
function summaryText(slices: readonly Slice[]): string {
  const failed = slices.filter((s) => s.status !== 'ok');
  const byCode = new Map<string, number>();
  for (const s of failed) byCode.set(s.errorCode ?? 'ERROR', (byCode.get(s.errorCode ?? 'ERROR') ?? 0) + 1);
  const codes = [...byCode].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ×${n}`);
  const accounts = new Set(slices.map((s) => s.accountId)).size;
  const oldest = Math.max(0, ...slices.map((s) => s.ageMs));
  return `${slices.length - failed.length} slices ok, ${failed.length} failed${codes.length ? ` (${codes.join(', ')})` : ''} in ${plural(accounts, 'account')}${slices.length ? `, oldest ${formatAge(oldest)}` : ''}`;
}

export async function runInventoryStatus(
  ctx: CliContext,
  command: Command,
  selector: string | undefined,
  flags: StatusFlags,
): Promise<number> {
  const { readSyncRuns, readSyncStatus } = await import('../../core/inventory/index.js');
  const db = inventoryPath(resolveCrossbarHome(ctx.io.env, ctx.io.cwd), ctx.io.cwd, flags.db);
  const rows = readSyncStatus(db);
  const runs = runRecords(readSyncRuns(db), Date.now());
  if (flags.runs) return showRuns(ctx, runs);
  // A selector needs the registry; every slice in the database is shown without one.
  const selected =
    selector === undefined
      ? undefined
      : new Set(
          (await openFanout(ctx, command, selector, flags, { skipSourceCheck: true })).accounts.map(
            (a) => a.account.id,
          ),
        );
  const now = Date.now();
  const slices = rows
    .filter((r) => selected === undefined || selected.has(r.accountId))
    .map((r): Slice => ({ ...r, ageMs: now - Date.parse(r.syncedAt) }));
  renderRows(ctx, columns(ctx), TABLE_KEYS, slices);
  if (slices.length === 0)
    ctx.err(ctx.colors.dim(`no slice of ${selector ?? 'any account'} in ${db} yet: run crossbar inventory sync`));
  const lastRun = lastRunLine(ctx, runs[0]);
  if (lastRun) ctx.err(lastRun);
  return finishFanout(ctx, {
    failed: slices.some((s) => s.status !== 'ok') || needsAttention(runs[0]),
    text: summaryText(slices),
    interrupted: false,
  });
}

/** Every column for machines; on a table only the `tableKeys` ones, and nothing at all for no rows. */
function renderRows<T>(ctx: CliContext, all: Column<T>[], tableKeys: ReadonlySet<string>, rows: readonly T[]): void {
  render(
    resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY),
    { stdout: ctx.io.stdout, err: ctx.err },
    {
      columns: all,
      table: (shown) =>
        shown.length === 0
          ? ''
          : tableText(
              all.filter((c) => tableKeys.has(c.key)),
              shown,
              { header: ctx.colors.bold },
            ),
    },
    rows,
  );
}

/** `--runs`: the recent syncs instead of the slices; exit 1 when the latest one did not finish. */
function showRuns(ctx: CliContext, runs: readonly RunRecord[]): number {
  renderRows(ctx, runColumns(ctx), RUN_TABLE_KEYS, runs);
  const lastRun = lastRunLine(ctx, runs[0]);
  if (lastRun) ctx.err(lastRun);
  else ctx.err(ctx.colors.dim('no sync recorded yet: run crossbar inventory sync'));
  return needsAttention(runs[0]) ? EXIT_FAILED : EXIT_OK;
}

export function defineInventoryStatus(command: Command, runtime: CliRuntime): void {
  command
    .argument('[selector]', SELECTOR_HELP)
    .option('--db <file>', 'the inventory database (default: $CROSSBAR_HOME/inventory.db)')
    .option('--runs', 'list the recent syncs (finished, interrupted, failed, running or killed) instead of the slices')
    .addHelpText(
      'after',
      [
        '',
        'One row per slice (account × region × type) the syncs have read: ok with its age and item count, or',
        'failed with its code and message (a failed slice keeps the rows of its last good sync). A line on stderr',
        'says what became of the latest sync: finished, interrupted, failed, still running, or killed (started',
        'and never finished, its process gone).',
        '',
        'Examples:',
        '  crossbar inventory status',
        '  crossbar inventory status stage=prod -o csv > status.csv',
        '  crossbar inventory status --runs',
        '',
        'Exit 1 when any selected slice failed or the latest sync did not finish, 0 when all are ok, 2 when there',
        'is no inventory yet.',
      ].join('\n'),
    )
    .action((selector: string | undefined, flags: StatusFlags, cmd: Command) =>
      runtime.run(cmd, (ctx) => runInventoryStatus(ctx, cmd, selector, flags)),
    );
}
