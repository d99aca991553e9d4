import type { Command } from 'commander';
import { renderEnvExports, resolveShellKind, SHELL_KINDS } from '../../core/env-vars.js';
import { CrossbarError } from '../../core/errors.js';
import { confirmTarget } from '../confirm.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { openCrossbarFor } from '../open-crossbar.js';
import { EXIT_OK } from '../report-error.js';
import { addTargetOptions, varsFor, type TargetFlags } from './exec.js';
import { commandTarget } from '../pick-target.js';

/**
 * `crossbar env TARGET [--shell sh|fish|powershell]`: the same variables as `exec`, as lines for the shell to
 * evaluate: `eval "$(crossbar env development)"`.
 */
export interface EnvFlags extends TargetFlags {
  shell?: string;
}

export async function runEnv(
  ctx: CliContext,
  command: Command,
  targetText: string | undefined,
  flags: EnvFlags,
): Promise<number> {
  const shell = resolveShellKind(flags.shell, ctx.io.env);
  if (!shell)
    throw new CrossbarError('USAGE', `unknown shell '${flags.shell ?? ''}'`, {
      hint: `use --shell ${SHELL_KINDS.join(', ')}`,
    });
  const { crossbar } = await openCrossbarFor(ctx, command, flags);
  const target = await commandTarget(ctx, crossbar, targetText, 'env');
  await confirmTarget(target, ctx.io, {
    yes: flags.yes === true,
    signal: ctx.signal,
    home: crossbar.home,
    command: 'env',
  });
  const credentials = await crossbar.credentials(target);
  ctx.io.stdout.write(renderEnvExports(varsFor(crossbar, target, credentials, flags.region), shell));
  return EXIT_OK;
}

export function defineEnv(command: Command, runtime: CliRuntime): void {
  addTargetOptions(
    command
      .argument('[target]', 'NAME[:ROLE], an id, a stage or a shortcut such as /switch-to-prod (on a terminal: pick)')
      .option('--shell <shell>', `${SHELL_KINDS.join(', ')} (default: from $SHELL)`),
  ).action((target: string | undefined, flags: EnvFlags, command: Command) =>
    runtime.run(command, (ctx) => runEnv(ctx, command, target, flags)),
  );
}
