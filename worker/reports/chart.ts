/**
 * A grouped bar chart as inline SVG, drawn by the worker: no script, no style attribute (the CSP
 * allows neither), one bar per series and month. The chart is a picture of the table beside it,
 * which carries every figure for screen readers and keyboards; the picture says so in its label.
 * A missing value (a group too small to show) draws no bar.
 */
import { esc } from '../requests/page-fill';

/** Each colour has at least 3:1 contrast with the white page (WCAG 1.4.11); the legend names them. */
const COLOURS = ['#1f5f8b', '#b5541b', '#2e7d32', '#6a1b9a', '#8a6d00'];

export type ChartSeries = { name: string; values: (number | null)[] };

const W = 640;
const H = 220;
const LEFT = 56;
const BOTTOM = 28;
const TOP = 12;

function roundUp(max: number): number {
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  return Math.ceil(max / step) * step;
}

/** `labels` name the groups along the bottom (months); `label` is what the chart shows, for its accessible name. */
export function barChart(label: string, labels: string[], series: ChartSeries[], format: (n: number) => string): string {
  const top = roundUp(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const plotW = W - LEFT;
  const plotH = H - TOP - BOTTOM;
  const group = plotW / Math.max(1, labels.length);
  const bar = (group * 0.8) / Math.max(1, series.length);
  const y = (v: number) => TOP + plotH - (v / top) * plotH;
  const bars = series
    .flatMap((s, si) =>
      s.values.map((v, i) => {
        if (v === null || v <= 0) return '';
        const x = LEFT + i * group + group * 0.1 + si * bar;
        return `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${Math.max(1, bar - 1).toFixed(1)}" height="${(TOP + plotH - y(v)).toFixed(1)}" fill="${COLOURS[si % COLOURS.length]}"/>`;
      }),
    )
    .join('');
  const axis = [0, top / 2, top]
    .map((v) => `<line x1="${LEFT}" x2="${W}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#8a8a8a" stroke-width="0.5"/><text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#333">${esc(format(v))}</text>`)
    .join('');
  const every = Math.ceil(labels.length / 7);
  const ticks = labels
    .map((l, i) => (i % every === 0 ? `<text x="${(LEFT + i * group + group / 2).toFixed(1)}" y="${H - 8}" text-anchor="middle" font-size="11" fill="#333">${esc(l)}</text>` : ''))
    .join('');
  const legend = series.length > 1
    ? `<ul class="legend">${series.map((s, si) => `<li><svg width="12" height="12" aria-hidden="true" focusable="false"><rect width="12" height="12" fill="${COLOURS[si % COLOURS.length]}"/></svg> ${esc(s.name)}</li>`).join('')}</ul>`
    : '';
  return `<figure class="chart"><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(`${label}. The table beside the chart has every figure.`)}" focusable="false">${axis}${bars}${ticks}</svg>${legend}</figure>`;
}
