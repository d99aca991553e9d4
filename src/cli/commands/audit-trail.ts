import type { Command } from 'commander';
import type { Assumption, TrailReport, TrustUsage } from '../../core/audit/trail/index.js';
import type { TrustEdge } from '../../core/audit/index.js';
import type { CliContext } from '../context.js';
import {
  addFanoutFlags,
  finishFanout,
  openFanout,
  parseFanoutFlags,
  plural,
  SELECTOR_HELP,
  withProgress,
  type FanoutFlags,
  type FanoutFlagSpec,
} from '../fanout-command.js';
import { resolveOutputFormat, type Column } from '../render/output.js';
import { render, renderOutput } from '../render/renderer.js';
import { paintStage } from '../render/stage.js';
import type { CliRuntime } from '../runtime.js';

/**
 * `crossbar audit trail [SELECTOR] [--since 7d] [--regions LIST]`: CloudTrail's AssumeRole and ConsoleLogin
 * evidence in every selected account × region (who assumed which role, when, with or without MFA), joined with
 * the trust graph: the trusts used, the trusts nobody used in the window (candidates to remove), and the
 * assumptions by principals crossbar does not know. Table (those sections), json (everything) or csv/ndjson (the
 * assumptions). Exit 1 when any account or region could not be read (listed as not covered), 2 for bad usage,
 * 130 on Ctrl-C.
 */
export interface AuditTrailFlags extends FanoutFlags {
  since: string;
}

const TRAIL_FLAGS: FanoutFlagSpec = {
  name: 'audit trail',
  regions: {
    all: false,
    help: "comma-separated regions (default: each account's configured regions; AssumeRole is recorded in the STS endpoint's region)",
  },
  concurrency: { default: 32, help: 'targets (account × region) in flight at once' },
  timeout: { default: 120, help: 'per target' },
  role: "the role to read each account with (default: each account's default role)",
  mfaCode: true,
};

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

/** The JSON document: the window, every assumption, the trusts used and unused, and what was not covered. */
function trailDocument(report: TrailReport): unknown {
  const { window: w, join } = report;
  return {
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
  };
}

function section<Row>(
  ctx: CliContext,
  title: string,
  columns: readonly Column<Row>[],
  rows: readonly Row[],
  empty: string,
): string {
  const head = `\n${ctx.colors.bold(title)} (${rows.length})\n`;
  if (rows.length === 0) return `${head}${ctx.colors.dim(`  ${empty}`)}\n`;
  return `${head}${renderOutput('table', columns, rows, { header: ctx.colors.bold })}`;
}

/** The sections of the table view; the gaps in the source's context go to stderr as notes. */
function tablesText(
  ctx: CliContext,
  report: TrailReport,
  stages: ReadonlyMap<string, string | undefined>,
  names: Names,
): string {
  const c = ctx.colors;
  let text = '';
  const columns = assumptionColumns(ctx, stages).filter((col) => !TABLE_HIDDEN.has(col.key));
  text += `${c.dim(`CloudTrail evidence since ${new Date(report.window.startMs).toISOString()} (--since ${report.window.since})`)}\n`;
  text += section(ctx, 'assumptions', columns, report.assumptions, 'no AssumeRole or ConsoleLogin in the window');
  text += section(ctx, 'trusts used', usedColumns(ctx, names), report.join.used, 'no trust was used in the window');
  text += section(
    ctx,
    'unused trusts (candidates to remove)',
    unusedColumns(ctx, names),
    report.join.unused,
    'every trust was used in the window',
  );
  text += section(
    ctx,
    'unknown principals',
    columns,
    report.join.unknownPrincipals,
    'every assumption came from a principal crossbar knows',
  );
  if (report.join.unknownUse.length > 0)
    text += `${c.yellow(`\n${report.join.unknownUse.length} trusts of accounts not fully read are neither used nor unused: see not covered`)}\n`;
  if (report.notCovered.length > 0) {
    text += `\n${c.bold(c.red('not covered'))} (${report.notCovered.length})\n`;
    text += renderOutput(
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
    );
  }
  for (const gap of report.contextGaps) ctx.err(c.dim(`note: could not read ${gap}`));
  return text;
}

export async function runAuditTrail(
  ctx: CliContext,
  command: Command,
  selector: string | undefined,
  flags: AuditTrailFlags,
): Promise<number> {
  const { parseSince, runTrail, loadSourceContext } = await import('../../core/audit/trail/index.js');
  const limits = parseFanoutFlags(flags, TRAIL_FLAGS);
  const regions = limits.regions === 'all' ? undefined : limits.regions;
  let window: ReturnType<typeof parseSince> | undefined;
  const fan = await openFanout(ctx, command, selector, flags, {
    check: (_accounts, crossbar) => {
      window = parseSince(flags.since, crossbar.now());
    },
  });
  const { crossbar } = fan;
  const since = window ?? parseSince(flags.since, crossbar.now());
  // Names for the source's organization and principal ids: optional, so its failure is a note, not an error.
  const sourceContext = crossbar.source
    .provider()
    .then((credentials) =>
      loadSourceContext({
        credentials,
        endpoint: crossbar.endpoint,
        region: crossbar.sourceRegion,
        signal: fan.signal,
      }),
    )
    .catch((err: unknown) => ({
      principalIds: new Map<string, string>(),
      gaps: [`the source's organization and IAM: ${err instanceof Error ? err.message : String(err)}`],
    }));
  ctx.err(
    ctx.colors.dim(
      `audit trail of ${plural(fan.accounts.length, 'account')} × ${regions ? regions.join(', ') : 'their configured regions'} since ${new Date(since.startMs).toISOString()} as ${fan.source?.arn ?? ''}`,
    ),
  );
  const report: TrailReport = await withProgress(ctx, async (onProgress) =>
    runTrail(crossbar, {
      accounts: fan.accounts,
      window: since,
      regions,
      concurrency: limits.concurrency,
      timeoutMs: limits.timeoutMs,
      signal: fan.signal,
      sourceAccountId: fan.source?.accountId,
      sourceContext: await sourceContext,
      onProgress,
    }),
  );
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  const stages = new Map(crossbar.registry.accounts.map((a) => [a.id, a.stage]));
  const names = new Map(crossbar.registry.accounts.map((a) => [a.id, a.name]));
  render(
    format,
    { stdout: ctx.io.stdout, err: ctx.err },
    {
      columns: assumptionColumns(ctx, stages),
      document: () => trailDocument(report),
      table: () => tablesText(ctx, report, stages, names),
    },
    report.assumptions,
  );
  const { join } = report;
  return finishFanout(ctx, {
    failed: report.notCovered.length > 0,
    text: `${plural(report.assumptions.length, 'assumption')}, ${join.used.length} trusts used, ${join.unused.length} unused, ${join.unknownPrincipals.length} by unknown principals, ${report.notCovered.length} not covered`,
    elapsedMs: report.elapsedMs,
    interrupted: report.interrupted,
  });
}

export function defineAuditTrail(command: Command, runtime: CliRuntime): void {
  command
    .argument('[selector]', SELECTOR_HELP)
    .option('--since <when>', 'window start: 7d, 24h, 90m or an ISO date (CloudTrail keeps 90 days)', '7d');
  addFanoutFlags(command, TRAIL_FLAGS)
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
