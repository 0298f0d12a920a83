/**
 * Where the yearly privacy-request figures come from: a frozen year from privacy_request_metrics,
 * any other year counted from privacy_requests as they stand (they are kept 24 months after
 * closing, so that table stays small). The daily job freezes a year once it is done.
 */
import { drizzle } from 'drizzle-orm/d1';
import { privacyRequestMetrics, privacyRequests, requestMetricCategories } from '../../db/schema';
import { localDate } from '../requests/deadlines';
import { utility } from '../tenants/scope';
import { readyToFreeze, yearFigures, yearReceived, type CategoryFigures, type RequestForMetrics, type YearFigures } from './request-metrics';

export type PublishedYear = YearFigures & { frozen: boolean };

async function requestsAsTheyStand(raw: D1Database): Promise<RequestForMetrics[]> {
  return drizzle(raw)
    .select({ type: privacyRequests.type, state: privacyRequests.state, receivedAt: privacyRequests.receivedAt, closedAt: privacyRequests.closedAt, details: privacyRequests.details })
    .from(privacyRequests);
}

async function frozenYears(raw: D1Database): Promise<Map<number, CategoryFigures[]>> {
  const rows = await drizzle(raw).select().from(privacyRequestMetrics);
  const years = new Map<number, CategoryFigures[]>();
  for (const { year, frozenAt: _, ...figures } of rows) years.set(year, [...(years.get(year) ?? []), figures]);
  for (const categories of years.values()) categories.sort((a, b) => requestMetricCategories.indexOf(a.category) - requestMetricCategories.indexOf(b.category));
  return years;
}

/** Every year from the first with a request (or frozen figures) to the current one, oldest first. */
export async function publishedRequestMetrics(raw: D1Database, now = new Date()): Promise<PublishedYear[]> {
  const timeZone = utility().timeZone;
  const currentYear = Number(localDate(now, timeZone).slice(0, 4));
  const [frozen, requests] = await Promise.all([frozenYears(raw), requestsAsTheyStand(raw)]);
  const firstYear = Math.min(currentYear, ...frozen.keys(), ...requests.map((r) => yearReceived(r.receivedAt, timeZone)));
  const years: PublishedYear[] = [];
  for (let year = firstYear; year <= currentYear; year++) {
    const categories = frozen.get(year);
    years.push(categories ? { year, categories, frozen: true } : { ...yearFigures(year, requests, timeZone), frozen: false });
  }
  return years;
}

/** Freezes every finished year that is ready (see `readyToFreeze`); returns the years frozen. */
export async function freezeFinishedYears(raw: D1Database, now = new Date()): Promise<number[]> {
  const currentYear = Number(localDate(now, utility().timeZone).slice(0, 4));
  const frozenAt = now.toISOString();
  const toFreeze = (await publishedRequestMetrics(raw, now)).filter(
    (y) => !y.frozen && readyToFreeze(y.year, currentYear, y.categories.reduce((open, c) => open + c.open, 0)),
  );
  if (!toFreeze.length) return [];
  const insert = raw.prepare(
    `INSERT OR IGNORE INTO privacy_request_metrics (year, category, received, complied, denied, open, median_days, mean_days, frozen_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)`,
  );
  await raw.batch(toFreeze.flatMap(({ year, categories }) => categories.map((c) => insert.bind(year, c.category, c.received, c.complied, c.denied, c.open, c.medianDays, c.meanDays, frozenAt))));
  return toFreeze.map((y) => y.year);
}
