import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Crossbar } from '../../core/crossbar.js';
import type { RedactedAccountCredentials } from '../../core/credentials/index.js';
import { childEnv } from '../../core/env-vars.js';
import { CrossbarError, isCrossbarError } from '../../core/errors.js';
import type { ResolvedTarget } from '../../core/select/index.js';
import { confirmTarget } from '../confirm.js';
import type { CliContext, Colors } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { openCrossbarFor } from '../open-crossbar.js';
import { canPrompt } from '../prompt.js';
import { paintStage } from '../render/stage.js';
import { EXIT_INTERRUPTED, exitCodeFor } from '../report-error.js';
import { runChild } from '../run-child.js';
import { pipeLines, terminalLines, type LineSource } from '../shell-input.js';
import { commandTarget, targetText as targetText_ } from '../pick-target.js';
import { refuseNesting, varsFor, type TargetFlags } from './exec.js';

/**
 * `crossbar shell [TARGET]`: an interactive shell in one account at a time. The prompt shows where you are and
 * for how long; `/switch-to-prod` (any shortcut) or `/use TARGET` moves; every other line runs through
 * `$SHELL -c` with that account's credentials, refreshed when they near expiry.
 */
export interface ShellState {
  target?: ResolvedTarget;
  credentials?: RedactedAccountCredentials;
  cwd: string;
  /** The exit status of the last command, which is also the shell's own at the end. */
  status: number;
}

/** `42m`, `1h 5m`, `<1m`, `expired`: a prompt has no room for seconds. */
export function timeLeft(ms: number): string {
  if (ms <= 0) return 'expired';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return '<1m';
  return minutes >= 60 ? `${Math.floor(minutes / 60)}h ${minutes % 60}m` : `${minutes}m`;
}

/** `[production:CrossbarReadOnly prod, 42m left] $ `, the account part in the stage's colour. */
export function renderPrompt(colors: Colors, state: Pick<ShellState, 'target' | 'credentials'>, now: number): string {
  const { target, credentials } = state;
  if (!target || !credentials) return `[${colors.dim('no account')}] $ `;
  const { account, role } = target;
  const label = paintStage(
    colors,
    `${account.name}:${role.key}${account.stage ? ` ${account.stage}` : ''}`,
    account.stage,
    account.color,
  );
  const left = credentials.expiration ? `, ${timeLeft(credentials.expiration.getTime() - now)} left` : '';
  return `[${label}${left}] $ `;
}

const HELP = [
  '/switch-to-…   any shortcut (see /shortcuts) switches the account',
  '/use TARGET    switch to NAME[:ROLE]',
  '/whoami        who the commands run as',
  '/shortcuts     list the shortcuts',
  '/exit          leave (also Ctrl-D)',
  "anything else runs through $SHELL -c with the account's credentials",
];

interface Session {
  ctx: CliContext;
  crossbar: Crossbar;
  input: LineSource;
  flags: TargetFlags;
  state: ShellState;
  signal: AbortSignal;
}

function note(s: Session, text: string): void {
  s.ctx.err(text);
}

function describe(s: Session): string {
  const { target, credentials } = s.state;
  if (!target || !credentials) return 'no account';
  const left = credentials.expiration ? `, ${timeLeft(credentials.expiration.getTime() - s.crossbar.now())} left` : '';
  return `${paintStage(s.ctx.colors, `${target.account.name}:${target.role.key}`, target.account.stage, target.account.color)} (${target.account.id}${target.account.stage ? `, ${target.account.stage}` : ''}${left})`;
}

async function switchTo(s: Session, text: string): Promise<void> {
  const target = await s.crossbar.findTarget(text);
  await confirmTarget(target, s.ctx.io, {
    yes: s.flags.yes === true,
    signal: s.signal,
    home: s.crossbar.home,
    command: 'shell',
    ...(s.input.ask ? { ask: s.input.ask } : {}),
  });
  const credentials = await s.crossbar.credentials(target);
  s.state.target = target;
  s.state.credentials = credentials;
  note(s, `→ ${describe(s)}`);
}

/** `cd` must change this shell's directory: in a child `sh -c` it would be forgotten at once. */
function changeDirectory(s: Session, arg: string): void {
  const home = s.ctx.io.env['HOME'] ?? s.state.cwd;
  const path = resolve(s.state.cwd, arg === '' || arg === '~' ? home : arg.replace(/^~(?=\/)/, home));
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory() !== true)
    throw new CrossbarError('USAGE', `cd: ${arg}: no such directory`);
  s.state.cwd = path;
}

