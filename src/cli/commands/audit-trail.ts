import type { Command } from 'commander';
import type { Assumption, TrailReport, TrustUsage } from '../../core/audit/trail/index.js';
import type { TrustEdge } from '../../core/audit/types.js';
import { CrossbarError } from '../../core/errors.js';
import type { FanoutAccount } from '../../core/fanout/types.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../main.js';
import { openCrossbarFor, type HopFlags } from '../open-crossbar.js';
import { renderOutput, resolveOutputFormat, type Column } from '../render/output.js';
import { createProgressBar } from '../render/progress.js';
import { paintStage } from '../render/stage.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from '../report-error.js';

/**
 * `crossbar audit trail [SELECTOR] [--since 7d] [--regions LIST]`: CloudTrail's AssumeRole and ConsoleLogin
 * evidence in every selected account × region (who assumed which role, when, with or without MFA), joined with
 * the trust graph: the trusts used, the trusts nobody used in the window (candidates to remove), and the
 * assumptions by principals crossbar does not know. Table (those sections), json (everything) or csv/ndjson (the
 * assumptions). Exit 1 when any account or region could not be read (listed as not covered), 2 for bad usage,
 * 130 on Ctrl-C.
 */
export interface AuditTrailFlags extends HopFlags {
  since: string;
  regions?: string;
  role?: string;
  concurrency: string;
  timeout: string;
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CrossbarError('USAGE', `${flag} must be a whole number from ${min} to ${max} (got '${text}')`, {
      exitCode: 2,
    });
  return n;
}

const yesNo = (v: boolean | undefined) => (v === undefined ? null : v ? 'yes' : 'no');
const fromText = (a: Assumption) =>
  a.principal.accountName ? `${a.principal.accountName} (${a.principal.accountId})` : a.principal.accountId;
const principalText = (a: Assumption) => a.principal.arn ?? a.principal.principalId ?? null;
const conditionsText = (e: TrustEdge) =>
  [
    e.conditions.mfa ? 'MFA' : '',
    e.conditions.externalId ? 'ExternalId' : '',
    e.conditions.principalOrg ? 'PrincipalOrgID' : '',
  ]
    .filter(Boolean)
    .join(', ') || 'none';

function assumptionColumns(ctx: CliContext, stages: ReadonlyMap<string, string | undefined>): Column<Assumption>[] {
  const c = ctx.colors;
  return [
    { key: 'time', header: 'TIME', value: (a) => a.time },
    { key: 'event', header: 'EVENT', value: (a) => a.event },
    { key: 'account', header: 'ACCOUNT', value: (a) => a.accountId },
    {
      key: 'accountName',
      header: 'NAME',
      value: (a) => a.accountName ?? null,
      cell: (a) => paintStage(c, a.accountName ?? a.accountId, stages.get(a.accountId)),
    },
    { key: 'region', header: 'REGION', value: (a) => a.region },
    { key: 'role', header: 'ROLE', value: (a) => a.roleName ?? null },
    { key: 'roleArn', header: 'ROLE ARN', value: (a) => a.roleArn ?? null },
    {
      key: 'who',
      header: 'WHO',
      value: (a) => a.who,
      cell: (a) => (a.principal.knowledge === 'foreign' ? c.red(a.who) : c.bold(a.who)),
    },
    { key: 'sourceIdentity', header: 'SOURCE IDENTITY', value: (a) => a.sourceIdentity ?? null },
    { key: 'sessionName', header: 'SESSION', value: (a) => a.sessionName ?? null },
    {
      key: 'from',
      header: 'FROM',
      value: (a) => fromText(a),
      cell: (a) => (a.principal.knowledge === 'foreign' ? c.red(`${fromText(a)} unknown`) : fromText(a)),
    },
    { key: 'principalKnowledge', header: 'KNOWN AS', value: (a) => a.principal.knowledge },
    { key: 'principal', header: 'PRINCIPAL', value: principalText },
    {
      key: 'mfa',
      header: 'MFA',
      value: (a) => yesNo(a.mfa),
      cell: (a) => (a.mfa === undefined ? '-' : a.mfa ? c.green('yes') : c.yellow('no')),
    },
    { key: 'error', header: 'ERROR', value: (a) => a.errorCode ?? null },
  ];
}

