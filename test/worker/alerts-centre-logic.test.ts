/**
 * The alert centre's domain logic on its own, without HTTP or a database: de-identified counts
 * (never a group under 10 homes, not even by subtraction), use before and after an action, the
 * chart, the months staff may count, and the answers and actions that fit each alert.
 */
import { describe, expect, it } from 'vitest';
import { beforeAfter, readSpan } from '../../worker/alerts/centre/before-after';
import { alertChartSvg } from '../../worker/alerts/centre/chart-svg';
import { actionsFor, answersFor } from '../../worker/alerts/centre/vocabulary';
import { countableMonths, typeCounts } from '../../worker/alerts/staff/counts';
import { MIN_HOMES, protectCells, type Member } from '../../worker/alerts/staff/deidentify';
import { addDays, eachDay } from '../../worker/usage/time';

const homes = (prefix: string, n: number, alerts = 1): Member[] => Array.from({ length: n }, (_, i) => ({ home: `${prefix}-${i}`, alerts }));

/** Every figure shown, and every difference between the total and a sum of shown cells. */
function publishedGroups(p: ReturnType<typeof protectCells>): number[] {
  if (p.withheld) return [];
  const shown = p.cells.map((c) => c.homes);
  const out = [p.total.homes, ...shown, ...(p.other ? [p.other.homes] : [])];
  // total minus any subset of shown cells
  for (let mask = 1; mask < 1 << shown.length; mask++) out.push(p.total.homes - shown.filter((_, i) => mask & (1 << i)).reduce((a, b) => a + b, 0));
  return out.filter((n) => n !== 0);
}

describe('de-identified counts', () => {
  it('shows cells of at least 10 homes and pools the rest', () => {
    const p = protectCells(new Map([['North', homes('n', 25)], ['South', homes('s', 12, 2)], ['East', homes('e', 6)], ['West', homes('w', 5)]]));
    expect(p).toEqual({ withheld: false, total: { homes: 48, alerts: 60 }, cells: [{ key: 'North', homes: 25, alerts: 25 }, { key: 'South', homes: 12, alerts: 24 }], other: { homes: 11, alerts: 11 } });
  });

  it('grows a pool under 10 homes with the smallest shown cell, so no small group can be had by subtraction', () => {
    const p = protectCells(new Map([['North', homes('n', 30)], ['South', homes('s', 11)], ['East', homes('e', 3)]]));
    expect(p.withheld).toBe(false);
    if (p.withheld) return;
    expect(p.cells.map((c) => c.key)).toEqual(['North']);
    expect(p.other).toEqual({ homes: 14, alerts: 14 });
    expect(Math.min(...publishedGroups(p))).toBeGreaterThanOrEqual(MIN_HOMES);
  });

  it('withholds everything, the total too, for fewer than 10 homes', () => {
    expect(protectCells(new Map([['North', homes('n', 9)]]))).toEqual({ withheld: true, reason: 'fewer than 10 homes' });
  });

  it('never publishes a group under 10 homes, whatever the split', () => {
    // A deterministic sweep of splits of up to five cells.
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let trial = 0; trial < 500; trial++) {
      const cells = new Map(Array.from({ length: 1 + rand(5) }, (_, i) => [`c${i}`, homes(`c${i}`, 1 + rand(30))] as const));
      for (const n of publishedGroups(protectCells(cells))) expect(n).toBeGreaterThanOrEqual(MIN_HOMES);
    }
  });

  it('counts each home once per type, by area and by the answer to its latest alert', () => {
    const rows = [
      ...Array.from({ length: 12 }, (_, i) => ({ type: 'continuous_flow' as const, area: 'North', home: `n${i}`, firstDay: '2026-09-03', id: `a${i}`, answer: 'fixed' as const })),
      // n0 had a second alert later in the month, answered "not a leak": it counts once, under that answer.
      { type: 'continuous_flow' as const, area: 'North', home: 'n0', firstDay: '2026-09-20', id: 'b0', answer: 'not_a_leak' as const },
    ];
    const t = typeCounts('continuous_flow', rows);
    expect(t.byArea).toEqual({ withheld: false, total: { homes: 12, alerts: 13 }, cells: [{ key: 'North', homes: 12, alerts: 13 }], other: null });
    // 11 fixed, 1 not a leak: the lone answer is pooled with the fixed ones rather than shown.
    expect(t.byAnswer).toEqual({ withheld: false, total: { homes: 12, alerts: 13 }, cells: [], other: { homes: 12, alerts: 13 } });
  });

  it('counts only months that have ended, in the utility\'s time zone', () => {
    // 06:30 UTC on 1 November is still 31 October in California (UTC-7 until 2 a.m. that day).
    expect(countableMonths('America/Los_Angeles', new Date('2026-11-01T06:30:00Z'))[0]).toBe('2026-09');
    expect(countableMonths('America/Los_Angeles', new Date('2026-11-01T07:30:00Z'))[0]).toBe('2026-10');
    expect(countableMonths('America/Los_Angeles', new Date('2026-01-15T12:00:00Z')).slice(0, 2)).toEqual(['2025-12', '2025-11']);
    expect(countableMonths('America/Los_Angeles')).toHaveLength(24);
  });
});

