/**
 * The usage page: loads the customer's meters and draws the chosen series as a chart and a table,
 * writing in the page's language (<html lang>): words from usage-words.ts, numbers and dates via Intl.
 */
import { drawChart, type ChartMarker, type ChartPoint } from './usage-chart';
import { pageLocale, usageFormats, usageWords, type UsageFormats, type UsageWords } from './usage-words';

type Meter = { id: string; kind: 'water' | 'electric' | 'gas'; unit: string; intervalMinutes: number; street: string; units: string[]; firstDay: string | null; lastDay: string | null };
type Point = ChartPoint & { start: string; end: string; intervals: number; missingIntervals: number; estimatedIntervals: number };
type Series = {
  unit: string;
  resolution: string;
  from: string;
  to: string;
  points: Point[];
  totals: { value: number; lastYear: number | null; missingIntervals: number; estimatedIntervals: number };
  similarHomes: { available: boolean; note: string };
  /** The days this login may see of the meter (its accounts' tenure); null ends are open. */
  tenure: { from: string | null; to: string | null }[];
  /** Measures installed in the range (approved program and rebate applications), oldest first. */
  measures: { on: string; title: string }[];
};


const $ = <T = HTMLElement>(id: string) => document.getElementById(id) as unknown as T;

function addDays(day: string, n: number) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Whether point `label` ("2026-03-08T01:00", "2026-03-08", "2026-03", "2026-02-01 – 2026-02-28") covers local day `day`. */
export function labelCovers(label: string, day: string) {
  const [first, last] = label.split(' – ');
  if (last) return first! <= day && day <= last;
  return label.length === 7 ? day.startsWith(label) : label.slice(0, 10) === day;
}

/** How `now` compares with `before`: "less" or "more" by a whole percentage, or "same"; null with nothing to compare. */
export function compare(now: number, before: number): { direction: 'less' | 'more' | 'same'; fraction: number } | null {
  if (before <= 0) return null;
  const pct = Math.round(((now - before) / before) * 100);
  if (pct === 0) return { direction: 'same', fraction: 0 };
  return { direction: pct < 0 ? 'less' : 'more', fraction: Math.abs(pct) / 100 };
}

/** "12% less than", "8% more than", "about the same as" (and the Spanish). */
export function comparison(now: number, before: number, words: UsageWords = usageWords.en, f: UsageFormats = usageFormats('en')) {
  const c = compare(now, before);
  if (!c) return null;
  return c.direction === 'same' ? words.same : words[c.direction](f.percent(c.fraction));
}

async function getJson<T>(url: string): Promise<{ status: number; body: T | null }> {
  const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  return { status: res.status, body: res.ok ? ((await res.json()) as T) : null };
}

