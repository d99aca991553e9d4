import type { Command } from 'commander';
import {
  failureReason,
  roleTargets,
  summarizeReachability,
  type Reach,
  type TargetResult,
} from '../../core/reachability.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { openCrossbarFor, type HopFlags } from '../open-crossbar.js';
import { checkSources } from '../fanout-command.js';
import { formatDuration } from '../render/format.js';
import { resolveOutputFormat, type Column } from '../render/output.js';
import { render, tableText } from '../render/renderer.js';
import { paintStage } from '../render/stage.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../report-error.js';

/**
 * `crossbar accounts check [SELECTOR] [--role R]`: the reachability matrix. One row per account × role, reached
 * (the assumed-role ARN and the expiry) or denied and why; exit 1 when any configured role is unreachable.
 */
export interface CheckFlags extends HopFlags {
  role?: string;
  concurrency: string;
}

type Row = TargetResult<Reach>;

function columns(ctx: CliContext, now: number): Column<Row>[] {
  const { green, red, dim } = ctx.colors;
  return [
    {
      key: 'account',
      header: 'ACCOUNT',
      value: (r) => r.target.account.name,
      cell: (r) => paintStage(ctx.colors, r.target.account.name, r.target.account.stage, r.target.account.color),
    },
    { key: 'accountId', header: 'ID', value: (r) => r.target.account.id },
    { key: 'source', header: 'SOURCE', value: (r) => r.target.account.source },
    { key: 'role', header: 'ROLE', value: (r) => r.target.role.key },
    {
      key: 'status',
      header: 'STATUS',
      value: (r) => (r.ok ? 'ok' : 'denied'),
      cell: (r) => (r.ok ? green('ok') : red('denied')),
    },
    { key: 'reason', header: 'REASON', value: (r) => (r.ok ? null : failureReason(r.error)) },
    { key: 'assumedArn', header: 'ASSUMED ARN', value: (r) => (r.ok ? r.value.assumedArn : null) },
    {
      key: 'expiration',
      header: 'EXPIRES',
      value: (r) => (r.ok ? (r.value.expiration?.toISOString() ?? null) : null),
      cell: (r) => (r.ok && r.value.expiration ? `${formatDuration(r.value.expiration.getTime() - now)} left` : ''),
    },
    { key: 'code', header: 'CODE', value: (r) => (r.ok ? null : r.error.code) },
    { key: 'message', header: 'MESSAGE', value: (r) => (r.ok ? null : r.error.message) },
    {
      key: 'hint',
      header: 'WHY / WHAT TO DO',
      value: (r) => (r.ok ? null : (r.error.hint ?? null)),
      cell: (r) => (r.ok ? '' : dim(detail(r.error))),
    },
  ];
}

/** A denied AssumeRole is explained by its hint; any other failure (MFA, the network) needs its message too. */
function detail(error: Extract<Row, { ok: false }>['error']): string {
  if (error.code === 'ROLE_ASSUME_DENIED') return error.hint ?? error.message;
  return error.hint ? `${error.message}: ${error.hint}` : error.message;
}

function parseConcurrency(text: string): number | undefined {
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 256 ? n : undefined;
}

export async function runAccountsCheck(
  ctx: CliContext,
  command: Command,
  selector: string | undefined,
  flags: CheckFlags,
): Promise<number> {
  const concurrency = parseConcurrency(flags.concurrency);
  if (concurrency === undefined) {
    ctx.err(`crossbar: --concurrency must be a whole number from 1 to 256 (got '${flags.concurrency}')`);
    return EXIT_USAGE;
  }
  const { crossbar } = await openCrossbarFor(ctx, command, flags);
  const accounts = crossbar.selectAccounts(selector);
  const targets = roleTargets(accounts, flags.role);
  // A source that cannot sign in fails every row the same way: one clear error instead of a matrix of it (with
  // several sources, one line for it, and its rows fail with its error).
  const { identities } = await checkSources(ctx, crossbar, accounts);
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  const as = [...identities].map(([name, id]) => (identities.size > 1 ? `${name} as ${id.arn}` : id.arn)).join(', ');
  if (format === 'table') ctx.err(ctx.colors.dim(`checking ${targets.length} account × role pairs as ${as}…`));
  const results = await crossbar.checkReachability(targets, { concurrency, signal: ctx.signal });
  const cols = columns(ctx, crossbar.now());
  // The table leaves out what only machines need; JSON and CSV keep every column.
  // The source column only when there is more than one to tell apart.
  const severalSources = crossbar.sourcesOf(accounts).length > 1;
  const tableColumns = cols.filter(
    (c) => c.key !== 'code' && c.key !== 'accountId' && c.key !== 'message' && (c.key !== 'source' || severalSources),
  );
  render(
    format,
    { stdout: ctx.io.stdout, err: ctx.err },
    { columns: cols, table: (rows) => tableText(tableColumns, rows, { header: ctx.colors.bold }) },
    results,
  );
  const failed = results.some((r) => !r.ok);
  ctx.err(`${failed ? ctx.colors.red('✗') : ctx.colors.green('✓')} ${summarizeReachability(results)}`);
  return failed ? EXIT_FAILED : EXIT_OK;
}

export function defineAccountsCheck(command: Command, runtime: CliRuntime): void {
  command
    .argument('[selector]', 'which accounts (default: all)')
    .option('--role <role>', 'check only this role (its key or IAM name)')
    .option('--concurrency <n>', 'targets checked at once', '8')
    .option('--mfa-code <code>', 'the current MFA code, for roles that need MFA (also CROSSBAR_MFA_CODE)')
    .action((selector: string | undefined, flags: CheckFlags, command: Command) =>
      runtime.run(command, (ctx) => runAccountsCheck(ctx, command, selector, flags)),
    );
}
