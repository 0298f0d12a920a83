/**
 * The alert's small chart, drawn on the server as an SVG string so the alert page shows it with
 * JavaScript off. The same drawing as the usage page's chart (site/scripts/usage-chart.ts): bars for
 * use, lighter bars for estimated reads, a grey tick under the axis for a missing read (never a
 * zero bar). Added here: a band behind the days the alert is about, and the customer's threshold as
 * a line when the alert compares with one. Colours come from classes in the site's stylesheets
 * (usage.css, alerts.css): the CSP forbids inline styles. The page's table carries the same numbers.
 */
import { intlTags } from '../../../site/i18n';
import type { Locale } from '../../i18n/locale';
import { esc as escapeHtml } from '../../requests/page-fill';

export type AlertChartPoint = { label: string; value: number | null; quality: string; inEpisode: boolean };

const W = 640;
const H = 240;
const M = { top: 14, right: 12, bottom: 40, left: 56 };

export function niceScale(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.25 };
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

/** An amount in a page's language: whole from 100 up, else up to two decimals. */
export const formatAmount = (v: number, locale: Locale = 'en') =>
  Math.abs(v) >= 100 ? Math.round(v).toLocaleString(intlTags[locale]) : v.toLocaleString(intlTags[locale], { maximumFractionDigits: 2 });

/** "2026-10-02T03:00" → "Oct 2, 3:00 AM" / "2 oct, 3:00 a.m."; "2026-10-02" → "Oct 2" / "2 oct". */
export function shortLabel(label: string, locale: Locale = 'en'): string {
  const tag = intlTags[locale];
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(label)) return new Date(`${label}:00Z`).toLocaleString(tag, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });
  if (/^\d{4}-\d{2}-\d{2}$/.test(label)) return new Date(`${label}T12:00:00Z`).toLocaleDateString(tag, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  return label;
}

const n = (v: number) => Math.round(v * 10) / 10;

export function alertChartSvg(
  points: readonly AlertChartPoint[],
  options: { title: string; titleId: string; unitLabel: string; threshold?: { value: number; label: string } | null; locale?: Locale; label?: (label: string) => string; quality?: (q: string) => string; noRead?: string },
): string {
  const threshold = options.threshold ?? null;
  const locale = options.locale ?? 'en';
  const amount = (v: number) => formatAmount(v, locale);
  const pointLabel = options.label ?? ((label: string) => label);
  const quality = options.quality ?? ((q: string) => q);
  const { top, step } = niceScale(Math.max(0, ...points.map((p) => p.value ?? 0), threshold?.value ?? 0));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const slot = plotW / Math.max(1, points.length);
  const x = (i: number) => M.left + i * slot;
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  const parts: string[] = [];
  parts.push(`<svg viewBox="0 0 ${W} ${H}" role="img" class="usage-svg alert-svg" aria-labelledby="${escapeHtml(options.titleId)}"><title id="${escapeHtml(options.titleId)}">${escapeHtml(options.title)}</title>`);

  // The days the alert is about, as one band per run of points.
  const bands: string[] = [];
  let start = -1;
  points.forEach((p, i) => {
    if (p.inEpisode && start < 0) start = i;
    if ((!p.inEpisode || i === points.length - 1) && start >= 0) {
      const end = p.inEpisode ? i + 1 : i;
      bands.push(`<rect class="episode-band" x="${n(x(start))}" y="${M.top}" width="${n((end - start) * slot)}" height="${plotH}"/>`);
      start = -1;
    }
  });
  parts.push(`<g aria-hidden="true">${bands.join('')}</g>`);

  const grid: string[] = [];
  for (let v = 0; v <= top + step / 2; v += step) {
    grid.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${n(y(v))}" y2="${n(y(v))}"/><text x="${M.left - 6}" y="${n(y(v) + 4)}" text-anchor="end" class="tick">${escapeHtml(amount(v))}</text>`);
  }
  const mid = M.top + plotH / 2;
  grid.push(`<text x="12" y="${n(mid)}" class="axis-label" transform="rotate(-90 12 ${n(mid)})" text-anchor="middle">${escapeHtml(options.unitLabel)}</text>`);
  parts.push(`<g class="grid" aria-hidden="true">${grid.join('')}</g>`);

  const bars = points.map((p, i) => {
    if (p.value === null) {
      return `<rect class="bar-missing" x="${n(x(i) + slot * 0.2)}" y="${M.top + plotH + 2}" width="${n(Math.max(1, slot * 0.6))}" height="4"><title>${escapeHtml(`${pointLabel(p.label)}: ${options.noRead ?? 'no read'}`)}</title></rect>`;
    }
    const cls = p.quality === 'actual' ? 'bar' : 'bar bar-estimated';
    const h = Math.max(0, M.top + plotH - y(p.value));
    return `<rect class="${cls}" x="${n(x(i) + slot * 0.12)}" y="${n(y(p.value))}" width="${n(Math.max(1, slot * 0.76))}" height="${n(h)}"><title>${escapeHtml(`${pointLabel(p.label)}: ${amount(p.value)} ${options.unitLabel}${p.quality === 'actual' ? '' : ` (${quality(p.quality)})`}`)}</title></rect>`;
  });
  parts.push(`<g class="use" aria-hidden="true">${bars.join('')}</g>`);

  if (threshold) {
    const ty = n(y(threshold.value));
    parts.push(`<g aria-hidden="true"><line class="line-threshold" x1="${M.left}" x2="${W - M.right}" y1="${ty}" y2="${ty}"/><text class="tick threshold-label" x="${W - M.right}" y="${n(ty - 4)}" text-anchor="end">${escapeHtml(threshold.label)}</text></g>`);
  }

  const every = Math.max(1, Math.ceil(points.length / 6));
  const labels = points
    .map((p, i) => (i % every === 0 ? `<text x="${n(x(i) + slot / 2)}" y="${H - M.bottom + 18}" text-anchor="middle" class="tick">${escapeHtml(shortLabel(p.label, locale))}</text>` : ''))
    .join('');
  parts.push(`<g class="x-labels" aria-hidden="true">${labels}</g>`);
  parts.push(`<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${M.top + plotH}" y2="${M.top + plotH}" aria-hidden="true"/></svg>`);
  return parts.join('');
}