/** The table leaves out what the machine formats carry for scripts (the role ARN, the knowledge word). */
const TABLE_HIDDEN = new Set(['account', 'roleArn', 'principalKnowledge', 'sourceIdentity']);

/** Registry names by account id, for the trust tables. */
type Names = ReadonlyMap<string, string>;

function usedColumns(ctx: CliContext, names: Names): Column<TrustUsage>[] {
  return [
    {
      key: 'account',
      header: 'ACCOUNT',
      value: (u) => u.edge.accountId,
      cell: (u) => names.get(u.edge.accountId) ?? u.edge.accountId,
    },
    { key: 'role', header: 'ROLE', value: (u) => u.edge.roleName },
    { key: 'principal', header: 'TRUSTED PRINCIPAL', value: (u) => u.edge.principal.id },
    { key: 'count', header: 'USED', value: (u) => u.count, align: 'right' },
    { key: 'lastUsed', header: 'LAST USED', value: (u) => u.lastUsed ?? null },
    {
      key: 'by',
      header: 'BY',
      value: (u) => u.by.join(', '),
      cell: (u) => `${u.by.join(', ')}${u.inferred ? ctx.colors.dim(' (principal id not resolved)') : ''}`,
    },
  ];
}

function unusedColumns(ctx: CliContext, names: Names): Column<TrustEdge>[] {
  return [
    {
      key: 'account',
      header: 'ACCOUNT',
      value: (e) => e.accountId,
      cell: (e) => names.get(e.accountId) ?? e.accountId,
    },
    { key: 'role', header: 'ROLE', value: (e) => e.roleName },
    {
      key: 'principal',
      header: 'TRUSTED PRINCIPAL',
      value: (e) => e.principal.id,
      cell: (e) =>
        e.principal.kind === 'public' || e.principal.kind === 'foreign'
          ? ctx.colors.red(e.principal.id)
          : e.principal.id,
    },
    { key: 'kind', header: 'KIND', value: (e) => e.principal.kind },
    { key: 'conditions', header: 'CONDITIONS', value: conditionsText },
  ];
}

function edgeRecord(e: TrustEdge) {
  return {
    account: e.accountId,
    role: e.roleName,
    roleArn: e.roleArn,
    principal: e.principal.id,
    kind: e.principal.kind,
    conditions: conditionsText(e),
  };
}

function printJson(ctx: CliContext, report: TrailReport): void {
  const { window: w, join } = report;
  ctx.io.stdout.write(
    `${JSON.stringify(
      {
        since: w.since,
        window: { start: new Date(w.startMs).toISOString(), end: new Date(w.endMs).toISOString() },
        assumptions: report.assumptions,
        trusts: {
          used: join.used.map((u) => ({
            ...edgeRecord(u.edge),
            count: u.count,
            lastUsed: u.lastUsed ?? null,
            by: u.by,
            inferred: u.inferred,
          })),
          unused: join.unused.map(edgeRecord),
          unknownUse: join.unknownUse.map(edgeRecord),
        },
        unknownPrincipals: join.unknownPrincipals,
        notCovered: report.notCovered,
        contextGaps: report.contextGaps,
        interrupted: report.interrupted,
      },
      null,
      2,
    )}\n`,
  );
}

function section<Row>(
  ctx: CliContext,
  title: string,
  columns: readonly Column<Row>[],
  rows: readonly Row[],
  empty: string,
): void {
  ctx.out(`\n${ctx.colors.bold(title)} (${rows.length})`);
  if (rows.length === 0) ctx.out(ctx.colors.dim(`  ${empty}`));
  else ctx.io.stdout.write(renderOutput('table', columns, rows, { header: ctx.colors.bold }));
}