export async function startUsagePage() {
  const locale = pageLocale();
  const w = usageWords[locale];
  const f = usageFormats(locale);
  const { longDate } = f;
  const unitNames = w.units;
  const kindNames = w.kinds;
  const resolutionNames = w.resolutions;
  const chartText = {
    number: f.number,
    label: f.label,
    shortLabel: f.shortLabel,
    quality: (q: string) => w.qualityWord[q] ?? q,
  };
  const status = $('usage-status');
  const form = $<HTMLFormElement>('usage-controls');
  const meterSelect = $<HTMLSelectElement>('usage-meter');
  const resolution = $<HTMLSelectElement>('usage-resolution');
  const range = $<HTMLSelectElement>('usage-range');
  const from = $<HTMLInputElement>('usage-from');
  const to = $<HTMLInputElement>('usage-to');
  const unit = $<HTMLSelectElement>('usage-unit');
  const lastYear = $<HTMLInputElement>('usage-last-year');
  const similar = $<HTMLInputElement>('usage-similar');

  const list = await getJson<{ meters: Meter[] }>('/api/usage/meters');
  if (list.status === 401) {
    // The words and the sign-in page's address in this language, as the page was built (Usage.astro).
    const d = status.dataset;
    const link = Object.assign(document.createElement('a'), { href: `${d.signInHref ?? '/login/'}?next=${encodeURIComponent(window.location.pathname)}`, textContent: d.signInLink ?? 'sign in' });
    if (d.signInEnglish) link.hreflang = 'en';
    status.replaceChildren(`${d.signInBefore ?? 'Please'} `, link, ...(d.signInEnglish ? [' ', Object.assign(document.createElement('span'), { className: 'lang-note', textContent: d.signInEnglish })] : []), ` ${d.signInAfter ?? 'to see your usage.'}`);
    return;
  }
  if (!list.body) {
    status.textContent = w.cannotLoad;
    return;
  }
  const meters = list.body.meters;
  if (meters.length === 0) {
    status.textContent = w.noMeters;
    return;
  }
  for (const m of meters) meterSelect.add(new Option(w.meterAt(m.kind, m.street), m.id));

  const meter = () => meters.find((m) => m.id === meterSelect.value)!;
  const fillUnits = () => {
    unit.replaceChildren(...meter().units.map((u) => new Option(unitNames[u] ?? u, u)));
  };
  const lastDay = () => meter().lastDay ?? new Date().toISOString().slice(0, 10);
  const currentRange = () => {
    if (range.value === 'custom' && from.value && to.value) return { from: from.value, to: to.value };
    const days = range.value === 'custom' ? 30 : Number(range.value);
    let start = addDays(lastDay(), -(days - 1));
    // By month, start at a month's first day so no month is cut short at the left edge.
    if (resolution.value === 'month' && !start.endsWith('-01')) start = addDays(`${addDays(`${start.slice(0, 7)}-28`, 4).slice(0, 7)}-01`, 0);
    return { from: start, to: lastDay() };
  };
  fillUnits();
  form.hidden = false;
  status.textContent = '';

  let request = 0;
  async function render() {
    const mine = ++request;
    const r = currentRange();
    $('usage-dates').hidden = range.value !== 'custom';
    if (range.value !== 'custom') {
      from.value = r.from;
      to.value = r.to;
    }
    status.textContent = w.loading;
    const q = new URLSearchParams({ from: r.from, to: r.to, resolution: resolution.value, unit: unit.value });
    const { status: code, body } = await getJson<Series>(`/api/usage/meters/${encodeURIComponent(meter().id)}/series?${q}`);
    if (mine !== request) return;
    if (!body) {
      status.textContent = code === 422 ? w.tooLong : w.cannotLoadNow;
      $('usage-result').hidden = true;
      return;
    }
    status.textContent = '';
    show(body);
    void monthSummary();
  }

  function show(s: Series) {
    const m = meter();
    const unitLabel = unitNames[s.unit] ?? s.unit;
    const showLastYear = lastYear.checked;
    const showSimilar = similar.checked && s.similarHomes.available;
    $('usage-result').hidden = false;

    // Summary sentence for the range.
    const cmp = s.totals.lastYear !== null ? comparison(s.totals.value, s.totals.lastYear, w, f) : null;
    let sentence = w.used(longDate(s.from), longDate(s.to), f.number(s.totals.value), unitLabel, kindNames[m.kind] ?? m.kind);
    sentence += cmp ? w.comparedLastYear(cmp) : w.noLastYear;
    if (s.totals.missingIntervals > 0) {
      const n = s.totals.missingIntervals;
      sentence += n === 1 ? w.missingOne : w.missingMany(f.count(n));
    }
    // A service point that changed hands: only the days of this account's tenure are shown.
    const movedIn = s.tenure.find((t) => t.from !== null && t.from > s.from)?.from;
    const movedOut = s.tenure.find((t) => t.to !== null && t.to < s.to)?.to;
    if (movedIn) sentence += w.movedIn(longDate(movedIn));
    if (movedOut) sentence += w.movedOut(longDate(movedOut));
    $('usage-summary').textContent = sentence;

    // Measures installed: a line on the chart, and the same in words under it and in the table.
    const measures = s.measures;
    const installed = (x: { on: string; title: string }) => w.installed(longDate(x.on), x.title);
    // By hour or read, the day's first bucket: where the day starts.
    const placed = measures.map((x) => ({ ...x, index: s.points.findIndex((p) => labelCovers(p.label, x.on)) })).filter((x) => x.index >= 0);
    const markers: ChartMarker[] = placed.map((x) => ({ index: x.index, label: x.title, description: installed(x) }));
    const measuresText = measures.map((x) => ` ${installed(x)}.`).join('');
    drawChart($('usage-chart'), s.points, {
      unitLabel,
      showLastYear,
      showSimilar,
      markers,
      text: chartText,
      title: `${w.chartTitle(kindNames[m.kind] ?? m.kind, resolutionNames[s.resolution] ?? s.resolution, unitLabel, longDate(s.from), longDate(s.to), showLastYear, showSimilar)}${measuresText}${w.chartTable}`,
    });
    document.querySelector('.legend-last-year')!.toggleAttribute('hidden', !showLastYear);
    document.querySelector('.legend-similar')!.toggleAttribute('hidden', !showSimilar);
    document.querySelector('.legend-measure')!.toggleAttribute('hidden', measures.length === 0);
    const measureList = $('usage-measures');
    measureList.replaceChildren(...measures.map((x) => Object.assign(document.createElement('li'), { textContent: installed(x) })));
    measureList.hidden = measures.length === 0;
    $('usage-similar-note').textContent = similar.checked ? s.similarHomes.note : '';

    // Table: the same numbers.
    const kind = kindNames[m.kind] ?? m.kind;
    $('usage-table-caption').textContent = w.caption(kind, resolutionNames[s.resolution] ?? s.resolution, longDate(s.from), longDate(s.to), unitLabel);
    $('usage-col-use').textContent = w.yourUse(unitLabel);
    const table = $<HTMLTableElement>('usage-table');
    table.classList.toggle('hide-last-year', !showLastYear);
    table.classList.toggle('hide-similar', !similar.checked);
    const rows = s.points.map((p, i) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = f.label(p.label);
      for (const x of placed.filter((x) => x.index === i)) {
        th.appendChild(document.createElement('br'));
        th.appendChild(Object.assign(document.createElement('span'), { className: 'usage-measure-note', textContent: installed(x) }));
      }
      const cell = (v: number | null, cls?: string) => {
        const td = document.createElement('td');
        td.className = `num${cls ? ` ${cls}` : ''}`;
        td.textContent = v === null ? '—' : f.number(v);
        return td;
      };
      const note = document.createElement('td');
      note.textContent =
        p.quality === 'actual'
          ? w.quality.actual
          : p.quality === 'estimated'
            ? w.quality.estimated(f.count(p.estimatedIntervals))
            : p.quality === 'missing'
              ? w.quality.missing
              : p.quality === 'not_held'
                ? w.quality.notHeld
                : w.quality.partial(f.count(p.missingIntervals), f.count(p.intervals));
      for (const child of [th, cell(p.value), cell(p.lastYear, 'col-last-year'), cell(p.similarHomes, 'col-similar'), note]) tr.appendChild(child);
      return tr;
    });
    table.tBodies[0]!.replaceChildren(...rows);

    const ex = new URLSearchParams({ from: s.from, to: s.to });
    $<HTMLAnchorElement>('usage-csv').href = `/api/usage/meters/${encodeURIComponent(m.id)}/export.csv?${ex}&unit=${encodeURIComponent(s.unit)}`;
    $<HTMLAnchorElement>('usage-xml').href = `/api/usage/meters/${encodeURIComponent(m.id)}/export.xml?${ex}`;
  }

  /** "You used 12% less water in October 2026 than in October 2025." for the last complete month. */
  async function monthSummary() {
    const m = meter();
    const end = lastDay();
    const month = addDays(end, 1).endsWith('-01') ? end.slice(0, 7) : addDays(`${end.slice(0, 7)}-01`, -1).slice(0, 7);
    const last = addDays(`${addDays(`${month}-28`, 4).slice(0, 7)}-01`, -1);
    const q = new URLSearchParams({ from: `${month}-01`, to: last, resolution: 'month', unit: unit.value });
    const { body } = await getJson<Series>(`/api/usage/meters/${encodeURIComponent(m.id)}/series?${q}`);
    const p = body?.points[0];
    const target = $('usage-month-summary');
    if (!p || p.value === null || p.lastYear === null) {
      target.textContent = '';
      return;
    }
    const cmp = compare(p.value, p.lastYear);
    const previous = `${Number(month.slice(0, 4)) - 1}${month.slice(4)}`;
    target.textContent = cmp ? w.month(cmp.direction, f.percent(cmp.fraction), kindNames[m.kind] ?? m.kind, f.monthName(month), f.monthName(previous)) : '';
  }

  meterSelect.addEventListener('change', () => {
    fillUnits();
    void render();
  });
  for (const control of [resolution, unit, lastYear, similar, from, to]) control.addEventListener('change', () => void render());
  range.addEventListener('change', () => {
    // Keep a sensible level of detail for the range chosen.
    const days = Number(range.value);
    if (days >= 395 && (resolution.value === 'native' || resolution.value === 'hour')) resolution.value = 'month';
    if (days <= 2 && resolution.value === 'month') resolution.value = 'hour';
    void render();
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  // A bill's page links here with its period (?from=…&to=…): open on those days, day by day.
  const asked = new URLSearchParams(window.location.search);
  const [askedFrom, askedTo] = [asked.get('from'), asked.get('to')];
  const isDay = (value: string | null): value is string => value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value);
  if (isDay(askedFrom) && isDay(askedTo) && askedFrom <= askedTo) {
    range.value = 'custom';
    from.value = askedFrom;
    to.value = askedTo;
    resolution.value = 'day';
  }
  await render();
}
