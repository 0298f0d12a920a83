/**
 * The utility reports' figures over the last 13 months, read in one D1 batch (and one query per
 * usage shard) from the aggregates the portal already keeps: the comparison groups' daily totals
 * (usage_peer_days, complete days only, added up over the shards), alerts, program applications, the consent proof and the daily visit counters. Nothing
 * here reads a single customer's usage, and the de-identification rules are in utility-reports.ts.
 */
import type { AlertType } from '../../db/schema';
import type { UsageShards } from '../usage/shards';
import { areaMonthRows, consentOutcome, consentOutcomes, lastMonths, shownCount, useByAreaAndMonth, visitFigures, type ShardAreaDay, type ConsentChoice, type ConsentOutcome, type VisitMonth } from './utility-reports';

export type UtilityReports = Awaited<ReturnType<typeof utilityReports>>;

export async function utilityReports(raw: D1Database, shards: UsageShards, today: string) {
  const months = lastMonths(today);
  const from = `${months[0]}-01`;
  const usePerShard = shards.all.map((db) =>
    db
      .prepare(`SELECT g.kind, g.service_area AS area, d.day, d.homes, d.total FROM usage_peer_days d JOIN usage_peer_groups g ON g.id = d.group_id WHERE g.household = 'any' AND d.day >= ?1`)
      .bind(from)
      .all<ShardAreaDay>(),
  );
  const [alerts, programs, consent, visits] = await raw.batch([
    raw.prepare(`SELECT type, substr(first_day, 1, 7) AS month, COUNT(DISTINCT account_id) AS homes FROM alerts WHERE first_day >= ?1 GROUP BY type, month`).bind(from),
    raw
      .prepare(
        `SELECT program_id AS id, MAX(program_title) AS title, COUNT(DISTINCT account_id) AS applied,
                COUNT(DISTINCT CASE WHEN status IN ('approved', 'paid') THEN account_id END) AS approved,
                COUNT(DISTINCT CASE WHEN status = 'paid' THEN account_id END) AS paid
           FROM program_applications WHERE created_at >= ?1 GROUP BY program_id ORDER BY title`,
      )
      .bind(from),
    raw
      .prepare(
        `SELECT substr(recorded_at, 1, 7) AS month, action, method, preferences, analytics, COUNT(*) AS n
           FROM consent_records WHERE recorded_at >= ?1 GROUP BY month, action, method, preferences, analytics`,
      )
      .bind(from),
    raw
      .prepare(
        `SELECT substr(day, 1, 7) AS month, SUM(visits) AS visits, SUM(page_views) AS pageViews, SUM(timed_views) AS timedViews, SUM(time_on_page_ms) AS timeOnPageMs
           FROM visit_daily_totals WHERE day >= ?1 GROUP BY month`,
      )
      .bind(from),
  ]);

  const alertHomes = new Map<string, number>();
  for (const r of alerts!.results as { type: AlertType; month: string; homes: number }[]) alertHomes.set(`${r.type} ${r.month}`, r.homes);

  const consentByMonth = new Map<string, Record<ConsentOutcome, number>>(months.map((m) => [m, { accept: 0, reject: 0, custom: 0, gpc: 0 }]));
  for (const r of consent!.results as (Omit<ConsentChoice, 'preferences' | 'analytics'> & { month: string; preferences: number; analytics: number; n: number })[]) {
    const tally = consentByMonth.get(r.month);
    if (tally) tally[consentOutcome({ ...r, preferences: r.preferences === 1, analytics: r.analytics === 1 })] += r.n;
  }

  const visitRows = new Map((visits!.results as VisitMonth[]).map((r) => [r.month, r]));
  return {
    months,
    use: useByAreaAndMonth(areaMonthRows((await Promise.all(usePerShard)).flatMap((r) => r.results))),
    /** Homes with a new alert of the type in the month; null for fewer than 10. */
    alertHomes: (type: AlertType, month: string) => {
      const homes = alertHomes.get(`${type} ${month}`) ?? 0;
      return homes === 0 ? 0 : shownCount(homes);
    },
    programs: (programs!.results as { id: string; title: string; applied: number; approved: number; paid: number }[]).map((p) => ({
      title: p.title,
      applied: shownCount(p.applied),
      approved: p.approved === 0 ? 0 : shownCount(p.approved),
      paid: p.paid === 0 ? 0 : shownCount(p.paid),
    })),
    consent: months.map((month) => ({ month, ...consentByMonth.get(month)! })),
    consentOutcomes,
    visits: months.map((month) => visitFigures(visitRows.get(month) ?? { month, visits: 0, pageViews: 0, timedViews: 0, timeOnPageMs: 0 })),
  };
}
