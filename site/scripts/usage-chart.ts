/**
 * A small SVG usage chart: bars (or an area when there are many points) for the customer's use,
 * a dashed line for the same period last year and a dotted line for similar homes. Missing
 * periods show as a grey tick under the axis, never as a zero bar. A measure the customer installed
 * is a solid vertical line through its bucket, so the before and after can be seen. Colours come
 * from classes in usage.css (the CSP forbids inline styles).
 */
export type ChartPoint = { label: string; value: number | null; quality: string; lastYear: number | null; similarHomes: number | null };
/** A line through point `index`: `label` is shown beside it, `description` is its tooltip. */
export type ChartMarker = { index: number; label: string; description: string };
/** How the chart writes numbers, labels and a read's quality: in the page's language (usage-words.ts). */
export type ChartText = { number: (v: number) => string; label: (label: string) => string; shortLabel: (label: string) => string; quality: (q: string) => string };

const NS = 'http://www.w3.org/2000/svg';
const W = 880;
const H = 320;
const M = { top: 16, right: 16, bottom: 44, left: 64 };

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent?.appendChild(node);
  return node;
}

function niceMax(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 0.25 };
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

export function drawChart(container: HTMLElement, points: ChartPoint[], options: { unitLabel: string; showLastYear: boolean; showSimilar: boolean; title: string; markers?: ChartMarker[]; text: ChartText }) {
  const { number: formatNumber, label: fullLabel, shortLabel, quality } = options.text;
  container.replaceChildren();
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'usage-svg', 'aria-labelledby': 'usage-chart-title' }, container);
  const title = el('title', { id: 'usage-chart-title' }, svg);
  title.textContent = options.title;

  const values = points.flatMap((p) => [p.value ?? 0, options.showLastYear ? (p.lastYear ?? 0) : 0, options.showSimilar ? (p.similarHomes ?? 0) : 0]);
  const { top, step } = niceMax(Math.max(0, ...values));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const n = Math.max(1, points.length);
  const slot = plotW / n;
  const x = (i: number) => M.left + i * slot;
  const y = (v: number) => M.top + plotH - (v / top) * plotH;

  // Grid and y axis.
  const grid = el('g', { class: 'grid', 'aria-hidden': 'true' }, svg);
  for (let v = 0; v <= top + step / 2; v += step) {
    el('line', { x1: M.left, x2: W - M.right, y1: y(v), y2: y(v) }, grid);
    const t = el('text', { x: M.left - 8, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, grid);
    t.textContent = formatNumber(v);
  }
  const unit = el('text', { x: 12, y: M.top + plotH / 2, class: 'axis-label', transform: `rotate(-90 12 ${M.top + plotH / 2})`, 'text-anchor': 'middle' }, grid);
  unit.textContent = options.unitLabel;

  // Use: bars when they are wide enough to see, else an area.
  const use = el('g', { class: 'use', 'aria-hidden': 'true' }, svg);
  if (slot >= 3) {
    points.forEach((p, i) => {
      if (p.value === null) {
        // Days that were another account's (not_held) are not missing reads: no mark.
        if (p.quality !== 'not_held') el('rect', { x: x(i) + slot * 0.2, y: M.top + plotH + 2, width: Math.max(1, slot * 0.6), height: 4, class: 'bar-missing' }, use);
        return;
      }
      const cls = p.quality === 'actual' ? 'bar' : 'bar bar-estimated';
      const r = el('rect', { x: x(i) + slot * 0.12, y: y(p.value), width: Math.max(1, slot * 0.76), height: Math.max(0, M.top + plotH - y(p.value)), class: cls }, use);
      el('title', {}, r).textContent = `${fullLabel(p.label)}: ${formatNumber(p.value)} ${options.unitLabel}${p.quality === 'actual' ? '' : ` (${quality(p.quality)})`}`;
    });
  } else {
    let d = '';
    let open = false;
    points.forEach((p, i) => {
      const cx = x(i) + slot / 2;
      if (p.value === null) {
        if (open) d += ` L${x(i)},${M.top + plotH} Z`;
        open = false;
        if (p.quality !== 'not_held') el('rect', { x: x(i), y: M.top + plotH + 2, width: Math.max(1, slot), height: 4, class: 'bar-missing' }, use);
        return;
      }
      d += open ? ` L${cx},${y(p.value)}` : ` M${cx},${M.top + plotH} L${cx},${y(p.value)}`;
      open = true;
      if (i === points.length - 1) d += ` L${cx},${M.top + plotH} Z`;
    });
    if (open && !d.endsWith('Z')) d += ` L${x(points.length)},${M.top + plotH} Z`;
    el('path', { d: d.trim(), class: 'area' }, use);
  }

  const line = (key: 'lastYear' | 'similarHomes', cls: string) => {
    let d = '';
    let pen = false;
    points.forEach((p, i) => {
      const v = p[key];
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i) + slot / 2},${y(v)} `;
      pen = true;
    });
    if (d) el('path', { d: d.trim(), class: cls, 'aria-hidden': 'true' }, svg);
  };
  if (options.showLastYear) line('lastYear', 'line-last-year');
  if (options.showSimilar) line('similarHomes', 'line-similar');

  // Measures: a white casing under the line keeps it visible over bars of any colour.
  (options.markers ?? []).forEach((m, k) => {
    const mx = x(m.index) + slot / 2;
    const g = el('g', { class: 'marker', 'aria-hidden': 'true' }, svg);
    el('title', {}, g).textContent = m.description;
    el('line', { x1: mx, x2: mx, y1: M.top, y2: M.top + plotH, class: 'marker-casing' }, g);
    el('line', { x1: mx, x2: mx, y1: M.top, y2: M.top + plotH, class: 'marker-line' }, g);
    // Labels of several measures stack down, and flip to the line's left past the middle.
    const right = mx < M.left + plotW / 2;
    const t = el('text', { x: right ? mx + 5 : mx - 5, y: M.top + 12 + k * 15, 'text-anchor': right ? 'start' : 'end', class: 'marker-label' }, g);
    t.textContent = m.label;
  });

  // X labels: at most ~8, evenly spaced.
  const labels = el('g', { class: 'x-labels', 'aria-hidden': 'true' }, svg);
  const every = Math.max(1, Math.ceil(points.length / 8));
  points.forEach((p, i) => {
    if (i % every !== 0) return;
    const t = el('text', { x: x(i) + slot / 2, y: H - M.bottom + 20, 'text-anchor': 'middle', class: 'tick' }, labels);
    t.textContent = shortLabel(p.label);
  });
  el('line', { x1: M.left, x2: W - M.right, y1: M.top + plotH, y2: M.top + plotH, class: 'axis' }, svg);
}