async function runLine(s: Session, line: string): Promise<void> {
  const { target } = s.state;
  if (!target)
    throw new CrossbarError('USAGE', 'no account yet', {
      hint: 'switch with a shortcut such as /switch-to-dev, or /use NAME[:ROLE]',
    });
  // The engine answers from its cache and refreshes 5 minutes before expiry, so a long session never runs dry.
  const credentials = await s.crossbar.credentials(target);
  const refreshed = credentials.accessKeyId !== s.state.credentials?.accessKeyId;
  s.state.credentials = credentials;
  if (refreshed) note(s, s.ctx.colors.dim(`credentials refreshed: ${describe(s)}`));
  const shell = s.ctx.io.env['SHELL'] || 'sh';
  const env = childEnv(s.ctx.io.env, varsFor(s.crossbar, target, credentials));
  s.state.status = await runChild(
    s.ctx.io,
    { command: shell, args: ['-c', line], env, cwd: s.state.cwd, stdin: s.input.interactive ? 'inherit' : 'ignore' },
    s.signal,
  );
}

async function whoami(s: Session): Promise<void> {
  const { target } = s.state;
  if (!target) {
    const source = await s.crossbar.sourceIdentity();
    s.ctx.out(`${source.arn} (source, no account selected)`);
    return;
  }
  const id = await s.crossbar.identityOf(target);
  s.state.credentials = id.credentials;
  s.ctx.out(`${id.arn} in ${describe(s)}`);
}

/** One line; returns 'exit' to leave. Errors are printed and the session goes on, as in any shell. */
async function handle(s: Session, raw: string): Promise<'exit' | undefined> {
  const line = raw.trim();
  if (line === '' || line.startsWith('#')) return undefined;
  const [word = '', ...rest] = line.split(/\s+/);
  const arg = rest.join(' ');
  if (word === '/exit' || word === '/quit' || word === 'exit') return 'exit';
  if (word === '/help' || word === '/?') for (const h of HELP) s.ctx.err(h);
  else if (word === '/shortcuts')
    for (const sc of s.crossbar.config.shortcuts)
      s.ctx.err(
        `${sc.name.padEnd(22)} ${sc.account}${sc.role ? `:${sc.role}` : ''}${sc.region ? ` ${sc.region}` : ''}`,
      );
  else if (word === '/whoami') await whoami(s);
  else if (word === '/use') {
    if (!arg)
      throw new CrossbarError('USAGE', '/use needs a target', { hint: '/use NAME[:ROLE], e.g. /use development' });
    await switchTo(s, arg);
  } else if (word.startsWith('/')) await switchTo(s, word);
  else if (word === 'cd') changeDirectory(s, arg);
  else await runLine(s, line);
  return undefined;
}

function report(s: Session, err: unknown): void {
  const { red, dim } = s.ctx.colors;
  s.ctx.err(`${red('crossbar:')} ${err instanceof Error ? err.message : String(err)}`);
  if (isCrossbarError(err) && err.hint) s.ctx.err(`${dim('hint:')} ${err.hint}`);
  if (!isCrossbarError(err) && s.ctx.debug && err instanceof Error && err.stack) s.ctx.err(dim(err.stack));
}

export async function runShell(
  ctx: CliContext,
  command: Command,
  targetText: string | undefined,
  flags: TargetFlags,
): Promise<number> {
  refuseNesting(ctx.io.env);
  const { crossbar } = await openCrossbarFor(ctx, command, flags);
  const signal = ctx.handleInterrupts();
  const input = canPrompt(ctx.io) ? terminalLines(signal) : pipeLines(process.stdin, signal);
  const s: Session = { ctx, crossbar, input, flags, state: { cwd: ctx.io.cwd, status: 0 }, signal };
  try {
    // No target on a terminal: pick one, as exec and env do; piped input may start with /use instead.
    const start =
      targetText ??
      (input.interactive ? targetText_(await commandTarget(ctx, crossbar, undefined, 'shell')) : undefined);
    if (start !== undefined) await switchTo(s, start);
    if (input.interactive) ctx.err(ctx.colors.dim('crossbar shell: /help for commands, /exit or Ctrl-D to leave'));
    for (;;) {
      const line = await input.next(renderPrompt(ctx.colors, s.state, crossbar.now()));
      if (signal.aborted) return EXIT_INTERRUPTED;
      if (line === undefined) break;
      try {
        if ((await handle(s, line)) === 'exit') break;
      } catch (err) {
        report(s, err);
        if (!input.interactive) s.state.status = exitCodeFor(err);
      }
      if (signal.aborted) return EXIT_INTERRUPTED;
    }
  } finally {
    input.close();
  }
  return s.state.status;
}

export function defineShell(command: Command, runtime: CliRuntime): void {
  command
    .argument('[target]', 'the account to start in: NAME[:ROLE] or a shortcut')
    .option('--yes', 'switch into roles marked confirm: true without typing the account name')
    .option('--mfa-code <code>', 'the current MFA code, for roles that need MFA (also CROSSBAR_MFA_CODE)')
    .action((target: string | undefined, flags: TargetFlags, command: Command) =>
      runtime.run(command, (ctx) => runShell(ctx, command, target, flags)),
    );
}