function printTables(
  ctx: CliContext,
  report: TrailReport,
  stages: ReadonlyMap<string, string | undefined>,
  names: Names,
): void {
  const c = ctx.colors;
  const columns = assumptionColumns(ctx, stages).filter((col) => !TABLE_HIDDEN.has(col.key));
  ctx.out(
    c.dim(
      `CloudTrail evidence since ${new Date(report.window.startMs).toISOString()} (--since ${report.window.since})`,
    ),
  );
  section(ctx, 'assumptions', columns, report.assumptions, 'no AssumeRole or ConsoleLogin in the window');
  section(ctx, 'trusts used', usedColumns(ctx, names), report.join.used, 'no trust was used in the window');
  section(
    ctx,
    'unused trusts (candidates to remove)',
    unusedColumns(ctx, names),
    report.join.unused,
    'every trust was used in the window',
  );
  section(
    ctx,
    'unknown principals',
    columns,
    report.join.unknownPrincipals,
    'every assumption came from a principal crossbar knows',
  );
  if (report.join.unknownUse.length > 0)
    ctx.out(
      c.yellow(
        `\n${report.join.unknownUse.length} trusts of accounts not fully read are neither used nor unused: see not covered`,
      ),
    );
  if (report.notCovered.length > 0) {
    ctx.out(`\n${c.bold(c.red('not covered'))} (${report.notCovered.length})`);
    ctx.io.stdout.write(
      renderOutput(
        'table',
        [
          { key: 'name', header: 'ACCOUNT', value: (g) => `${g.accountName} (${g.accountId})` },
          { key: 'what', header: 'WHAT', value: (g) => (g.what === 'iam' ? 'IAM (trust graph)' : `trail ${g.region}`) },
          { key: 'code', header: 'CODE', value: (g) => g.code, cell: (g) => c.red(g.code) },
          { key: 'reason', header: 'REASON', value: (g) => g.reason },
          { key: 'message', header: 'MESSAGE', value: (g) => g.message },
        ],
        report.notCovered,
        { header: c.bold },
      ),
    );
  }
  for (const gap of report.contextGaps) ctx.err(c.dim(`note: could not read ${gap}`));
}

