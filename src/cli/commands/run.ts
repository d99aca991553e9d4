import type { Command } from 'commander';
import {
  callOperation,
  findOperation,
  isGlobalOperation,
  operationAccess,
  parseJsonInput,
  validateInput,
} from '../../core/aws-clients/index.js';
import { CrossbarError } from '../../core/errors.js';
import { readUnlocks, recordGuardrailEvent } from '../../core/unlocks.js';
import {
  FANOUT_DEFAULTS,
  runFanout,
  type FanoutAccount,
  type FanoutTarget,
  type WorkContext,
} from '../../core/fanout/index.js';
import { confirmWrite, useUnlock } from '../confirm.js';
import type { CliContext } from '../context.js';
import {
  addFanoutFlags,
  finishFanout,
  openFanout,
  parseFanoutFlags,
  plural,
  regionText,
  ROLE_HELP,
  withProgress,
  type FanoutFlags,
  type FanoutFlagSpec,
} from '../fanout-command.js';
import { resolveOutputFormat } from '../render/output.js';
import { createRenderer } from '../render/renderer.js';
import type { CliRuntime } from '../runtime.js';
import { execForTarget } from './run-exec.js';
import { runReport, runSummary, runView, type RunRow } from './run-output.js';

/**
 * `crossbar run SELECTOR [--regions LIST|all] -- SERVICE OPERATION [JSON]` and `… --exec -- CMD...`: one
 * operation (or command) over every selected account × region, one result per target, then the coverage grid.
 * Exit 1 when any target failed (after reporting all of them), 2 for bad usage (unknown service or operation,
 * parameters that do not fit, a selector matching nothing), 130 on Ctrl-C: work stops, finished results are
 * printed and every unfinished target is reported INTERRUPTED.
 */
export interface RunFlags extends FanoutFlags {
  paginate: boolean;
  exec?: boolean;
  yes?: boolean;
  allowWrites?: boolean;
}

const RUN_FLAGS: FanoutFlagSpec = {
  name: 'run',
  regions: {},
  concurrency: { default: FANOUT_DEFAULTS.concurrency, help: 'targets in flight at once' },
  perAccount: { default: FANOUT_DEFAULTS.perAccount, help: 'targets of one account in flight at once' },
  timeout: { default: FANOUT_DEFAULTS.timeoutMs / 1000, help: 'per target' },
  role: ROLE_HELP,
  mfaCode: true,
};

interface RunPlan {
  label: string;
  describe: Record<string, unknown>;
  /** A call that may change something (not a read by the service model): sent only with --allow-writes. */
  write?: { parameters: string[] };
  /** Answers for the whole account: once per account, in the partition's global region. */
  global?: boolean;
  work(target: FanoutTarget, ctx: WorkContext): Promise<unknown>;
}

/**
 * `run` is read-only unless told otherwise: an operation the service model does not show to be a read is refused
 * (exit 2, before any AWS call) without --allow-writes.
 */
async function operationPlan(words: readonly string[], paginate: boolean, allowWrites: boolean): Promise<RunPlan> {
  const [service, operation, json, ...extra] = words;
  if (service === undefined || operation === undefined) {
    throw new CrossbarError('USAGE', 'run needs SERVICE OPERATION after --', {
      hint: 'e.g. crossbar run all -- ec2 describe-instances, or --exec -- CMD to run a command',
    });
  }
  if (extra.length > 0)
    throw new CrossbarError('USAGE', `Unexpected arguments after the parameters: ${extra.join(' ')}`, {
      hint: `Quote the JSON parameters as one argument: '{"MaxResults": 5}'`,
    });
  const op = await findOperation(service, operation);
  const input = validateInput(op, parseJsonInput(json));
  const label = `${op.service.name} ${op.name}`;
  const access = operationAccess(op);
  if (!access.read && !allowWrites)
    throw new CrossbarError('USAGE', `${label} may change things (${access.why}); run is read-only: nothing was sent`, {
      hint: `pass --allow-writes to send it: crossbar asks to confirm, showing the accounts (--yes where nobody can answer)`,
    });
  const global = isGlobalOperation(op.service, op.name);
  return {
    label,
    ...(access.read ? {} : { write: { parameters: Object.keys(input) } }),
    ...(global ? { global } : {}),
    describe: {
      service: op.service.name,
      operation: op.name,
      parameters: input,
      paginate,
      access: access.read ? 'read' : 'write',
      ...(global ? { scope: 'global' } : {}),
    },
    work: async (_target, ctx) =>
      callOperation(await ctx.client(op.service.name), op, input, { paginate, signal: ctx.signal }),
  };
}

function execPlan(ctx: CliContext, words: readonly string[], endpoint: () => string | undefined): RunPlan {
  if (words.length === 0)
    throw new CrossbarError('USAGE', 'run --exec needs a command after --', {
      hint: 'e.g. crossbar run all --exec -- aws sts get-caller-identity',
    });
  return {
    label: words.join(' '),
    describe: { exec: words },
    work: (target, work) =>
      execForTarget(
        { argv: words, baseEnv: ctx.io.env, cwd: ctx.io.cwd, endpoint: endpoint() },
        target,
        work.credentials,
        work.signal,
      ),
  };
}

