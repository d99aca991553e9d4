import type { Command } from 'commander';
import { CrossbarError } from '../../core/errors.js';
import type { FanoutAccount } from '../../core/fanout/types.js';
import { RESOURCE_TYPES } from '../../core/inventory/resource-types.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../main.js';
import { openCrossbarFor, type HopFlags } from '../open-crossbar.js';
import { resolveOutputFormat } from '../render/output.js';
import { createProgressBar } from '../render/progress.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from '../report-error.js';

/**
 * `crossbar inventory sync [SELECTOR] [--types LIST] [--regions LIST|all] [--db FILE]`: reads every selected
 * account × region × resource type into the inventory database (CROSSBAR_HOME/inventory.db by default). A slice
 * read in full replaces its rows; a failed slice is recorded in `sync_status` and keeps its old rows. Exit 1
 * when any slice failed (after syncing all the others), 2 for bad usage, 130 on Ctrl-C.
 *
 * The inventory modules (better-sqlite3, a native addon) are imported when the command runs, so that a
 * machine where the addon cannot load still runs every other command.
 */
export interface InventorySyncFlags extends HopFlags {
  types?: string;
  regions?: string;
  db?: string;
  concurrency: string;
  perAccount: string;
  timeout: string;
  role?: string;
}

const DEFAULT_CONCURRENCY = 32;
const DEFAULT_TIMEOUT_S = 120;

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CrossbarError('USAGE', `${flag} must be a whole number from ${min} to ${max} (got '${text}')`, {
      exitCode: 2,
    });
  return n;
}

export async function runInventorySync(
  ctx: CliContext,
  command: Command,
  selector: string | undefined,
  flags: InventorySyncFlags,
): Promise<number> {
  const [
    { InventoryStore, inventoryPath, resolveResourceTypes, syncInventory },
    { parseRegionList },
    { roleFor },
    { printSyncReport, summaryText },
  ] = await Promise.all([
    import('../../core/inventory/index.js'),
    import('../../core/fanout/index.js'),
    import('./run.js'),
    import('./inventory-output.js'),
  ]);
  // Everything that can be checked without AWS is checked before the first call.
  const types = resolveResourceTypes(flags.types);
  const concurrency = wholeNumber('--concurrency', flags.concurrency, 1, 1024);
  const perAccount = wholeNumber('--per-account', flags.perAccount, 1, 256);
  const timeoutMs = wholeNumber('--timeout', flags.timeout, 1, 3600) * 1000;
  const regions = flags.regions === undefined ? undefined : parseRegionList(flags.regions);
  if (Array.isArray(regions) && regions.length === 0)
    throw new CrossbarError('USAGE', '--regions is empty', {
      hint: 'e.g. --regions us-east-1,eu-west-1 or --regions all',
      exitCode: 2,
    });
  const { crossbar } = await openCrossbarFor(ctx, command, flags);
  const accounts = crossbar
    .selectAccounts(selector)
    .map((account): FanoutAccount => ({ account, role: roleFor(account, flags.role) }));
  // A source that cannot sign in would fail every slice the same way: one clear error instead.
  const source = await crossbar.sourceIdentity();
  const db = inventoryPath(crossbar.home, ctx.io.cwd, flags.db);
  const store = InventoryStore.open(db);
  const stop = ctx.handleInterrupts();
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  const regionText =
    regions === undefined
      ? 'their configured regions'
      : regions === 'all'
        ? 'every enabled region'
        : regions.join(', ');
  ctx.err(
    ctx.colors.dim(
      `inventory sync of ${types.length} type${types.length === 1 ? '' : 's'} in ${accounts.length} account${accounts.length === 1 ? '' : 's'} × ${regionText} as ${source.arn} → ${db}`,
    ),
  );
  const bar = createProgressBar(ctx.io.stderr, { colors: ctx.colors });
  let report;
  try {
    report = await syncInventory({
      accounts,
      types,
      regions,
      store,
      concurrency,
      perAccount,
      timeoutMs,
      endpoint: crossbar.endpoint,
      signal: stop,
      credentialsFor: (fa) => crossbar.credentials(fa),
      onProgress: (p) => bar.update(p),
    });
  } finally {
    bar.stop();
    store.close();
  }
  printSyncReport(ctx, format, report, {
    db,
    types: types.map((t) => t.name),
    accountOrder: accounts.map((a) => a.account.name),
  });
  const mark = report.failed > 0 ? ctx.colors.red('✗') : ctx.colors.green('✓');
  const pace = ctx.colors.dim(` in ${(report.elapsedMs / 1000).toFixed(1)}s, ${report.calls} API calls`);
  ctx.err(
    `${mark} ${summaryText(report)}${pace}${report.interrupted ? ctx.colors.yellow(' — interrupted: unfinished slices are recorded INTERRUPTED and keep their rows') : ''}`,
  );
  if (report.interrupted) return EXIT_INTERRUPTED;
  return report.failed > 0 ? EXIT_FAILED : EXIT_OK;
}

export function registerInventoryCommands(program: Command, runtime: CliRuntime): void {
  const inventory = program
    .command('inventory')
    .description('a queryable SQLite inventory of the resources of every account × region');
  inventory
    .command('sync')
    .description('read every selected account × region × resource type into the inventory database')
    .argument(
      '[selector]',
      'which accounts: names, ids, globs, stage=prod, tag:team=x, workspace=w, all (default); ! excludes',
    )
    .option(
      '--types <list>',
      'comma-separated resource types or services (ec2_instances,lambda_functions or ec2,iam); default: all',
    )
    .option(
      '--regions <list>',
      "comma-separated regions, or all (the regions enabled in each account); default: each account's configured regions",
    )
    .option('--db <file>', 'the inventory database (default: $CROSSBAR_HOME/inventory.db)')
    .option('--concurrency <n>', 'targets (account × region) in flight at once', String(DEFAULT_CONCURRENCY))
    .option('--per-account <n>', 'targets of one account in flight at once', '8')
    .option('--timeout <seconds>', 'per target (all of its types)', String(DEFAULT_TIMEOUT_S))
    .option(
      '--role <role>',
      "the role to use in every account (its key or IAM name; default: each account's default role)",
    )
    .option('--mfa-code <code>', 'the current MFA code, for roles that need MFA (also CROSSBAR_MFA_CODE)')
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
      ].join('\n'),
    )
    .action((selector: string | undefined, flags: InventorySyncFlags, cmd: Command) =>
      runtime.run(cmd, (ctx) => runInventorySync(ctx, cmd, selector, flags)),
    );
}
