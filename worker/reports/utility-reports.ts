/**
 * The utility's own reports, apart from HTTP: what each figure means and the rule that keeps them
 * de-identified. Any figure about homes (use by area, alerts, program uptake) is shown only for a
 * group of at least MIN_GROUP homes; a smaller group is "fewer than 10", never its number, so no
 * report can point at one household. Consent and visit figures count choices and page views, with
 * no household behind them.
 */
import type { MeterKind } from '../usage/units';

export const MIN_GROUP = 10;

/** A count of homes as it may be shown: the number, or null for a group too small to show. */
export const shownCount = (homes: number): number | null => (homes >= MIN_GROUP ? homes : null);

/** The months a report covers: the last `count` local calendar months, oldest first, as YYYY-MM. */
export function lastMonths(today: string, count = 13): string[] {
  const [year, month] = today.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(year, month - 1 - (count - 1 - i), 1));
    return d.toISOString().slice(0, 7);
  });
}

export type AreaMonthRow = { kind: MeterKind; area: string; month: string; total: number; homeDays: number; fewestHomes: number };
export type AreaMonth = { kind: MeterKind; area: string; month: string; homes: number | null; perHomePerDay: number | null };

/** One day of an area's comparison aggregate as one usage shard holds it (its own homes only). */
export type ShardAreaDay = { kind: MeterKind; area: string; day: string; homes: number; total: number };

/**
 * The shards' daily aggregates added up per area and day first (each shard counts only its own
 * homes, so the minimum group size applies to the sum), then per month, in kind, area, month order.
 */
export function areaMonthRows(days: readonly ShardAreaDay[]): AreaMonthRow[] {
  const summed = new Map<string, ShardAreaDay>();
  for (const d of days) {
    const key = `${d.kind}\u0000${d.area}\u0000${d.day}`;
    const s = summed.get(key);
    if (s) {
      s.homes += d.homes;
      s.total += d.total;
    } else summed.set(key, { ...d });
  }
  const months = new Map<string, AreaMonthRow>();
  for (const d of summed.values()) {
    const month = d.day.slice(0, 7);
    const key = `${d.kind}\u0000${d.area}\u0000${month}`;
    const m = months.get(key);
    if (m) {
      m.total += d.total;
      m.homeDays += d.homes;
      m.fewestHomes = Math.min(m.fewestHomes, d.homes);
    } else months.set(key, { kind: d.kind, area: d.area, month, total: d.total, homeDays: d.homes, fewestHomes: d.homes });
  }
  const order = (r: AreaMonthRow) => `${r.kind}\u0000${r.area}\u0000${r.month}`;
  return [...months.values()].sort((a, b) => (order(a) < order(b) ? -1 : 1));
}

/**
 * Average daily use per home in each area and month, from the comparison aggregates (complete days
 * only). A month is shown only when every one of its days had at least MIN_GROUP homes.
 */
export function useByAreaAndMonth(rows: AreaMonthRow[]): AreaMonth[] {
  return rows.map(({ kind, area, month, total, homeDays, fewestHomes }) => {
    const homes = shownCount(fewestHomes);
    return { kind, area, month, homes, perHomePerDay: homes === null || homeDays === 0 ? null : Math.round((total / homeDays) * 10) / 10 };
  });
}

export type ConsentChoice = { action: 'choose' | 'withdraw'; method: 'banner' | 'settings' | 'gpc'; preferences: boolean; analytics: boolean };
export const consentOutcomes = ['accept', 'reject', 'custom', 'gpc'] as const;
export type ConsentOutcome = (typeof consentOutcomes)[number];

/**
 * What one recorded choice was: a Global Privacy Control signal that turned analytics off; every
 * optional cookie allowed; none (a withdrawal is a rejection); or some.
 */
export function consentOutcome(choice: ConsentChoice): ConsentOutcome {
  if (choice.method === 'gpc') return 'gpc';
  if (choice.action === 'withdraw') return 'reject';
  if (choice.preferences && choice.analytics) return 'accept';
  if (!choice.preferences && !choice.analytics) return 'reject';
  return 'custom';
}

export type VisitMonth = { month: string; visits: number; pageViews: number; timedViews: number; timeOnPageMs: number };

export function visitFigures(m: VisitMonth) {
  return {
    month: m.month,
    visits: m.visits,
    pageViews: m.pageViews,
    pagesPerVisit: m.visits ? Math.round((m.pageViews / m.visits) * 10) / 10 : null,
    secondsOnPage: m.timedViews ? Math.round(m.timeOnPageMs / m.timedViews / 1000) : null,
  };
}