/** What the trail records of a write: the account, the role, the operation and the names of its parameters. */
function writeEntry(a: FanoutAccount, operation: string, parameters: string[]) {
  return {
    label: `${a.account.name}:${a.role.key}`,
    accountId: a.account.id,
    roleArn: a.role.arn,
    command: 'run',
    operation,
    parameters,
  };
}

/** A run cannot ask account by account: every confirm: true role in it needs --yes or a live `crossbar unlock`. */
function refuseUnconfirmed(accounts: readonly FanoutAccount[], yes: boolean, home: string, now: number): void {
  if (yes) return;
  const unlocks = readUnlocks(home);
  const guarded = accounts.filter((a) => a.role.confirm && !useUnlock(home, a, now, 'run', unlocks));
  const first = guarded[0];
  if (!first) return;
  throw new CrossbarError(
    'USAGE',
    `The role ${first.role.key} of ${guarded.map((a) => a.account.name).join(', ')} is marked confirm: true`,
    {
      hint: `A run cannot ask account by account: run \`crossbar unlock ${first.account.name}:${first.role.key}\` first, pass --yes, or pick another --role`,
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
  const limits = parseFanoutFlags(flags, RUN_FLAGS);
  // Everything that can be checked without AWS is checked before the first call.
  // The exec plan is checked now; the endpoint its commands get is known once the root is open.
  const opened: { endpoint?: string | undefined } = {};
  const plan = flags.exec
    ? execPlan(ctx, words, () => opened.endpoint)
    : await operationPlan(words, flags.paginate, flags.allowWrites === true);
  const where = plan.global
    ? 'once each (global: it answers for the whole account)'
    : `× ${regionText(limits.regions)}`;
  const sendWhere = plan.global ? 'once per account (global)' : `in ${regionText(limits.regions)}`;
  const fan = await openFanout(ctx, command, selector, flags, {
    requireAccounts: false,
    check: (accounts, crossbar) => refuseUnconfirmed(accounts, flags.yes === true, crossbar.home, crossbar.now()),
    banner: ({ accounts, source }) =>
      `run ${plan.label} on ${plural(accounts.length, 'account')} ${where} as ${source?.arn ?? ''}`,
  });
  opened.endpoint = fan.crossbar.endpoint;
  if (plan.global && limits.regions !== undefined)
    ctx.err(ctx.colors.dim(`${plan.label} is global: one call per account; --regions does not apply`));
  const home = fan.crossbar.home;
  const write = plan.write;
  if (write && fan.accounts.length > 0)
    await confirmWrite(
      ctx.io,
      { operation: plan.label, parameters: plan.describe['parameters'], accounts: fan.accounts, where: sendWhere },
      {
        yes: flags.yes === true,
        signal: fan.signal,
        record: (event, a) =>
          recordGuardrailEvent(home, { event, ...writeEntry(a, plan.label, write.parameters) }, fan.crossbar.now()),
      },
    );
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  const results: RunRow[] = [];
  const report = runReport(plan.describe, fan.accounts);
  // Machine formats stream: a line per target as it finishes.
  const out = createRenderer(format, { stdout: ctx.io.stdout, err: ctx.err }, runView(ctx, report));
  await withProgress(ctx, async (onProgress) => {
    const run = runFanout<unknown>(fan.crossbar, {
      accounts: fan.accounts,
      regions: limits.regions,
      concurrency: limits.concurrency,
      perAccount: limits.perAccount,
      perApiPerRegion: FANOUT_DEFAULTS.perApiPerRegion,
      timeoutMs: limits.timeoutMs,
      signal: fan.signal,
      global: plan.global,
      work: plan.work,
      onProgress,
    });
    for await (const result of run) {
      results.push(result);
      // Every write sent is recorded with its outcome, target by target (no parameter values: they may be secret).
      if (write)
        recordGuardrailEvent(
          home,
          {
            event: 'write',
            ...writeEntry(result.target, plan.label, write.parameters),
            region: result.target.region,
            outcome: result.ok ? 'ok' : result.error.code,
          },
          fan.crossbar.now(),
        );
      out.row(result);
    }
    await run.done;
  });
  report.interrupted = fan.signal.aborted;
  out.end();
  const summary = runSummary(report, results);
  return finishFanout(ctx, {
    failed: summary.failed > 0,
    text: summary.text,
    interrupted: report.interrupted,
    interruptedNote: 'unfinished targets are reported INTERRUPTED',
  });
}

export function defineRunCommand(command: Command, runtime: CliRuntime): void {
  command
    .argument('<selector>', 'which accounts: names, ids, globs, stage=prod, tag:team=x, workspace=w, all; ! excludes')
    .argument(
      '[words...]',
      'after --: SERVICE OPERATION [JSON parameters], or with --exec the command and its arguments',
    );
  addFanoutFlags(command, RUN_FLAGS)
    .option('--no-paginate', 'one request per target instead of following every page')
    .option('--exec', "run the command after -- once per target, with that target's credentials in AWS_* variables")
    .option(
      '--allow-writes',
      'send an operation that may change things (not a read by the service model), after a confirmation',
    )
    .option('--yes', 'go ahead without asking: roles marked confirm: true, and the confirmation of --allow-writes')
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
        'run is read-only: an operation the service model does not show to be a read (Describe*, List*, Get*,',
        'Search*, Lookup*, HTTP GET) needs --allow-writes, asks to confirm and is recorded in',
        'CROSSBAR_HOME/guardrails.jsonl. Global operations (IAM, Organizations, S3 ListBuckets) run once per account.',
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
