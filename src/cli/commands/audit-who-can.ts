import type { Command } from 'commander';
import { isArn, parseArn } from '../../core/arn.js';
import type { Crossbar } from '../../core/crossbar.js';
import { CrossbarError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { openCrossbarFor, type HopFlags } from '../open-crossbar.js';
import { createProgressBar } from '../render/progress.js';
import { renderTable } from '../render/table.js';
import { EXIT_FAILED, EXIT_OK } from '../report-error.js';

/**
 * `crossbar audit who-can TARGET`: TARGET is ACCOUNT[:ROLE] (a registry name, id or shortcut) or a role ARN.
 * Reads IAM in every registry account and the source's own account (the people live there), then lists every
 * principal that can assume the role and what it must bring (MFA, ExternalId). Exit 1 when an account could
 * not be read: the answer may then be incomplete, and it says which accounts are missing. Its options are read
 * with the parent's (`audit --format` and `audit who-can --format` are one option to commander).
 */
interface WhoCanFlags extends HopFlags {
  role?: string;
  format?: string;
  all: boolean;
}

function targetRoleArn(crossbar: Crossbar, text: string): string {
  if (isArn(text)) {
    const arn = parseArn(text);
    if (arn.service !== 'iam' || arn.resourceType !== 'role')
      throw new CrossbarError('USAGE', `${text} is not a role ARN`, {
        hint: 'e.g. arn:aws:iam::444444444444:role/administrator',
      });
    return text;
  }
  return crossbar.resolveTarget(text).role.arn;
}

async function runWhoCan(ctx: CliContext, command: Command, target: string, flags: WhoCanFlags): Promise<number> {
  const [{ collectAccounts }, { buildTrustGraph, orgViewOf }, { whoCan }] = await Promise.all([
    import('../../core/audit/index.js'),
    import('../../core/audit/index.js'),
    import('../../core/audit/index.js'),
  ]);
  const { crossbar } = await openCrossbarFor(ctx, command, flags);
  const roleArn = targetRoleArn(crossbar, target);
  const accounts = await crossbar.fanoutAccounts(undefined, { role: flags.role, includeSource: true });
  const stop = ctx.handleInterrupts();
  const bar = createProgressBar(ctx.io.stderr, { colors: ctx.colors });
  let read;
  try {
    read = await collectAccounts(crossbar, {
      accounts,
      signal: stop,
      onProgress: (p) => bar.update(p),
    });
  } finally {
    bar.stop();
  }
  const org = orgViewOf(read.collected);
  const result = whoCan(roleArn, read.collected, buildTrustGraph(read.collected, crossbar.registry, org), org);
  if (!result) {
    const owner = read.notCovered.find((n) => n.accountId === parseArn(roleArn).accountId);
    throw new CrossbarError(
      owner ? 'DENIED' : 'UNKNOWN_ROLE',
      owner
        ? `Could not read the account of ${roleArn}: ${owner.code} (${owner.reason})`
        : `No role ${roleArn} in the accounts read`,
      {
        hint: owner ? owner.message : 'Check the role name with `crossbar run ACCOUNT -- iam ListRoles`',
      },
    );
  }
  const shown = flags.all ? result.entries : result.entries.filter((e) => e.can);
  const json =
    flags.format === 'json' ||
    (flags.format === undefined && (ctx.output === 'json' || (ctx.output === undefined && !ctx.io.stdout.isTTY)));
  if (json) {
    ctx.out(JSON.stringify({ roleArn: result.roleArn, entries: result.entries, notCovered: read.notCovered }, null, 2));
  } else {
    ctx.out(`who can assume ${ctx.colors.bold(roleArn)}:`);
    const rows = shown.map((e) => [
      e.can ? ctx.colors.green('can') : ctx.colors.red('cannot'),
      e.principal,
      e.kind,
      e.via.join(', ') || '-',
      e.needs.join(', ') || '-',
      e.reason ?? '',
    ]);
    for (const line of renderTable(
      [
        { header: '' },
        { header: 'PRINCIPAL' },
        { header: 'KIND' },
        { header: 'VIA' },
        { header: 'NEEDS' },
        { header: 'NOTE' },
      ],
      rows,
      { indent: '  ', header: ctx.colors.dim },
    ))
      ctx.out(line);
    for (const n of read.notCovered)
      ctx.out(ctx.colors.red(`  not covered: ${n.accountName} (${n.accountId}): ${n.code} (${n.reason})`));
  }
  return read.notCovered.length > 0 ? EXIT_FAILED : EXIT_OK;
}

export function defineWhoCan(command: Command, runtime: CliRuntime): void {
  command
    .argument('<target>', 'ACCOUNT[:ROLE] (name, id, shortcut) or a role ARN')
    .option('--role <role>', "the role to read each account with (default: each account's default role)")
    .option('--format <format>', 'table or json')
    .option('--all', 'also list principals the trust policy allows but whose identity policies do not', false)
    .option('--mfa-code <code>', 'the current MFA code, for roles that need MFA (also CROSSBAR_MFA_CODE)')
    .action((target: string, _flags: WhoCanFlags, cmd: Command) =>
      runtime.run(cmd, (ctx) => runWhoCan(ctx, cmd, target, cmd.optsWithGlobals<WhoCanFlags>())),
    );
}