describe('use before and after an action', () => {
  const day = (d: string, total: number, missing = 0) => ({ day: d, total, missing });
  const series = (from: string, to: string, f: (d: string) => number) => eachDay(from, to).map((d) => day(d, f(d)));

  it('compares the complete days of the two weeks before with those since, leaving out the day itself', () => {
    const days = series('2026-09-01', '2026-10-20', (d) => (d < '2026-10-10' ? 300 : d === '2026-10-10' ? 1000 : 150));
    const r = beforeAfter(days, '2026-10-10', '2026-10-20');
    expect(r).toEqual({ status: 'compared', before: { from: '2026-09-26', to: '2026-10-09', days: 14, perDay: 300 }, after: { from: '2026-10-11', to: '2026-10-20', days: 10, perDay: 150 }, change: -0.5 });
  });

  it('does not count a day with a missing read as a low day', () => {
    const days = [...series('2026-09-20', '2026-10-09', () => 300), day('2026-10-11', 100, 2), day('2026-10-12', 280), day('2026-10-13', 290)];
    const r = beforeAfter(days, '2026-10-10', '2026-10-13');
    expect(r.after).toMatchObject({ days: 2, perDay: 285 });
  });

  it('waits for enough days on each side', () => {
    expect(beforeAfter(series('2026-10-08', '2026-10-15', () => 5), '2026-10-10', '2026-10-15').status).toBe('not_enough_before');
    expect(beforeAfter(series('2026-09-01', '2026-10-11', () => 5), '2026-10-10', '2026-10-11').status).toBe('not_enough_after');
    expect(readSpan(['2026-10-10', '2026-09-30'])).toEqual({ from: addDays('2026-09-30', -14), to: addDays('2026-10-10', 14) });
  });
});

describe('the alert chart', () => {
  it('draws bars, estimated bars, a tick for a missing read (never a zero bar), the alert band and the limit', () => {
    const svg = alertChartSvg(
      [
        { label: '2026-10-01', value: 100, quality: 'actual', inEpisode: false },
        { label: '2026-10-02', value: null, quality: 'missing', inEpisode: true },
        { label: '2026-10-03', value: 600, quality: 'estimated', inEpisode: true },
      ],
      { title: 'Daily use', titleId: 't', unitLabel: 'gallons', threshold: { value: 500, label: 'Your limit: 500' } },
    );
    expect(svg).toContain('<title id="t">Daily use</title>');
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(1);
    expect(svg.match(/<rect class="bar bar-estimated"/g)).toHaveLength(1);
    expect(svg).toContain('<rect class="bar-missing"');
    expect(svg).toContain('2026-10-02: no read');
    expect(svg.match(/<rect class="episode-band"/g)).toHaveLength(1);
    expect(svg).toContain('class="line-threshold"');
    expect(svg).not.toMatch(/style=/);
  });

  it('escapes what it draws', () => {
    expect(alertChartSvg([], { title: '<b>', titleId: 'x"y', unitLabel: 'gal' })).toContain('<title id="x&quot;y">&lt;b&gt;</title>');
  });
});

describe('alert words', () => {
  it('offers answers and actions that fit the alert', () => {
    expect(answersFor('intermittent_leak')).toEqual(['fixed', 'not_a_leak', 'need_help']);
    expect(answersFor('bill_forecast')).toEqual(['fixed', 'expected_use', 'need_help']);
    expect(actionsFor('high_use_day', 'electric')).toContain('thermostat');
    expect(actionsFor('high_use_day', 'water')).not.toContain('thermostat');
  });
});
