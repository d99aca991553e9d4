import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { openCrossbarFor, type HopFlags } from '../open-crossbar.js';
import { formatDuration } from '../render/format.js';
import { resolveOutputFormat, type Column } from '../render/output.js';
import { renderOutput } from '../render/renderer.js';
import { paintStage } from '../render/stage.js';
import { EXIT_OK } from '../report-error.js';

/**
 * `crossbar whoami [TARGET]`: the source identity (GetCallerIdentity), or the identity crossbar gets in a target
 * account: the assumed-role ARN, the account's name and stage, and how long the session lasts.
 */
type Fact = [key: string, value: string | null, painted?: string];

function printFacts(ctx: CliContext, facts: Fact[]): void {
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  const record = Object.fromEntries(facts.map(([k, v]) => [k, v]));
  if (format === 'json') ctx.out(JSON.stringify(record, null, 2));
  else if (format === 'ndjson') ctx.out(JSON.stringify(record));
  else if (format === 'csv') {
    const columns: Column<Record<string, string | null>>[] = facts.map(([k]) => ({
      key: k,
      header: k,
      value: (r) => r[k] ?? null,
    }));
    ctx.io.stdout.write(renderOutput('csv', columns, [record]));
  } else {
    const width = Math.max(...facts.map(([k]) => k.length));
    for (const [k, v, painted] of facts) if (v !== null) ctx.out(`${ctx.colors.dim(k.padEnd(width))}  ${painted ?? v}`);
  }
}

export async function runWhoami(
  ctx: CliContext,
  command: Command,
  targetText: string | undefined,
  flags: HopFlags,
): Promise<number> {
  const { crossbar } = await openCrossbarFor(ctx, command, flags);
  if (targetText === undefined) {
    const source = await crossbar.sourceIdentity();
    const profile = crossbar.config.source.profile ?? ctx.io.env['AWS_PROFILE'];
    printFacts(ctx, [
      ['arn', source.arn],
      ['accountId', source.accountId],
      ['identity', source.name],
      ['source', profile ? `profile ${profile}` : 'the environment / default credential chain'],
      ['mfaSerial', crossbar.config.source.mfa_serial ?? null],
    ]);
    return EXIT_OK;
  }
  const target = crossbar.resolveTarget(targetText);
  const id = await crossbar.identityOf(target);
  const { account, role } = target;
  const expiration = id.credentials.expiration;
  printFacts(ctx, [
    ['arn', id.arn],
    ['accountId', id.accountId],
    ['account', account.name, paintStage(ctx.colors, account.name, account.stage, account.color)],
    [
      'stage',
      account.stage ?? null,
      account.stage ? paintStage(ctx.colors, account.stage, account.stage, account.color) : undefined,
    ],
    ['role', role.key],
    ['roleArn', role.arn],
    ['region', target.region],
    [
      'expiration',
      expiration?.toISOString() ?? null,
      expiration
        ? `${expiration.toISOString()} (${formatDuration(expiration.getTime() - crossbar.now())} left)`
        : undefined,
    ],
  ]);
  return EXIT_OK;
}

export function defineWhoami(command: Command, runtime: CliRuntime): void {
  command
    .argument('[target]', 'NAME[:ROLE] or a shortcut such as /switch-to-prod')
    .option('--mfa-code <code>', 'the current MFA code, for roles that need MFA (also CROSSBAR_MFA_CODE)')
    .action((target: string | undefined, flags: HopFlags, command: Command) =>
      runtime.run(command, (ctx) => runWhoami(ctx, command, target, flags)),
    );
}