export async function runAuditTrail(
  ctx: CliContext,
  command: Command,
  selector: string | undefined,
  flags: AuditTrailFlags,
): Promise<number> {
  const [
    { parseSince, runTrail, loadSourceContext },
    { parseRegionList },
    { roleFor },
    { resolveSourceProvider },
    { sourceEnv },
  ] = await Promise.all([
    import('../../core/audit/trail/index.js'),
    import('../../core/fanout/index.js'),
    import('./run.js'),
    import('../../core/credentials/index.js'),
    import('../config-context.js'),
  ]);
  const concurrency = wholeNumber('--concurrency', flags.concurrency, 1, 1024);
  const timeoutMs = wholeNumber('--timeout', flags.timeout, 1, 3600) * 1000;
  const regions = flags.regions === undefined ? undefined : parseRegionList(flags.regions);
  if (regions === 'all')
    throw new CrossbarError('USAGE', '--regions all is not supported by audit trail', {
      hint: 'name the regions, e.g. --regions us-east-1,eu-west-1',
      exitCode: 2,
    });
  if (regions?.length === 0)
    throw new CrossbarError('USAGE', '--regions is empty', { hint: 'e.g. --regions us-east-1,eu-west-1', exitCode: 2 });
  const { crossbar } = await openCrossbarFor(ctx, command, flags);
  const window = parseSince(flags.since, crossbar.now());
  const accounts = crossbar
    .selectAccounts(selector)
    .map((account): FanoutAccount => ({ account, role: roleFor(account, flags.role) }));
  if (accounts.length === 0)
    throw new CrossbarError('USAGE', `no account matches '${selector ?? ''}'`, { exitCode: 2 });
  const source = await crossbar.sourceIdentity();
  const stop = ctx.handleInterrupts();
  const config = crossbar.config;
  const sourceProvider = resolveSourceProvider({
    env: sourceEnv(ctx.io.env),
    region: config.source.region ?? 'us-east-1',
    ...(config.source.profile ? { profile: config.source.profile } : {}),
    ...(crossbar.endpoint ? { endpoint: crossbar.endpoint } : {}),
  });
  // Names for the source's organization and principal ids: optional, so its failure is a note, not an error.
  const sourceContext = sourceProvider
    .provider()
    .then((credentials) =>
      loadSourceContext({
        credentials,
        endpoint: crossbar.endpoint,
        region: config.source.region ?? 'us-east-1',
        signal: stop,
      }),
    )
    .catch((err: unknown) => ({
      principalIds: new Map<string, string>(),
      gaps: [`the source's organization and IAM: ${err instanceof Error ? err.message : String(err)}`],
    }));
  ctx.err(
    ctx.colors.dim(
      `audit trail of ${accounts.length} account${accounts.length === 1 ? '' : 's'} × ${regions ? regions.join(', ') : 'their configured regions'} since ${new Date(window.startMs).toISOString()} as ${source.arn}`,
    ),
  );
  const bar = createProgressBar(ctx.io.stderr, { colors: ctx.colors });
  let report: TrailReport;
  try {
    report = await runTrail({
      accounts,
      registry: crossbar.registry,
      window,
      regions,
      endpoint: crossbar.endpoint,
      concurrency,
      timeoutMs,
      signal: stop,
      credentialsFor: (fa) => crossbar.credentials(fa),
      sourceAccountId: source.accountId,
      sourceContext: await sourceContext,
      onProgress: (p) => bar.update(p),
      now: () => crossbar.now(),
    });
  } finally {
    bar.stop();
  }
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  const stages = new Map(crossbar.registry.accounts.map((a) => [a.id, a.stage]));
  if (format === 'json') printJson(ctx, report);
  else if (format === 'table')
    printTables(ctx, report, stages, new Map(crossbar.registry.accounts.map((a) => [a.id, a.name])));
  else ctx.io.stdout.write(renderOutput(format, assumptionColumns(ctx, stages), report.assumptions));
  const { join } = report;
  const bad = report.notCovered.length > 0;
  const summary = `${report.assumptions.length} assumption${report.assumptions.length === 1 ? '' : 's'}, ${join.used.length} trusts used, ${join.unused.length} unused, ${join.unknownPrincipals.length} by unknown principals, ${report.notCovered.length} not covered`;
  ctx.err(
    `${bad ? ctx.colors.red('✗') : ctx.colors.green('✓')} ${summary}${ctx.colors.dim(` in ${(report.elapsedMs / 1000).toFixed(1)}s`)}`,
  );
  if (report.interrupted) return EXIT_INTERRUPTED;
  return bad ? EXIT_FAILED : EXIT_OK;
}

export function registerAuditTrail(audit: Command, runtime: CliRuntime): void {
  audit
    .command('trail')
    .description(
      'CloudTrail AssumeRole and ConsoleLogin evidence, joined with the trust graph: used, unused and unknown',
    )
    .argument(
      '[selector]',
      'which accounts: names, ids, globs, stage=prod, tag:team=x, workspace=w, all (default); ! excludes',
    )
    .option('--since <when>', 'window start: 7d, 24h, 90m or an ISO date (CloudTrail keeps 90 days)', '7d')
    .option(
      '--regions <list>',
      "comma-separated regions (default: each account's configured regions; AssumeRole is recorded in the STS endpoint's region)",
    )
    .option('--role <role>', "the role to read each account with (default: each account's default role)")
    .option('--concurrency <n>', 'targets (account × region) in flight at once', '32')
    .option('--timeout <seconds>', 'per target', '120')
    .option('--mfa-code <code>', 'the current MFA code, for roles that need MFA (also CROSSBAR_MFA_CODE)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  crossbar audit trail --since 7d',
        '  crossbar audit trail stage=prod --since 2026-01-01 -o csv > assumptions.csv',
        '',
        'Sections: assumptions (who, which role, from which account, MFA), trusts used, unused trusts (candidates to',
        "remove), unknown principals (accounts outside the registry, the source's account and the organization).",
        'Accounts or regions whose trail or IAM cannot be read are listed as not covered, and make the exit code 1.',
      ].join('\n'),
    )
    .action((selector: string | undefined, flags: AuditTrailFlags, cmd: Command) =>
      runtime.run(cmd, (ctx) => runAuditTrail(ctx, cmd, selector, flags)),
    );
}
