import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { childEnv } from '../../core/env-vars.js';
import { CrossbarError } from '../../core/errors.js';
import type { ResolvedTarget } from '../../core/select/index.js';
import { confirmTarget } from '../confirm.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { openCrossbarFor } from '../open-crossbar.js';
import { commandTarget } from '../pick-target.js';
import { paintStage } from '../render/stage.js';
import { runChild } from '../run-child.js';
import { planSubshell, shellFamily } from '../subshell-plan.js';
import { refuseNesting, varsFor, type TargetFlags } from './exec.js';

/**
 * `crossbar shell [TARGET]`: your own shell ($SHELL), as a subshell with the account's credentials set and its
 * name and stage in front of the prompt, in the stage's colour. Everything a shell does works (`cd`, pipes,
 * history, completion); `exit` comes back. The credentials are those of the moment it starts: when they expire,
 * leave and start it again. Inside it, crossbar refuses another `shell` or `exec` (CROSSBAR_SHELL is set).
 */
export const SHELL_VAR = 'CROSSBAR_SHELL';

/** `42m`, `1h 5m`, `<1m`, `expired`: a banner has no room for seconds. */
export function timeLeft(ms: number): string {
  if (ms <= 0) return 'expired';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return '<1m';
  return minutes >= 60 ? `${Math.floor(minutes / 60)}h ${minutes % 60}m` : `${minutes}m`;
}

/** `production:CrossbarReadOnly prod`: what the prompt marker says. */
export function markerLabel(target: Pick<ResolvedTarget, 'account' | 'role'>): string {
  const { account, role } = target;
  return `${account.name}:${role.key}${account.stage ? ` ${account.stage}` : ''}`;
}

function refuseNestedShell(env: Readonly<Record<string, string | undefined>>): void {
  const inside = env[SHELL_VAR];
  if (inside)
    throw new CrossbarError('USAGE', `already inside crossbar shell for ${inside}: exit that shell first`, {
      hint: 'type exit (or Ctrl-D) to leave it, then start the shell of the other account',
    });
}

export async function runShell(
  ctx: CliContext,
  command: Command,
  targetText: string | undefined,
  flags: TargetFlags,
): Promise<number> {
  refuseNestedShell(ctx.io.env);
  refuseNesting(ctx.io.env);
  const { crossbar } = await openCrossbarFor(ctx, command, flags);
  const target = await commandTarget(ctx, crossbar, targetText, 'shell');
  await confirmTarget(target, ctx.io, { yes: flags.yes === true, signal: ctx.signal });
  const credentials = await crossbar.credentials(target);
  const shell = ctx.io.env['SHELL'] || '/bin/sh';
  const label = markerLabel(target);
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-shell-'));
  try {
    const plan = planSubshell(
      shellFamily(shell),
      {
        label,
        color: target.account.color,
        colors: ctx.io.env['NO_COLOR'] === undefined || ctx.io.env['NO_COLOR'] === '',
      },
      dir,
      ctx.io.env,
    );
    for (const f of plan.files) writeFileSync(join(dir, f.name), f.text, { mode: 0o600 });
    const env = {
      ...childEnv(ctx.io.env, varsFor(crossbar, target, credentials, flags.region)),
      ...plan.env,
      [SHELL_VAR]: label,
    };
    const until = credentials.expiration
      ? `, credentials for ${timeLeft(credentials.expiration.getTime() - crossbar.now())}`
      : '';
    ctx.err(
      `${ctx.colors.dim('crossbar shell:')} ${paintStage(ctx.colors, label, target.account.stage, target.account.color)} (${target.account.id}${until}); exit to leave`,
    );
    const stop = ctx.handleInterrupts();
    const code = await runChild(
      ctx.io,
      { command: shell, args: plan.args, env, cwd: ctx.io.cwd, stdin: 'inherit' },
      stop,
    );
    ctx.err(ctx.colors.dim(`left crossbar shell for ${label}`));
    return code;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function defineShell(command: Command, runtime: CliRuntime): void {
  command
    .argument('[target]', 'NAME[:ROLE], an id, a stage or a shortcut (on a terminal, leave it out to pick one)')
    .option('--yes', 'go ahead without typing the account name, for roles marked confirm: true')
    .option('--region <region>', "AWS_REGION in the shell (default: the shortcut's or the account's first region)")
    .option('--mfa-code <code>', 'the current MFA code, for roles that need MFA (also CROSSBAR_MFA_CODE)')
    .addHelpText(
      'after',
      '\nYour $SHELL, with the account\'s AWS_* and CROSSBAR_* variables and a prompt marker; exit to leave.\nTo switch accounts in the current shell instead: eval "$(crossbar shell-init bash)", then xb production.',
    )
    .action((target: string | undefined, flags: TargetFlags, command: Command) =>
      runtime.run(command, (ctx) => runShell(ctx, command, target, flags)),
    );
}
