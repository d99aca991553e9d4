import type { Command } from 'commander';
import { parseArn } from '../../core/arn.js';
import { callOperation, findOperation, parseJsonInput, validateInput } from '../../core/aws-clients/index.js';
import type { RegistryAccount, RegistryRole } from '../../core/config/registry.js';
import { CrossbarError } from '../../core/errors.js';
import {
  coverageGrid,
  FANOUT_DEFAULTS,
  formatSummary,
  parseRegionList,
  runFanout,
  summarize,
  type FanoutAccount,
  type FanoutTarget,
  type TargetResult,
  type WorkContext,
} from '../../core/fanout/index.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../main.js';
import { openCrossbarFor, type HopFlags } from '../open-crossbar.js';
import { renderCoverageGrid } from '../render/coverage-grid.js';
import { resolveOutputFormat } from '../render/output.js';
import { createProgressBar } from '../render/progress.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from '../report-error.js';
import { execForTarget } from './run-exec.js';
import {
  csvHeader,
  csvLine,
  renderJsonReport,
  renderResultsTable,
  resultRecord,
  sortResults,
  type RunRow,
} from './run-output.js';

/**
 * `crossbar run SELECTOR [--regions LIST|all] -- SERVICE OPERATION [JSON]` and `… --exec -- CMD...`: one
 * operation (or command) over every selected account × region, one result per target, then the coverage grid.
 * Exit 1 when any target failed (after reporting all of them), 2 for bad usage (unknown service or operation,
 * parameters that do not fit, a selector matching nothing), 130 on Ctrl-C: work stops, finished results are
 * printed and every unfinished target is reported INTERRUPTED.
 */
export interface RunFlags extends HopFlags {
  regions?: string;
  concurrency: string;
  perAccount: string;
  timeout: string;
  paginate: boolean;
  exec?: boolean;
  role?: string;
  yes?: boolean;
}

interface RunPlan {
  label: string;
  describe: Record<string, unknown>;
  work(target: FanoutTarget, ctx: WorkContext): Promise<unknown>;
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CrossbarError('USAGE', `${flag} must be a whole number from ${min} to ${max} (got '${text}')`, {
      exitCode: 2,
    });
  return n;
}

function seconds(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 3600)
    throw new CrossbarError('USAGE', `--timeout must be seconds from 1 to 3600 (got '${text}')`, { exitCode: 2 });
  return Math.round(n * 1000);
}

async function operationPlan(words: readonly string[], paginate: boolean): Promise<RunPlan> {
  const [service, operation, json, ...extra] = words;
  if (service === undefined || operation === undefined) {
    throw new CrossbarError('USAGE', 'run needs SERVICE OPERATION after --', {
      hint: 'e.g. crossbar run all -- ec2 describe-instances, or --exec -- CMD to run a command',
      exitCode: 2,
    });
  }
  if (extra.length > 0)
    throw new CrossbarError('USAGE', `Unexpected arguments after the parameters: ${extra.join(' ')}`, {
      hint: `Quote the JSON parameters as one argument: '{"MaxResults": 5}'`,
      exitCode: 2,
    });
  const op = await findOperation(service, operation);
  const input = validateInput(op, parseJsonInput(json));
  return {
    label: `${op.service.name} ${op.name}`,
    describe: { service: op.service.name, operation: op.name, parameters: input, paginate },
    work: async (_target, ctx) =>
      callOperation(await ctx.client(op.service.name), op, input, { paginate, signal: ctx.signal }),
  };
}

function execPlan(ctx: CliContext, words: readonly string[], endpoint: string | undefined): RunPlan {
  if (words.length === 0)
    throw new CrossbarError('USAGE', 'run --exec needs a command after --', {
      hint: 'e.g. crossbar run all --exec -- aws sts get-caller-identity',
      exitCode: 2,
    });
  const options = { argv: words, baseEnv: ctx.io.env, cwd: ctx.io.cwd, endpoint };
  return {
    label: words.join(' '),
    describe: { exec: words },
    work: (target, work) => execForTarget(options, target, work.credentials, work.signal),
  };
}

