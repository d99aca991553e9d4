import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { configFlag, openCrossbarFor, type HopFlags } from '../open-crossbar.js';
import { isCrossbarError } from '../../core/errors.js';
import { formatDuration } from '../render/format.js';
import { resolveOutputFormat, type Column } from '../render/output.js';
import { render, tableText } from '../render/renderer.js';
import type { Crossbar } from '../../core/crossbar.js';
import type { SourceStatus } from '../../core/source-status.js';
import { paintStage } from '../render/stage.js';
import { EXIT_OK } from '../report-error.js';

/**
 * `crossbar whoami [TARGET]`: the source identity (GetCallerIdentity), or the identity crossbar gets in a target
 * account: the assumed-role ARN, the account's name and stage, and how long the session lasts.
 */
export type Fact = [key: string, value: string | null, painted?: string | undefined];

function printFacts(ctx: CliContext, facts: Fact[]): void {
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  const record = Object.fromEntries(facts.map(([k, v]) => [k, v]));
  const columns: Column<Record<string, string | null>>[] = facts.map(([k]) => ({
    key: k,
    header: k,
    value: (r) => r[k] ?? null,
  }));
  const width = Math.max(...facts.map(([k]) => k.length));
  // One record: JSON prints it as an object, and the table as a key-value list.
  render(
    format,
    { stdout: ctx.io.stdout, err: ctx.err },
    {
      columns,
      document: () => record,
      table: () =>
        facts
          .filter(([, v]) => v !== null)
          .map(([k, v, painted]) => `${ctx.colors.dim(k.padEnd(width))}  ${painted ?? v ?? ''}\n`)
          .join(''),
    },
    [record],
  );
}

/**
 * With named sources, one row per source: who it is (GetCallerIdentity of an IAM source, the session of an SSO
 * source with a token), or why not (not signed in, read from the token cache without a call; its error).
 */
async function printSources(ctx: CliContext, crossbar: Crossbar, serverFacts: Fact[]): Promise<void> {
  const { sourceStatuses } = await import('../../core/source-status.js');
  const rows = await sourceStatuses(crossbar);
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  if (format === 'table' && serverFacts.length > 0) printFacts(ctx, serverFacts);
  const { green, yellow, red, dim } = ctx.colors;
  const columns: Column<SourceStatus>[] = [
    {
      key: 'source',
      header: 'SOURCE',
      value: (r) => r.name,
      cell: (r) => (r.isDefault ? `${r.name} ${dim('(default)')}` : r.name),
    },
    { key: 'kind', header: 'KIND', value: (r) => r.kind },
    { key: 'default', header: 'DEFAULT', value: (r) => r.isDefault },
    { key: 'accounts', header: 'ACCOUNTS', value: (r) => r.accounts },
    {
      key: 'who',
      header: 'WHO',
      value: (r) => r.identity?.arn ?? r.message ?? null,
      cell: (r) =>
        r.identity
          ? green(r.identity.arn)
          : r.state === 'signed-out'
            ? yellow(r.message ?? '')
            : r.state === 'unused'
              ? dim(r.message ?? '')
              : red(r.message ?? ''),
    },
    { key: 'arn', header: 'ARN', value: (r) => r.identity?.arn ?? null },
    { key: 'accountId', header: 'ACCOUNT', value: (r) => r.identity?.accountId ?? null },
    { key: 'identity', header: 'IDENTITY', value: (r) => r.identity?.name ?? null },
    { key: 'from', header: 'FROM', value: (r) => r.from },
    { key: 'mfaSerial', header: 'MFA DEVICE', value: (r) => r.mfaSerial ?? null, cell: (r) => r.mfaSerial ?? '' },
    { key: 'state', header: 'STATE', value: (r) => r.state },
    { key: 'message', header: 'MESSAGE', value: (r) => r.message ?? null },
    { key: 'code', header: 'CODE', value: (r) => r.code ?? null },
  ];
  const shown = new Set(['source', 'kind', 'accounts', 'who', 'accountId', 'from', 'mfaSerial']);
  render(
    format,
    { stdout: ctx.io.stdout, err: ctx.err },
    {
      columns: columns.filter((c) => c.key !== 'who'),
      table: (all) =>
        tableText(
          columns.filter((c) => shown.has(c.key)),
          all,
          { header: ctx.colors.bold },
        ),
    },
    rows,
  );
}

export async function runWhoami(
  ctx: CliContext,
  command: Command,
  targetText: string | undefined,
  flags: HopFlags,
): Promise<number> {
  if (targetText === undefined) {
    const { serverFacts } = await import('../team/server-facts.js');
    const server = await serverFacts(ctx, configFlag(command) !== undefined);
    // With a current workspace the AWS identities are the server's to vend, per target: `whoami TARGET` shows one.
    if (server?.local === false) {
      printFacts(ctx, server.facts);
      return EXIT_OK;
    }
    const opened = await openCrossbarFor(ctx, command, flags).catch((err: unknown) => {
      if (server && isCrossbarError(err) && err.code === 'CONFIG_NOT_FOUND') return undefined;
      throw err;
    });
    if (!opened) {
      printFacts(ctx, server?.facts ?? []);
      return EXIT_OK;
    }
    const { crossbar } = opened;
    if (crossbar.registry.config.sources !== undefined) {
      await printSources(ctx, crossbar, server?.facts ?? []);
      return EXIT_OK;
    }
    const source = await crossbar.sourceIdentity();
    const profile = crossbar.config.source.profile ?? ctx.io.env['AWS_PROFILE'];
    printFacts(ctx, [
      ...(server?.facts ?? []),
      ['arn', source.arn],
      ['accountId', source.accountId],
      ['identity', source.name],
      ['source', profile ? `profile ${profile}` : 'the environment / default credential chain'],
      ['mfaSerial', crossbar.config.source.mfa_serial ?? null],
    ]);
    return EXIT_OK;
  }
  const { crossbar } = await openCrossbarFor(ctx, command, flags);
  const target = await crossbar.findTarget(targetText);
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
