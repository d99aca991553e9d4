import { useEffect, useRef, useState } from 'react';
import type { CostReport } from './cost-types.js';
import { money, monthLabel } from './format.js';

/** Series colours that read on both the light and the dark background. */
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#9c755f'];
const SHOWN = 7;

/**
 * The bill per month as stacked bars, one series per group (the largest seven, the rest as "other"). chart.js is
 * imported here, when the chart is first drawn, so it stays out of the first page's bundle; only the pieces a
 * stacked bar chart needs are registered. The canvas is an image with a label; the table `describedBy` names
 * holds the same numbers as text.
 */
export function CostChart({ report, describedBy }: { report: CostReport; describedBy: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState<string | undefined>();
  const [scheme, setScheme] = useState(() => window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false);

  useEffect(() => {
    const query = window.matchMedia?.('(prefers-color-scheme: dark)');
    const onChange = (e: MediaQueryListEvent) => setScheme(e.matches);
    query?.addEventListener('change', onChange);
    return () => query?.removeEventListener('change', onChange);
  }, []);

  useEffect(() => {
    let chart: { destroy(): void } | undefined;
    let live = true;
    void import('chart.js')
      .then(({ Chart, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip }) => {
        if (!live || !canvas.current) return;
        Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);
        const style = getComputedStyle(document.documentElement);
        const text = style.getPropertyValue('--text').trim() || '#1b1f24';
        const grid = style.getPropertyValue('--border').trim() || '#d0d7de';
        const top = report.rows.slice(0, SHOWN);
        const rest = report.rows.slice(SHOWN);
        const datasets = top.map((row, i) => ({
          label: row.labels.join(' / '),
          data: row.monthly,
          backgroundColor: PALETTE[i % PALETTE.length] ?? '#888',
          stack: 'bill',
        }));
        if (rest.length > 0)
          datasets.push({
            label: `other (${rest.length})`,
            data: report.months.map((_, m) => rest.reduce((s, r) => s + (r.monthly[m] ?? 0), 0)),
            backgroundColor: '#8b949e',
            stack: 'bill',
          });
        chart = new Chart(canvas.current, {
          type: 'bar',
          data: { labels: report.months.map(monthLabel), datasets },
          options: {
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            color: text,
            scales: {
              x: { stacked: true, ticks: { color: text }, grid: { color: grid } },
              y: {
                stacked: true,
                ticks: { color: text, callback: (v) => money(Number(v), report.unit) },
                grid: { color: grid },
              },
            },
            plugins: {
              legend: { position: 'bottom', labels: { color: text } },
              tooltip: {
                callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${money(Number(item.raw), report.unit)}` },
              },
            },
          },
        });
      })
      .catch((err: unknown) => live && setFailed(String(err)));
    return () => {
      live = false;
      chart?.destroy();
    };
  }, [report, scheme]);

  const by = report.by.join(' and ');
  return (
    <figure className="cost-chart">
      <div className="cost-chart-box">
        <canvas
          ref={canvas}
          role="img"
          aria-label={`Stacked bars: the bill per month by ${by}, ${report.months.length} months. The table below has the same numbers.`}
          aria-describedby={describedBy}
        />
      </div>
      <figcaption>
        {failed ? `The chart could not be drawn (${failed}); the table has every number.` : `Per month, by ${by}.`}
      </figcaption>
    </figure>
  );
}
