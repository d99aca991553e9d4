import { CommanderError } from 'commander';
import { CrossbarError, isCrossbarError } from '../core/errors.js';
import type { CliContext } from './context.js';

/**
 * The one mapping from errors to what the user sees and the exit code: one or two lines on stderr
 * (`crossbar: …` and `hint: …`), a stack only with --debug. Exit codes are DESIGN.md's: 2 usage, 1 failure,
 * 130 interrupted.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** Commander's own errors (unknown option, missing argument) become usage errors in our format. */
export function fromCommanderError(err: CommanderError, commandPath: string): CrossbarError {
  const message = err.message.replace(/^error:\s*/i, '');
  return new CrossbarError('USAGE', message, { hint: `see \`${commandPath} --help\``, exitCode: 2 });
}

function causeChain(err: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && depth < 5; depth += 1) {
    lines.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = current instanceof Error ? current.cause : undefined;
    if (current !== undefined) lines.push('caused by:');
  }
  return lines;
}

/** Prints the error and returns the exit code. Errors that are not ours are bugs or environment failures. */
export function reportError(err: unknown, ctx: Pick<CliContext, 'err' | 'colors' | 'debug'>): number {
  const known = isCrossbarError(err) ? err : undefined;
  const message = known?.message ?? (err instanceof Error ? err.message : String(err));
  ctx.err(`${ctx.colors.red('crossbar:')} ${message}`);
  const hint = known ? known.hint : 'this looks like a bug in crossbar: run again with --debug and report the stack';
  if (hint) ctx.err(`${ctx.colors.dim('hint:')} ${hint}`);
  if (ctx.debug) for (const line of causeChain(err)) ctx.err(ctx.colors.dim(line));
  if (known?.code === 'INTERRUPTED') return EXIT_INTERRUPTED;
  return known?.exitCode ?? EXIT_FAILED;
}
