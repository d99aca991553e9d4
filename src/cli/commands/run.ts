import type { Command } from 'commander';
import { callOperation, findOperation, parseJsonInput, validateInput } from '../../core/aws-clients/index.js';
import { CrossbarError } from '../../core/errors.js';
import { activeUnlock, recordGuardrailEvent } from '../../core/unlocks.js';
import {
  FANOUT_DEFAULTS,
  runFanout,
  type FanoutAccount,
  type FanoutTarget,
  type WorkContext,
} from '../../core/fanout/index.js';
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
  work(target: FanoutTarget, ctx: WorkContext): Promise<unknown>;
}

async function operationPlan(words: readonly string[], paginate: boolean): Promise<RunPlan> {
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
  return {
    label: `${op.service.name} ${op.name}`,
    describe: { service: op.service.name, operation: op.name, parameters: input, paginate },
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

/** A run cannot ask account by account: every confirm: true role in it needs --yes or a live `crossbar unlock`. */
function refuseUnconfirmed(accounts: readonly FanoutAccount[], yes: boolean, home: string, now: number): void {
  if (yes) return;
  const guarded = accounts.filter((a) => a.role.confirm && !activeUnlock(home, a.account.id, a.role.arn, now));
  for (const a of accounts)
    if (a.role.confirm && !guarded.includes(a)) {
      const event = { event: 'use-unlock', label: `${a.account.name}:${a.role.key}`, command: 'run' } as const;
      recordGuardrailEvent(home, { ...event, accountId: a.account.id, roleArn: a.role.arn }, now);
    }
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
  const plan = flags.exec ? execPlan(ctx, words, () => opened.endpoint) : await operationPlan(words, flags.paginate);
  const fan = await openFanout(ctx, command, selector, flags, {
    requireAccounts: false,
    check: (accounts, crossbar) => refuseUnconfirmed(accounts, flags.yes === true, crossbar.home, crossbar.now()),
    banner: ({ accounts, source }) =>
      `run ${plan.label} on ${plural(accounts.length, 'account')} × ${regionText(limits.regions)} as ${source?.arn ?? ''}`,
  });
  opened.endpoint = fan.crossbar.endpoint;
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
      work: plan.work,
      onProgress,
    });
    for await (const result of run) {
      results.push(result);
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
    .option('--yes', 'go ahead with roles marked confirm: true')
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
