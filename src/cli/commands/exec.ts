import type { Command } from 'commander';
import type { Crossbar } from '../../core/crossbar.js';
import type { AccountCredentials } from '../../core/credentials/index.js';
import { ACCOUNT_VAR, childEnv, targetEnv } from '../../core/env-vars.js';
import { CrossbarError } from '../../core/errors.js';
import type { ResolvedTarget } from '../../core/select/index.js';
import { confirmTarget } from '../confirm.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { openCrossbarFor, type HopFlags } from '../open-crossbar.js';
import { runChild } from '../run-child.js';
import { commandTarget } from '../pick-target.js';

/**
 * `crossbar exec TARGET -- CMD...`: runs CMD with the target's credentials in the standard AWS variables (and
 * crossbar's own), stdio inherited. The child's exit code is crossbar's; a signal gives 128+N.
 */
export interface TargetFlags extends HopFlags {
  yes?: boolean;
  region?: string;
}

/** The variables of `exec`, `env` and `shell`, from one place. */
export function varsFor(
  crossbar: Crossbar,
  target: ResolvedTarget,
  credentials: AccountCredentials,
  region?: string,
): Record<string, string> {
  return targetEnv({
    credentials,
    accountId: credentials.accountId,
    accountName: target.account.name,
    stage: target.account.stage,
    role: target.role.key,
    region: region ?? target.region,
    endpoint: crossbar.endpoint,
  });
}

/** A crossbar environment inside another would mix two accounts' credentials: refuse before anything else. */
export function refuseNesting(env: Readonly<Record<string, string | undefined>>): void {
  const current = env[ACCOUNT_VAR];
  if (current) {
    throw new CrossbarError('USAGE', `already inside crossbar exec for ${current}: exit that shell first`, {
      hint: `or unset ${ACCOUNT_VAR} if it was left over from \`crossbar env\``,
    });
  }
}

export async function runExec(
  ctx: CliContext,
  command: Command,
  targetText: string | undefined,
  argv: readonly string[],
  flags: TargetFlags,
): Promise<number> {
  refuseNesting(ctx.io.env);
  const [program, ...args] = argv;
  if (program === undefined)
    throw new CrossbarError('USAGE', 'exec needs a command to run', { hint: 'crossbar exec TARGET -- CMD [ARGS...]' });
  const { crossbar } = await openCrossbarFor(ctx, command, flags);
  const target = await commandTarget(ctx, crossbar, targetText, 'exec');
  await confirmTarget(target, ctx.io, {
    yes: flags.yes === true,
    signal: ctx.signal,
    home: crossbar.home,
    command: 'exec',
  });
  const credentials = await crossbar.credentials(target);
  const env = childEnv(ctx.io.env, varsFor(crossbar, target, credentials, flags.region));
  // From here Ctrl-C and SIGTERM are the child's business; main waits for its exit code.
  const stop = ctx.handleInterrupts();
  return runChild(ctx.io, { command: program, args, env, cwd: ctx.io.cwd, stdin: 'inherit' }, stop);
}

export function addTargetOptions(command: Command): Command {
  return command
    .option('--yes', 'go ahead without typing the account name, for roles marked confirm: true')
    .option('--region <region>', "AWS_REGION for the command (default: the shortcut's or the account's first region)")
    .option('--mfa-code <code>', 'the current MFA code, for roles that need MFA (also CROSSBAR_MFA_CODE)');
}

/**
 * `crossbar exec -- CMD` names no target: commander hands the first word after `--` to `[target]` all the same,
 * so the words after `--` are counted: when they are all the operands, the target was left out (pick one).
 */
export function splitTargetAndCommand(
  rawArgs: readonly string[],
  target: string | undefined,
  rest: readonly string[],
): { target: string | undefined; argv: string[] } {
  const operands = target === undefined ? [...rest] : [target, ...rest];
  const dash = rawArgs.indexOf('--');
  if (dash >= 0 && rawArgs.length - dash - 1 === operands.length) return { target: undefined, argv: operands };
  return { target, argv: [...rest] };
}

export function defineExec(command: Command, runtime: CliRuntime): void {
  addTargetOptions(
    command
      .argument('[target]', 'NAME[:ROLE], an id, a stage or a shortcut such as /switch-to-prod (on a terminal: pick)')
      .argument('[command...]', 'the command and its arguments, after --'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  crossbar exec production -- aws sts get-caller-identity\n  crossbar exec prod -- aws s3 ls        (a stage or a unique prefix names its account)\n  crossbar exec -- aws s3 ls             (on a terminal: pick the account from a list)',
    )
    .action((target: string | undefined, argv: string[], flags: TargetFlags, command: Command) => {
      const split = splitTargetAndCommand(runtime.argv, target, argv);
      return runtime.run(command, (ctx) => runExec(ctx, command, split.target, split.argv, flags));
    });
}
