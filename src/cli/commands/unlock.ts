import type { Command } from 'commander';
import { CrossbarError } from '../../core/errors.js';
import { grantUnlock, readUnlocks, revokeUnlocks, UNLOCK_MAX_SECONDS } from '../../core/unlocks.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { openCrossbarFor, type HopFlags } from '../open-crossbar.js';
import { anyTerminalAsk } from '../prompt.js';
import { EXIT_OK } from '../report-error.js';
import { confirmTarget } from '../confirm.js';

/**
 * `crossbar unlock TARGET [--for 1h]`: the one honest way past a role's guardrail for tools that have no terminal
 * of their own (the AWS CLI and SDKs running `credential-process`). On a terminal, once: the confirmation of a
 * `confirm: true` role and the MFA code of an MFA role; then, until it ends, `credential-process`, `env`, `exec`,
 * `console`, `shell` and `run` use that role without asking. Recorded in CROSSBAR_HOME/guardrails.jsonl.
 * `crossbar unlock` alone lists live unlocks; `crossbar lock [TARGET]` ends them early.
 */
export interface UnlockFlags extends HopFlags {
  for: string;
}

/** `90s`, `30m`, `1h`, `2h30m`, or plain seconds. */
export function parseUnlockDuration(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m || text === '') return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16) + ' UTC';
}

function listUnlocks(ctx: CliContext, home: string, now: number): number {
  const live = readUnlocks(home).filter((u) => u.until > now);
  if (live.length === 0) ctx.err('no role is unlocked');
  for (const u of live)
    ctx.out(`${u.label}  until ${clock(u.until)} (${Math.ceil((u.until - now) / 60_000)} min left), by ${u.by}`);
  return EXIT_OK;
}

export async function runUnlock(
  ctx: CliContext,
  command: Command,
  targetText: string | undefined,
  flags: UnlockFlags,
): Promise<number> {
  const seconds = parseUnlockDuration(flags.for);
  if (seconds === undefined || seconds < 60 || seconds > UNLOCK_MAX_SECONDS)
    throw new CrossbarError('USAGE', `--for must be a duration from 1m to 12h such as 30m or 1h (got '${flags.for}')`);
  const { crossbar } = await openCrossbarFor(ctx, command, flags);
  const now = crossbar.now();
  if (targetText === undefined) return listUnlocks(ctx, crossbar.home, now);
  const target = crossbar.resolveTarget(targetText);
  const label = `${target.account.name}:${target.role.key}`;
  if (!target.role.confirm && target.role.mfa !== 'required')
    throw new CrossbarError('USAGE', `${label} has no guardrail to unlock (no confirm: true, no mfa: required)`, {
      hint: 'use it directly: crossbar credential-process, env and exec need no unlock for it',
    });
  const ask = anyTerminalAsk(ctx.io, ctx.signal);
  if (!ask)
    throw new CrossbarError('USAGE', `unlock asks for the confirmation of ${label} on a terminal, and there is none`, {
      hint: 'run it in a terminal: an unlock is what a person decides, not a script',
    });
  // The unlock itself is never pre-answered: no --yes, and an earlier unlock does not stand for this one.
  await confirmTarget(target, ctx.io, { ask, signal: ctx.signal });
  const credentials = await crossbar.credentials(target);
  const by = (await crossbar.sourceIdentity(target.account.source)).name;
  const until = Math.min(now + seconds * 1000, credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY);
  grantUnlock(crossbar.home, { accountId: target.account.id, roleArn: target.role.arn, label, until, by, at: now });
  ctx.err(
    `unlocked ${label} until ${clock(until)}: credential-process, env, exec, console, shell and run use it without asking`,
  );
  ctx.err(`end it early with: crossbar lock ${label}`);
  return EXIT_OK;
}

export async function runLock(ctx: CliContext, command: Command, targetText: string | undefined): Promise<number> {
  const { crossbar } = await openCrossbarFor(ctx, command);
  const now = crossbar.now();
  const target = targetText === undefined ? undefined : crossbar.resolveTarget(targetText);
  const ended = revokeUnlocks(
    crossbar.home,
    now,
    target ? (u) => u.accountId === target.account.id && u.roleArn === target.role.arn : undefined,
  );
  ctx.err(ended.length === 0 ? 'nothing was unlocked' : `locked ${ended.map((u) => u.label).join(', ')}`);
  return EXIT_OK;
}

export function defineUnlock(command: Command, runtime: CliRuntime): void {
  command
    .argument('[target]', 'NAME:ROLE to unlock (without one: list what is unlocked)')
    .option('--for <duration>', 'how long it lasts: 30m, 1h… (at most 12h, and never past the credentials)', '1h')
    .option('--mfa-code <code>', 'the current MFA code, for roles that need MFA (also CROSSBAR_MFA_CODE)')
    .action((target: string | undefined, flags: UnlockFlags, command: Command) =>
      runtime.run(command, (ctx) => runUnlock(ctx, command, target, flags)),
    );
}

export function defineLock(command: Command, runtime: CliRuntime): void {
  command
    .argument('[target]', 'NAME:ROLE to lock again (without one: every unlocked role)')
    .action((target: string | undefined, _flags: unknown, command: Command) =>
      runtime.run(command, (ctx) => runLock(ctx, command, target)),
    );
}
