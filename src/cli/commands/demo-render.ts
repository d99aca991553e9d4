import { asExpected, type DemoStep, type HopRow, type OrgAccountRow } from '../../core/demo-tour.js';
import type { CliContext } from '../context.js';
import { type Column } from '../render/output.js';
import { renderOutput } from '../render/renderer.js';
import { formatDuration, formatTags } from '../render/format.js';
import { paintStage } from '../render/stage.js';

/** How `crossbar demo` shows each step of the tour. A new kind of step gets a renderer here. */

const VIA: Record<DemoStep['kind'], string> = {
  organization: 'organizations ListAccounts, ListParents, DescribeOrganizationalUnit, ListTagsForResource',
  identity: 'sts GetCallerIdentity with the source keys',
  hops: 'sts AssumeRole, then GetCallerIdentity with the new session',
};

function organizationColumns(ctx: CliContext): Column<OrgAccountRow>[] {
  return [
    { key: 'id', header: 'ACCOUNT', value: (a) => a.id },
    {
      key: 'name',
      header: 'NAME',
      value: (a) => a.name,
      cell: (a) => paintStage(ctx.colors, a.name, a.stage, a.color),
    },
    { key: 'ou', header: 'OU', value: (a) => a.ou },
    {
      key: 'stage',
      header: 'STAGE',
      value: (a) => a.stage ?? null,
      cell: (a) => (a.stage ? paintStage(ctx.colors, a.stage, a.stage, a.color) : '-'),
    },
    { key: 'status', header: 'STATUS', value: (a) => a.status },
    { key: 'tags', header: 'TAGS', value: (a) => formatTags(a.tags, ['stage', 'color']) },
  ];
}

function resultCell(ctx: CliContext, row: HopRow): string {
  const { green, red, yellow } = ctx.colors;
  if (!asExpected(row)) return red(row.result.ok ? 'ok (should be denied)' : `failed: ${row.result.code}`);
  return row.result.ok ? green('ok') : yellow(`denied: ${row.result.code}`);
}

function presented(row: HopRow): string {
  return [row.mfa ? 'MFA code' : '', row.externalId ? 'ExternalId' : ''].filter(Boolean).join(' + ') || '-';
}

function hopColumns(ctx: CliContext, now: number): Column<HopRow>[] {
  return [
    { key: 'from', header: 'FROM', value: (h) => h.from },
    { key: 'accountId', header: 'ACCOUNT', value: (h) => h.accountId },
    { key: 'accountName', header: 'NAME', value: (h) => h.accountName },
    { key: 'role', header: 'ROLE', value: (h) => h.role },
    { key: 'presented', header: 'WITH', value: presented },
    {
      key: 'arn',
      header: 'ASSUMED ARN',
      value: (h) => (h.result.ok ? h.result.arn : null),
      cell: (h) => (h.result.ok ? h.result.arn : '-'),
    },
    {
      key: 'expiresIn',
      header: 'EXPIRES IN',
      value: (h) => (h.result.ok && h.result.expiration ? formatDuration(h.result.expiration.getTime() - now) : null),
      cell: (h) => (h.result.ok && h.result.expiration ? formatDuration(h.result.expiration.getTime() - now) : '-'),
    },
    { key: 'result', header: 'RESULT', value: (h) => (h.result.ok ? 'ok' : 'denied'), cell: (h) => resultCell(ctx, h) },
  ];
}

export function renderStep(ctx: CliContext, step: DemoStep, index: number, now = Date.now()): void {
  const { bold, dim } = ctx.colors;
  const table = { header: dim, indent: '  ' };
  ctx.out(`${bold(`${index}. ${step.title}`)}  ${dim(`(${VIA[step.kind]})`)}`);
  switch (step.kind) {
    case 'organization':
      ctx.io.stdout.write(renderOutput('table', organizationColumns(ctx), step.accounts, table));
      break;
    case 'identity':
      ctx.out(
        `  ${step.who} is ${bold(step.identity.arn)} (account ${step.identity.account}, user id ${step.identity.userId})`,
      );
      break;
    case 'hops': {
      ctx.io.stdout.write(renderOutput('table', hopColumns(ctx, now), step.hops, table));
      if (step.hops.some((h) => !h.result.ok))
        ctx.out(
          ctx.colors.cyan(
            '  ↳ Denied on purpose: the role trusts the management account only with MFA, so keys alone are refused, and bob has no policy that allows it at all. AWS says so in its own words:',
          ),
        );
      for (const h of step.hops)
        if (!h.result.ok)
          ctx.out(
            `  ${dim(`${h.from} → ${h.role} with ${presented(h) === '-' ? 'keys only' : presented(h)}:`)} ${h.result.message}`,
          );
      break;
    }
  }
  ctx.out();
}

/** The commands a newcomer can paste next; with --keep they point at the running sandbox. */
export function whatToTryNext(ctx: CliContext, lines: readonly string[]): void {
  ctx.out(ctx.colors.bold('What to try next'));
  for (const line of lines) ctx.out(`  ${line}`);
}
