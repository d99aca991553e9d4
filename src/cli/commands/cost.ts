import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CostChange, CostMonth, CostReport, CostRow } from '../../core/cost/index.js';
import { CrossbarError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { openCrossbarFor } from '../open-crossbar.js';
import { money, renderCostChart } from '../render/chart.js';
import { resolveOutputFormat, type Column } from '../render/output.js';
import { render } from '../render/renderer.js';
import { paintStage } from '../render/stage.js';
import { renderTable } from '../render/table.js';
import { EXIT_OK } from '../report-error.js';

/**
 * `crossbar cost`: the consolidated bill from Cost Explorer in the payer account, grouped by account, service,
 * region, OU or tag (or two of them), with month-over-month change, the top movers, a terminal chart and
 * `--chart FILE.svg|png`. Answers are cached for a day under CROSSBAR_HOME/cache/cost unless --refresh.
 */
interface CostFlags {
  by: string;
  months?: string;
  from?: string;
  to?: string;
  granularity?: string;
  metric?: string;
  payer?: string;
  chart?: string;
  refresh?: boolean;
  mfaCode?: string;
}

const pct = (p: number | null | undefined) =>
  p === null || p === undefined ? '' : `${p >= 0 ? '+' : ''}${p.toFixed(1)}%`;
const signed = (v: number) => `${v >= 0 ? '+' : '-'}${money(Math.abs(v))}`;

function chartFormat(file: string | undefined): 'svg' | 'png' | undefined {
  if (file === undefined) return undefined;
  const ext = extname(file).toLowerCase();
  if (ext === '.svg' || ext === '.png') return ext === '.svg' ? 'svg' : 'png';
  throw new CrossbarError('USAGE', `--chart '${file}' must end in .svg or .png`, {
    hint: 'e.g. --chart bill.svg or --chart bill.png',
  });
}

/** Machine columns: one per grouping, the account's id and stage, one per period, the total and the change. */
export function costColumns(report: CostReport): Column<CostRow>[] {
  const round = (v: number) => Math.round(v * 100) / 100;
  return [
    ...report.by.map((label, i): Column<CostRow> => ({
      key: label,
      header: label.toUpperCase(),
      value: (r) => r.labels[i] ?? '',
    })),
    ...(report.by.includes('account')
      ? [
          { key: 'account_id', header: 'ID', value: (r: CostRow) => r.account?.id ?? '' },
          { key: 'stage', header: 'STAGE', value: (r: CostRow) => r.account?.stage ?? '' },
        ]
      : []),
    ...report.periods.map((p, i): Column<CostRow> => ({
      key: p.start,
      header: p.start,
      value: (r) => round(r.amounts[i] ?? 0),
      align: 'right',
    })),
    { key: 'total', header: 'TOTAL', value: (r) => round(r.total), align: 'right' },
    { key: 'change', header: 'CHANGE', value: (r) => (r.change ? round(r.change.absolute) : null), align: 'right' },
    {
      key: 'change_pct',
      header: 'CHANGE %',
      value: (r) =>
        r.change?.percent === null || r.change === undefined ? null : Math.round(r.change.percent * 10) / 10,
      align: 'right',
    },
  ];
}

/** A month's column header: `2026-06`, `2026-07 TO DATE` (Cost Explorer's estimate), `2026-05 PART` (--from/--to). */
function monthHeader(m: CostMonth): string {
  return m.estimated ? `${m.month} TO DATE` : m.partial ? `${m.month} PART` : m.month;
}

/**
 * The table: one column per month of the range, then TOTAL, which is the sum of exactly those columns (the
 * month to date included, as its header says), then the change between the last two full months. A last row
 * sums each column.
 */
function tableLines(report: CostReport, ctx: CliContext): string[] {
  const { colors } = ctx;
  const cmp = report.comparison;
  const withStage = report.by.includes('account');
  const headers = [
    ...report.by.map((b) => b.toUpperCase()),
    ...(withStage ? ['STAGE'] : []),
    ...report.months.map(monthHeader),
    'TOTAL',
    ...(cmp ? ['CHANGE', '%'] : []),
  ];
  const changeCells = (change: CostChange | undefined) => {
    if (!cmp) return [];
    if (!change) return ['', ''];
    return [(change.absolute > 0 ? colors.red : colors.green)(signed(change.absolute)), pct(change.percent)];
  };
  const rows = report.rows.map((r) => {
    const paint = (t: string) => paintStage(colors, t, r.account?.stage, r.account?.color);
    return [
      ...r.labels.map((l, i) => (report.by[i] === 'account' ? paint(l) : l)),
      ...(withStage ? [paint(r.account?.stage ?? '')] : []),
      ...r.monthly.map((v) => money(v)),
      money(r.total),
      ...changeCells(r.change),
    ];
  });
  const previous = report.rows.reduce((s, r) => s + (r.change?.previous ?? 0), 0);
  const current = report.rows.reduce((s, r) => s + (r.change?.current ?? 0), 0);
  const footer = [
    ...report.by.map((_, i) => (i === 0 ? 'TOTAL' : '')),
    ...(withStage ? [''] : []),
    ...report.months.map((m) => money(m.total)),
    money(report.total),
    ...changeCells({
      previous,
      current,
      absolute: current - previous,
      percent: previous === 0 ? null : ((current - previous) / previous) * 100,
    }),
  ];
  const numeric = new Set(headers.slice(report.by.length + (withStage ? 1 : 0)));
  const columns = headers.map((h) => ({ header: h, align: numeric.has(h) ? ('right' as const) : ('left' as const) }));
  const compared = cmp ? `; CHANGE is ${cmp.current} against ${cmp.previous}` : '';
  const lines = [
    colors.bold(
      `${report.metric} (${report.unit}) by ${report.by.join(', ')}, ${report.start} to ${report.end} (${report.granularity})`,
    ),
    ...renderTable(columns, [...rows, footer], { header: colors.bold }),
    colors.dim(`TOTAL is the sum of the ${report.months.length} month columns${compared}`),
  ];
  lines.push('', colors.bold('Totals per period'));
  lines.push(
    ...renderTable(
      [{ header: 'PERIOD' }, { header: 'TOTAL', align: 'right' }],
      report.periods.map((p) => [`${p.start} to ${p.end}${p.estimated ? ' (estimated)' : ''}`, money(p.total)]),
      { header: colors.dim },
    ),
  );
  lines.push(`total ${money(report.total)} ${report.unit}`);
  if (cmp && report.movers.length > 0) {
    lines.push('', colors.bold(`Top movers, ${cmp.current} against ${cmp.previous}`));
    for (const m of report.movers) {
      const change = m.change;
      if (!change) continue;
      lines.push(
        `  ${(change.absolute > 0 ? colors.red : colors.green)(signed(change.absolute).padStart(12))}  ${pct(change.percent).padStart(8)}  ${paintStage(colors, m.labels.join(' / '), m.account?.stage, m.account?.color)}`,
      );
    }
  }
  lines.push('', ...renderCostChart(report, colors));
  return lines;
}

export async function runCostCommand(ctx: CliContext, command: Command, flags: CostFlags): Promise<number> {
  const cost = await import('../../core/cost/index.js');
  const granularity = cost.parseGranularity(flags.granularity);
  const by = cost.parseGroupings(flags.by);
  const metric = cost.parseMetric(flags.metric);
  const chart = chartFormat(flags.chart);
  const { crossbar } = await openCrossbarFor(ctx, command, flags.mfaCode ? { mfaCode: flags.mfaCode } : {});
  const range = cost.resolveRange(flags, granularity, crossbar.now());
  const loaded = await cost.loadCost(crossbar, {
    query: { by, ...range, granularity, metric },
    payer: flags.payer,
    refresh: flags.refresh === true,
    signal: ctx.signal,
  });
  const { report } = loaded;
  if (loaded.cachedAgeMs !== undefined) ctx.err(ctx.colors.dim(`(cached, ${cost.formatAge(loaded.cachedAgeMs)})`));
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  render(
    format,
    { stdout: ctx.io.stdout, err: ctx.err },
    {
      columns: costColumns(report),
      document: () => report,
      table: () => `${tableLines(report, ctx).join('\n')}\n`,
    },
    report.rows,
  );
  if (chart && flags.chart) {
    const path = resolve(ctx.io.cwd, flags.chart);
    writeFileSync(path, chart === 'svg' ? cost.renderCostSvg(report) : await cost.renderCostPng(report));
    ctx.err(`wrote ${path}`);
  }
  return EXIT_OK;
}

export function defineCostCommand(command: Command, runtime: CliRuntime): void {
  command
    .option(
      '--by <groupings>',
      `group by ${['account', 'service', 'region', 'ou', 'tag:KEY'].join('|')}, or two at once (account,service)`,
      'account',
    )
    .option('--months <n>', 'full months before this one, plus this month to date (default 6)')
    .option('--from <date>', 'first day, YYYY-MM-DD (instead of --months)')
    .option(
      '--to <date>',
      'end day, YYYY-MM-DD, exclusive as in Cost Explorer (default: the first of next month; daily: today)',
    )
    .option('--granularity <g>', 'monthly or daily (default monthly)')
    .option(
      '--metric <name>',
      'AmortizedCost, BlendedCost, NetAmortizedCost, NetUnblendedCost, NormalizedUsageAmount, UnblendedCost or UsageQuantity (default NetUnblendedCost)',
    )
    .option(
      '--payer <target>',
      'ask in the payer account through this role: ACCOUNT[:ROLE] (default: the source itself)',
    )
    .option('--chart <file>', 'also write a stacked bar chart per month: FILE.svg or FILE.png')
    .option('--refresh', 'ask Cost Explorer again instead of using the answer cached for a day')
    .option('--mfa-code <code>', 'MFA code, when the payer role needs one')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  crossbar cost                                  the last 6 months by account, with movers and a chart',
        '  crossbar cost --by account,service --months 3',
        '  crossbar cost --by ou --chart bill.svg',
        '  crossbar cost --by tag:team -o csv',
        '  crossbar cost --granularity daily --from 2026-05-01 --to 2026-06-01',
        '  crossbar cost --payer 111111111111:CostReader',
      ].join('\n'),
    )
    .action((flags: CostFlags, cmd: Command) => runtime.run(cmd, (ctx) => runCostCommand(ctx, cmd, flags)));
}
