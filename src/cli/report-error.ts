import { CommanderError } from 'commander';
import { CrossbarError, isCrossbarError, USAGE_CODES } from '../core/errors.js';
import type { CliContext } from './context.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE } from './exit-codes.js';

/**
 * The one mapping from errors to what the user sees and the exit code: one or two lines on stderr
 * (`crossbar: …` and `hint: …`), a stack only with --debug. Exit codes are DESIGN.md's: 2 usage, 1 failure,
 * 130 interrupted.
 */
export { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from './exit-codes.js';

/**
 * The one mapping from an error to the CLI's exit status: 2 for usage and configuration errors (the request was
 * wrong), 130 for an interruption, 1 for everything else (the work failed), including errors that are not ours.
 */
export function exitCodeFor(err: unknown): number {
  if (!isCrossbarError(err)) return EXIT_FAILED;
  if (err.code === 'INTERRUPTED') return EXIT_INTERRUPTED;
  return USAGE_CODES.has(err.code) ? EXIT_USAGE : EXIT_FAILED;
}

/** Commander's own errors (unknown option, missing argument) become usage errors in our format. */
export function fromCommanderError(err: CommanderError, commandPath: string): CrossbarError {
  const message = err.message.replace(/^error:\s*/i, '');
  return new CrossbarError('USAGE', message, { hint: `see \`${commandPath} --help\`` });
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
  return exitCodeFor(err);
}
