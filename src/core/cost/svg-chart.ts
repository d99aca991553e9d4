import type { CostReport } from './types.js';

/**
 * A stacked bar chart of the bill, one bar per month and one colour per group, as a small self-contained SVG
 * (no dependency, no script, no external font or stylesheet) so that it opens anywhere and renders to PNG.
 * The largest groups get their own colour; the rest are stacked as "other".
 */
export const MAX_SERIES = 8;
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];
const OTHER_COLOR = '#bab0ac';

const WIDTH = 900;
const HEIGHT = 480;
const PLOT = { left: 80, top: 50, right: 250, bottom: 60 };

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

interface Series {
  name: string;
  color: string;
  byMonth: Map<string, number>;
}

function monthSeries(report: CostReport): { months: string[]; series: Series[] } {
  const months = [...new Set(report.periods.map((p) => p.start.slice(0, 7)))];
  const sumByMonth = (amounts: readonly number[]) => {
    const out = new Map<string, number>();
    amounts.forEach((a, i) => {
      const m = report.periods[i]?.start.slice(0, 7) ?? '';
      out.set(m, (out.get(m) ?? 0) + a);
    });
    return out;
  };
  const ranked = [...report.rows].sort((a, b) => b.total - a.total);
  const own = ranked.slice(0, ranked.length > MAX_SERIES + 1 ? MAX_SERIES : ranked.length);
  const rest = ranked.slice(own.length);
  const series: Series[] = own.map((row, i) => ({
    name: row.labels.join(' / '),
    color: PALETTE[i % PALETTE.length] ?? OTHER_COLOR,
    byMonth: sumByMonth(row.amounts),
  }));
  if (rest.length > 0) {
    const other = new Map<string, number>();
    for (const row of rest) for (const [m, v] of sumByMonth(row.amounts)) other.set(m, (other.get(m) ?? 0) + v);
    series.push({ name: `other (${rest.length})`, color: OTHER_COLOR, byMonth: other });
  }
  return { months, series };
}

/** A round axis maximum at least `value` whose quarters are round too: 1, 1.2, 1.6, 2, 4, 6 or 8 times a power of ten. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 1.2, 1.6, 2, 4, 6, 8, 10].map((f) => f * power).find((v) => v >= value) ?? 10 * power;
}

const money = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)}k` : v.toFixed(0));

export function renderCostSvg(report: CostReport): string {
  const { months, series } = monthSeries(report);
  const totals = months.map((m) => series.reduce((s, x) => s + Math.max(0, x.byMonth.get(m) ?? 0), 0));
  const top = niceMax(Math.max(0, ...totals));
  const plotW = WIDTH - PLOT.left - PLOT.right;
  const plotH = HEIGHT - PLOT.top - PLOT.bottom;
  const slot = plotW / Math.max(1, months.length);
  const barW = Math.max(2, slot * 0.7);
  const y = (v: number) => PLOT.top + plotH - (v / top) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(`${report.metric} by ${report.by.join(', ')}, ${report.start} to ${report.end}`)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PLOT.left}" y="28" font-size="16" font-weight="bold">${escapeXml(`${report.metric} (${report.unit}) by ${report.by.join(', ')}`)}</text>`,
  ];
  for (let i = 0; i <= 4; i += 1) {
    const v = (top / 4) * i;
    out.push(
      `<line x1="${PLOT.left}" x2="${PLOT.left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#dddddd"/>`,
    );
    out.push(
      `<text x="${PLOT.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555555">${money(v)}</text>`,
    );
  }
  months.forEach((month, i) => {
    const x = PLOT.left + i * slot + (slot - barW) / 2;
    const estimated = report.periods.some((p) => p.start.startsWith(month) && p.estimated);
    out.push(`<g class="month" data-month="${month}"${estimated ? ' data-estimated="true" opacity="0.6"' : ''}>`);
    let base = 0;
    for (const s of series) {
      const v = Math.max(0, s.byMonth.get(month) ?? 0);
      if (v === 0) continue;
      out.push(
        `<rect x="${x.toFixed(1)}" y="${y(base + v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(base) - y(base + v)).toFixed(1)}" fill="${s.color}"><title>${escapeXml(`${month} ${s.name}: ${v.toFixed(2)} ${report.unit}`)}</title></rect>`,
      );
      base += v;
    }
    // Past about eight months the labels no longer fit side by side: slant them, as spreadsheets do.
    const lx = (x + barW / 2).toFixed(1);
    const ly = PLOT.top + plotH + 18;
    const slant =
      months.length > 8 ? ` transform="rotate(-35 ${lx} ${ly})" text-anchor="end"` : ' text-anchor="middle"';
    out.push(`<text x="${lx}" y="${ly}"${slant} fill="#333333">${month}</text>`, '</g>');
  });
  out.push(
    `<line x1="${PLOT.left}" x2="${PLOT.left + plotW}" y1="${PLOT.top + plotH}" y2="${PLOT.top + plotH}" stroke="#333333"/>`,
  );
  series.forEach((s, i) => {
    const ly = PLOT.top + i * 22;
    out.push(`<rect x="${WIDTH - PLOT.right + 20}" y="${ly}" width="14" height="14" fill="${s.color}"/>`);
    out.push(
      `<text x="${WIDTH - PLOT.right + 40}" y="${ly + 11}">${escapeXml(s.name.length > 32 ? `${s.name.slice(0, 31)}…` : s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** The same chart as PNG, through resvg (a prebuilt native renderer shipped inside its npm package). */
export async function renderCostPng(report: CostReport): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const png = new Resvg(renderCostSvg(report), { background: '#ffffff', fitTo: { mode: 'width', value: WIDTH * 2 } })
    .render()
    .asPng();
  return Buffer.from(png);
}