/**
 * The role each account is run with: `--role` by key or IAM name, else the account's default role. A role the
 * registry does not list is tried by name (the account's ExternalId kept), so that a missing role is reported
 * DENIED for that account instead of stopping the whole run.
 */
export function roleFor(account: RegistryAccount, ref: string | undefined): RegistryRole {
  if (ref === undefined) return account.defaultRole;
  const configured = account.roles.find((r) => r.key === ref || r.name === ref);
  if (configured) return configured;
  const partition = parseArn(account.defaultRole.arn).partition;
  const externalId = account.defaultRole.externalId;
  return {
    key: ref,
    name: ref,
    arn: `arn:${partition}:iam::${account.id}:role/${ref}`,
    mfa: 'none',
    confirm: false,
    profileName: '',
    ...(externalId ? { externalId } : {}),
  };
}

function refuseUnconfirmed(accounts: readonly FanoutAccount[], yes: boolean): void {
  const guarded = accounts.filter((a) => a.role.confirm);
  if (guarded.length === 0 || yes) return;
  throw new CrossbarError(
    'USAGE',
    `The role ${guarded[0]?.role.key} of ${guarded.map((a) => a.account.name).join(', ')} is marked confirm: true`,
    {
      hint: 'A run cannot ask account by account: pass --yes to go ahead, or pick another --role',
      exitCode: 2,
    },
  );
}

export async function runRun(
  ctx: CliContext,
  command: Command,
  selector: string,
  words: readonly string[],
  flags: RunFlags,
): Promise<number> {
  const concurrency = wholeNumber('--concurrency', flags.concurrency, 1, 1024);
  const perAccount = wholeNumber('--per-account', flags.perAccount, 1, 256);
  const timeoutMs = seconds(flags.timeout);
  const regions = flags.regions === undefined ? undefined : parseRegionList(flags.regions);
  if (Array.isArray(regions) && regions.length === 0)
    throw new CrossbarError('USAGE', '--regions is empty', {
      hint: 'e.g. --regions us-east-1,eu-west-1 or --regions all',
      exitCode: 2,
    });
  // Everything that can be checked without AWS is checked before the first call.
  const opPlan = flags.exec ? undefined : await operationPlan(words, flags.paginate);
  const { crossbar } = await openCrossbarFor(ctx, command, flags);
  const plan = opPlan ?? execPlan(ctx, words, crossbar.endpoint);
  const accounts = crossbar
    .selectAccounts(selector)
    .map((account): FanoutAccount => ({ account, role: roleFor(account, flags.role) }));
  refuseUnconfirmed(accounts, flags.yes === true);
  // A source that cannot sign in would fail every target the same way: one clear error instead.
  const source = await crossbar.sourceIdentity();
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
      `run ${plan.label} on ${accounts.length} account${accounts.length === 1 ? '' : 's'} × ${regionText} as ${source.arn}`,
    ),
  );
  const bar = createProgressBar(ctx.io.stderr, { colors: ctx.colors });
  if (format === 'csv') ctx.io.stdout.write(csvHeader());
  const results: RunRow[] = [];
  const run = runFanout<unknown>({
    accounts,
    regions,
    endpoint: crossbar.endpoint,
    concurrency,
    perAccount,
    perApiPerRegion: FANOUT_DEFAULTS.perApiPerRegion,
    timeoutMs,
    signal: stop,
    credentialsFor: (fa) => crossbar.credentials(fa),
    work: plan.work,
    onProgress: (p) => bar.update(p),
  });
  for await (const result of run) {
    results.push(result);
    // Machine formats stream: a line per target as it finishes.
    if (format === 'ndjson') ctx.io.stdout.write(`${JSON.stringify(resultRecord(result))}\n`);
    if (format === 'csv') ctx.io.stdout.write(csvLine(result));
  }
  await run.done;
  bar.stop();
  return report(ctx, format, plan, results, accounts, stop.aborted);
}

