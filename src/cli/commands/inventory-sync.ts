import type { Command } from 'commander';
import { RESOURCE_TYPES } from '../../core/inventory/index.js';
import type { CliContext } from '../context.js';
import {
  addFanoutFlags,
  finishFanout,
  openFanout,
  parseFanoutFlags,
  plural,
  regionText,
  ROLE_HELP,
  SELECTOR_HELP,
  withProgress,
  type FanoutFlags,
  type FanoutFlagSpec,
} from '../fanout-command.js';
import { resolveOutputFormat } from '../render/output.js';
import type { CliRuntime } from '../runtime.js';

/**
 * `crossbar inventory sync [SELECTOR] [--types LIST] [--regions LIST|all] [--db FILE]`: reads every selected
 * account × region × resource type into the inventory database (CROSSBAR_HOME/inventory.db by default). A slice
 * read in full replaces its rows; a failed slice is recorded in `sync_status` and keeps its old rows. Exit 1
 * when any slice failed (after syncing all the others), 2 for bad usage, 130 on Ctrl-C.
 *
 * The inventory modules (better-sqlite3, a native addon) are imported when the command runs, so that a
 * machine where the addon cannot load still runs every other command.
 */
export interface InventorySyncFlags extends FanoutFlags {
  types?: string;
  db?: string;
  includeEnvValues?: boolean;
}

const SYNC_FLAGS: FanoutFlagSpec = {
  name: 'inventory sync',
  regions: {},
  concurrency: { default: 32, help: 'targets (account × region) in flight at once' },
  perAccount: { default: 8, help: 'targets of one account in flight at once' },
  timeout: { default: 120, help: 'per target (all of its types)' },
  role: ROLE_HELP,
  mfaCode: true,
};

export async function runInventorySync(
  ctx: CliContext,
  command: Command,
  selector: string | undefined,
  flags: InventorySyncFlags,
): Promise<number> {
  const [{ InventoryStore, inventoryPath, resolveResourceTypes, syncInventory }, { printSyncReport, summaryText }] =
    await Promise.all([import('../../core/inventory/index.js'), import('./inventory-output.js')]);
  // Everything that can be checked without AWS is checked before the first call.
  const types = resolveResourceTypes(flags.types);
  const limits = parseFanoutFlags(flags, SYNC_FLAGS);
  let db = '';
  const fan = await openFanout(ctx, command, selector, flags, {
    requireAccounts: false,
    banner: ({ crossbar, accounts, source }) =>
      `inventory sync of ${plural(types.length, 'type')} in ${plural(accounts.length, 'account')} × ${regionText(limits.regions)} as ${source?.arn ?? ''} → ${(db = inventoryPath(crossbar.home, ctx.io.cwd, flags.db))}`,
  });
  const store = InventoryStore.open(db);
  if (flags.includeEnvValues)
    ctx.err(
      ctx.colors.yellow(
        `Lambda environment variable values (often secrets) are stored in ${db}; without --include-env-values only their keys are`,
      ),
    );
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  const report = await withProgress(ctx, (onProgress) =>
    syncInventory(fan.crossbar, {
      accounts: fan.accounts,
      types,
      regions: limits.regions,
      store,
      includeEnvValues: flags.includeEnvValues === true,
      concurrency: limits.concurrency,
      perAccount: limits.perAccount,
      timeoutMs: limits.timeoutMs,
      signal: fan.signal,
      onProgress,
    }),
  ).finally(() => store.close());
  printSyncReport(ctx, format, report, {
    db,
    types: types.map((t) => t.name),
    accountOrder: fan.accounts.map((a) => a.account.name),
  });
  return finishFanout(ctx, {
    failed: report.failed > 0,
    text: summaryText(report),
    elapsedMs: report.elapsedMs,
    pace: `, ${report.calls} API calls`,
    interrupted: report.interrupted,
    interruptedNote: 'unfinished slices are recorded INTERRUPTED and keep their rows',
  });
}

export function defineInventorySync(command: Command, runtime: CliRuntime): void {
  command
    .argument('[selector]', SELECTOR_HELP)
    .option(
      '--types <list>',
      'comma-separated resource types or services (ec2_instances,lambda_functions or ec2,iam); default: all',
    )
    .option('--db <file>', 'the inventory database (default: $CROSSBAR_HOME/inventory.db)')
    .option(
      '--include-env-values',
      'also store the values of Lambda environment variables, which often hold secrets (default: keys only)',
    );
  addFanoutFlags(command, SYNC_FLAGS)
    .addHelpText(
      'after',
      [
        '',
        'Types (global ones are read once per account):',
        ...RESOURCE_TYPES.map((t) => `  ${t.name.padEnd(20)} ${t.title}${t.scope === 'global' ? ' (global)' : ''}`),
        '',
        'Examples:',
        '  crossbar inventory sync',
        '  crossbar inventory sync stage=prod --types ec2,lambda_functions --regions all',
        '  crossbar query "SELECT account_name, region, count(*) FROM ec2_instances GROUP BY 1, 2"',
        '',
        'A slice (account × region × type) read in full replaces its rows; a failed slice keeps its old rows and is',
        'recorded in the sync_status table (the coverage grid). Exit 1 when any slice failed.',
        '',
        'The database is private (0600). Lambda environment variables are stored by key only (the env_keys column',
        'and raw, with null values) unless --include-env-values asks for their values too.',
      ].join('\n'),
    )
    .action((selector: string | undefined, flags: InventorySyncFlags, cmd: Command) =>
      runtime.run(cmd, (ctx) => runInventorySync(ctx, cmd, selector, flags)),
    );
}
