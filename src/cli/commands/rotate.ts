import type { Command } from 'commander';
import { CrossbarError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { mfaCodeProviderFor, sourceEnv } from '../config-context.js';
import { openCrossbarFor, type HopFlags } from '../open-crossbar.js';
import { EXIT_OK } from '../report-error.js';
import type { RotateEvent } from '../../core/rotate/index.js';

/**
 * `crossbar rotate [SOURCE]`: a new access key for the source's IAM user, proved, written over the old one in the
 * shared credentials file, and the old key deleted (core/rotate). Prints key ids, never a secret.
 */
export async function runRotate(
  ctx: CliContext,
  command: Command,
  source: string | undefined,
  flags: HopFlags,
): Promise<number> {
  const opened = await openCrossbarFor(ctx, command, flags);
  if (opened.workspace)
    throw new CrossbarError(
      'USAGE',
      `rotate works on your own source's keys, and the current workspace's credentials come from ${opened.workspace.url}`,
      {
        hint: 'run it with --config crossbar.yaml (your own source), or leave the workspace: crossbar workspace use --none',
      },
    );
  const { rotateSourceKey } = await import('../../core/rotate/index.js');
  let checked: Extract<RotateEvent, { step: 'checked' }> | undefined;
  const result = await rotateSourceKey(opened.crossbar, {
    env: sourceEnv(ctx.io.env),
    source,
    mfaCodeProvider: mfaCodeProviderFor(ctx, flags.mfaCode),
    // Nothing is printed before the first change, so that a refusal is the one line it should be.
    onProgress: (event) => {
      if (event.step === 'checked') checked = event;
      if (event.step === 'created' && checked)
        ctx.err(
          `created ${event.keyId} for ${checked.userArn}, to replace ${checked.keyId} in [${checked.profile}] of ${checked.file}`,
        );
      if (event.step === 'proved')
        ctx.err(
          `${event.keyId} works (GetCallerIdentity${event.attempts > 1 ? `, after ${event.attempts} tries` : ''})`,
        );
      if (event.step === 'written') ctx.err(`wrote it to [${event.profile}] in ${event.file}`);
      if (event.step === 'deleted') ctx.err(`deleted ${event.keyId}`);
    },
  });
  // Key ids and where they went, never a secret: `-o json` for scripts that rotate source after source.
  if (ctx.output === 'json') ctx.out(JSON.stringify(result));
  else
    ctx.out(
      `rotated [${result.profile}] of source ${result.source}: ${result.oldKeyId} → ${result.newKeyId} (the old key is deleted)`,
    );
  ctx.err(
    'role sessions crossbar cached from the old key stay valid until they expire, as AWS keeps them when a key is deleted',
  );
  return EXIT_OK;
}

export function defineRotate(command: Command, runtime: CliRuntime): void {
  command
    .argument('[source]', 'the source whose key to rotate, by its name under sources: (default: the default source)')
    .option('--mfa-code <code>', 'the current MFA code, when the source has an MFA device (also CROSSBAR_MFA_CODE)')
    .addHelpText(
      'after',
      `
Creates a new access key for the source's IAM user, proves it works (GetCallerIdentity, retried while IAM
propagates it), writes it over the old one in the shared credentials file (that profile's two values only), then
deletes the old key. Until the file is written, any failure deletes the new key again: the old key keeps working.
The user needs iam:ListAccessKeys, iam:CreateAccessKey and iam:DeleteAccessKey on itself.`,
    )
    .action((source: string | undefined, flags: HopFlags, command: Command) =>
      runtime.run(command, (ctx) => runRotate(ctx, command, source, flags)),
    );
}
