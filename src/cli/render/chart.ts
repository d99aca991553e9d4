import type { CostReport } from '../../core/cost/index.js';
import type { Colors } from '../context.js';
import { paintStage } from './stage.js';
import { visibleWidth } from './table.js';

/**
 * The bill in the terminal, in plain Unicode: a horizontal bar per group for the last period and a sparkline
 * per group over all periods, coloured by stage on a TTY (the colours of `crossbar accounts`).
 */
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const SPARKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
export const BAR_WIDTH = 40;
/** A daily sparkline over six months would not fit a terminal: the latest points are kept. */
export const SPARK_POINTS = 60;
export const CHART_ROWS = 15;

/** `value` of `max` as a bar `width` cells wide, to an eighth of a cell. */
export function bar(value: number, max: number, width = BAR_WIDTH): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.round((Math.min(value, max) / max) * width * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + (EIGHTHS[eighths % 8] ?? '');
}

/** One character per value, from ▁ (zero) to █ (the largest). */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  if (max <= 0) return SPARKS[0]?.repeat(values.length) ?? '';
  return values
    .map((v) => SPARKS[Math.min(SPARKS.length - 1, Math.max(0, Math.round((v / max) * (SPARKS.length - 1))))] ?? '')
    .join('');
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - visibleWidth(text)));
export const money = (v: number): string =>
  v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function renderCostChart(report: CostReport, colors: Colors): string[] {
  const last = report.periods.length - 1;
  const period = report.periods[last];
  if (!period || report.rows.length === 0) return [];
  const rows = [...report.rows].sort((a, b) => (b.amounts[last] ?? 0) - (a.amounts[last] ?? 0)).slice(0, CHART_ROWS);
  const max = Math.max(0, ...rows.map((r) => r.amounts[last] ?? 0));
  const labelWidth = Math.min(40, Math.max(...rows.map((r) => visibleWidth(r.labels.join(' / ')))));
  const amountWidth = Math.max(...rows.map((r) => money(r.amounts[last] ?? 0).length));
  const title = `${period.start} to ${period.end}${period.estimated ? ' (to date)' : ''}`;
  const lines = [
    colors.bold(
      `${report.metric} by ${report.by.join(', ')}, last period ${title}; trend over ${report.periods.length} ${report.granularity === 'daily' ? 'days' : 'months'}`,
    ),
  ];
  for (const row of rows) {
    const label = row.labels.join(' / ');
    const short = label.length > labelWidth ? `${label.slice(0, labelWidth - 1)}…` : label;
    const paint = (text: string) => paintStage(colors, text, row.account?.stage, row.account?.color);
    const value = row.amounts[last] ?? 0;
    lines.push(
      `${pad(paint(short), labelWidth)}  ${money(value).padStart(amountWidth)}  ${pad(paint(bar(value, max)), BAR_WIDTH)}  ${paint(sparkline(row.amounts.slice(-SPARK_POINTS)))}`,
    );
  }
  if (report.rows.length > rows.length) lines.push(colors.dim(`… and ${report.rows.length - rows.length} more groups`));
  return lines;
}
