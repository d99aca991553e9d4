import type { Command } from 'commander';
import { isCrossbarError } from '../../core/errors.js';
import { confirmTarget } from '../confirm.js';
import { readWarmCredentials, recordTargetIndex } from '../../core/warm-credentials.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { configFlag, openCrossbarFor, type HopFlags } from '../open-crossbar.js';
import { EXIT_OK, exitCodeFor } from '../report-error.js';
import { credentialProcessJson, warmOptions, warmTarget } from './credential-process-warm.js';

/**
 * `crossbar credential-process TARGET`, for `credential_process =` in ~/.aws/config: the AWS CLI and every SDK
 * run it and read Version 1 JSON on stdout. Errors are one line on stderr (the AWS tools show it as is). This
 * module stays light: on a warm cache it answers from the target index (warm-credentials.ts) before yaml, zod
 * or the AWS SDK are loaded; main() tries that (credential-process-warm.ts) before even building the command tree.
 */

/** One line, as the AWS CLI shows a credential process's stderr verbatim inside its own error. */
function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const hint = isCrossbarError(err) ? err.hint : undefined;
  return `crossbar: ${message}${hint ? ` (${hint})` : ''}`.replace(/\s*\n\s*/g, '; ');
}

export async function runCredentialProcess(
  ctx: CliContext,
  command: Command,
  target: string,
  flags: HopFlags,
): Promise<number> {
  try {
    const warm = warmTarget(ctx.io, configFlag(command), target);
    const hit = await readWarmCredentials(warm, warmOptions(ctx.io)).catch(() => undefined);
    if (hit) {
      ctx.out(credentialProcessJson(hit));
      return EXIT_OK;
    }
    const { crossbar } = await openCrossbarFor(ctx, command, flags);
    const resolved = crossbar.resolveTarget(target);
    // No --yes here: a profile must not carry the answer. A live unlock, or the person at the terminal, gives it.
    await confirmTarget(resolved, ctx.io, { home: crossbar.home, command: 'credential-process', signal: ctx.signal });
    const creds = await crossbar.credentials(resolved);
    try {
      const guard = resolved.role.confirm ? { accountId: resolved.account.id, roleArn: resolved.role.arn } : undefined;
      recordTargetIndex(warm, crossbar.cacheEntryFor(resolved), guard);
    } catch {
      // The index only speeds up the next call; failing to write it must not fail this one.
    }
    ctx.out(credentialProcessJson(creds));
    return EXIT_OK;
  } catch (err) {
    if (ctx.debug) throw err;
    ctx.err(oneLine(err));
    return exitCodeFor(err);
  }
}

export function defineCredentialProcess(command: Command, runtime: CliRuntime): void {
  command
    .argument('<target>', 'NAME[:ROLE] or a shortcut such as /switch-to-prod')
    .option('--mfa-code <code>', 'the current MFA code, for roles that need MFA (also CROSSBAR_MFA_CODE)')
    .addHelpText(
      'after',
      '\nExample profile:\n  [profile acme-production]\n  credential_process = crossbar credential-process production --config /path/to/crossbar.yaml',
    )
    .action((target: string, flags: HopFlags, command: Command) =>
      runtime.run(command, (ctx) => runCredentialProcess(ctx, command, target, flags)),
    );
}