function report(
  ctx: CliContext,
  format: string,
  plan: RunPlan,
  results: readonly TargetResult<unknown>[],
  accounts: readonly FanoutAccount[],
  interrupted: boolean,
): number {
  const sorted = sortResults(
    results,
    accounts.map((a) => a.account.name),
  );
  const summary = summarize(sorted);
  const grid = coverageGrid(sorted);
  const text = formatSummary(summary);
  const gridLines = renderCoverageGrid(grid, ctx.colors);
  if (format === 'json') {
    ctx.io.stdout.write(
      renderJsonReport({
        run: plan.describe,
        results: sorted,
        coverage: grid,
        summary: { ...summary, text },
        interrupted,
      }),
    );
  } else if (format === 'table') {
    ctx.io.stdout.write(renderResultsTable(ctx, sorted));
    if (gridLines.length > 0) ctx.out(['', ctx.colors.bold('coverage'), ...gridLines].join('\n'));
  } else if (gridLines.length > 0) {
    // NDJSON and CSV keep stdout to one record per line; the grid is for the person watching.
    ctx.err(['coverage', ...gridLines].join('\n'));
  }
  const mark = summary.failed > 0 ? ctx.colors.red('✗') : ctx.colors.green('✓');
  ctx.err(
    `${mark} ${text}${interrupted ? ctx.colors.yellow(' — interrupted: unfinished targets are reported INTERRUPTED') : ''}`,
  );
  if (interrupted) return EXIT_INTERRUPTED;
  return summary.failed > 0 ? EXIT_FAILED : EXIT_OK;
}

export function registerRunCommand(program: Command, runtime: CliRuntime): void {
  program
    .command('run')
    .description('run an AWS operation (or, with --exec, a command) in every selected account × region at once')
    .argument('<selector>', 'which accounts: names, ids, globs, stage=prod, tag:team=x, workspace=w, all; ! excludes')
    .argument(
      '[words...]',
      'after --: SERVICE OPERATION [JSON parameters], or with --exec the command and its arguments',
    )
    .option(
      '--regions <list>',
      "comma-separated regions, or all (the regions enabled in each account); default: each account's configured regions",
    )
    .option('--concurrency <n>', 'targets in flight at once', String(FANOUT_DEFAULTS.concurrency))
    .option('--per-account <n>', 'targets of one account in flight at once', String(FANOUT_DEFAULTS.perAccount))
    .option('--timeout <seconds>', 'per target', String(FANOUT_DEFAULTS.timeoutMs / 1000))
    .option('--no-paginate', 'one request per target instead of following every page')
    .option('--exec', "run the command after -- once per target, with that target's credentials in AWS_* variables")
    .option(
      '--role <role>',
      "the role to use in every account (its key or IAM name; default: each account's default role)",
    )
    .option('--yes', 'go ahead with roles marked confirm: true')
    .option('--mfa-code <code>', 'the current MFA code, for roles that need MFA (also CROSSBAR_MFA_CODE)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  crossbar run all --regions us-east-1,eu-west-1 -- ec2 describe-instances',
        `  crossbar run stage=prod --regions all -- ec2 DescribeVpcs '{"Filters":[{"Name":"is-default","Values":["false"]}]}'`,
        '  crossbar run all -o json -- s3 list-buckets',
        '  crossbar run stage!=prod --exec -- aws sts get-caller-identity',
        '',
        'Every target (account × region) gets exactly one result: ok, or DENIED, THROTTLED, REGION_DISABLED, TIMEOUT,',
        "INVALID, NOT_FOUND, ERROR with AWS's message. Ctrl-C stops new work; what finished is printed and the rest",
        'is reported INTERRUPTED (exit 130). Exit 1 when any target failed.',
      ].join('\n'),
    )
    .action((selector: string, words: string[], flags: RunFlags, cmd: Command) =>
      runtime.run(cmd, (ctx) => runRun(ctx, cmd, selector, words, flags)),
    );
}
