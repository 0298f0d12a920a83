import { and, eq, sql } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { visitDailyCounts, visitDailyTotals, type VisitDimension } from '../../db/schema';
import type { Beacon } from './beacon';
import { DIRECT, OTHER, type ReferrerCount } from './referrers';

/**
 * Turns one beacon into counter increments for its day. The only per-visit state is the visit
 * cookie (`<day>.<pages so far>`): it says whether this view continues a visit already counted
 * and how many pages that visit has seen, so pages-per-visit can move one visit from bucket n to
 * n+1. Nothing about the visitor is stored; a visit never spans two days.
 */
export type VisitCookie = { day: string; pages: number };

export const MAX_PAGES_BUCKET = 10;
/** A single page's time counts at most this much, so a tab left open all day does not dominate. */
export const MAX_TIME_ON_PAGE_MS = 60 * 60 * 1000;

export function parseVisitCookie(value: string | undefined): VisitCookie | null {
  const m = /^(\d{4}-\d{2}-\d{2})\.(\d{1,4})$/.exec(value ?? '');
  if (!m) return null;
  const pages = Number(m[2]);
  return pages >= 1 ? { day: m[1]!, pages } : null;
}

export function formatVisitCookie(v: VisitCookie): string {
  return `${v.day}.${v.pages}`;
}

function localParts(date: Date, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return parts as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;
}

/** The utility-local calendar day of an instant, YYYY-MM-DD. */
export function localDay(date: Date, timeZone: string): string {
  const p = localParts(date, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Seconds until the next local midnight (approximate by up to an hour on DST change days; only used to cap a 30-minute cookie). */
export function secondsToLocalMidnight(date: Date, timeZone: string): number {
  const p = localParts(date, timeZone);
  return Math.max(1, 86_400 - (Number(p.hour) * 3600 + Number(p.minute) * 60 + Number(p.second)));
}

export function pagesBucket(pages: number): string {
  return pages >= MAX_PAGES_BUCKET ? `${MAX_PAGES_BUCKET}+` : String(pages);
}

export const timeBuckets = [
  { key: '0-10s', below: 10_000 },
  { key: '10-30s', below: 30_000 },
  { key: '30-60s', below: 60_000 },
  { key: '1-3m', below: 180_000 },
  { key: '3-10m', below: 600_000 },
  { key: '10-30m', below: 1_800_000 },
  { key: '30m+', below: Infinity },
] as const;

export function timeBucket(ms: number): string {
  return timeBuckets.find((b) => ms < b.below)!.key;
}

function bump(db: DrizzleD1Database, day: string, dimension: VisitDimension, key: string, by = 1) {
  return db
    .insert(visitDailyCounts)
    .values({ day, dimension, key, count: by })
    .onConflictDoUpdate({ target: [visitDailyCounts.day, visitDailyCounts.dimension, visitDailyCounts.key], set: { count: sql`${visitDailyCounts.count} + ${by}` } });
}

function unbump(db: DrizzleD1Database, day: string, dimension: VisitDimension, key: string, by = 1) {
  return db
    .update(visitDailyCounts)
    .set({ count: sql`max(${visitDailyCounts.count} - ${by}, 0)` })
    .where(and(eq(visitDailyCounts.day, day), eq(visitDailyCounts.dimension, dimension), eq(visitDailyCounts.key, key)));
}

function addTotals(db: DrizzleD1Database, day: string, add: { visits?: number; pageViews?: number; timedViews?: number; timeOnPageMs?: number }) {
  const t = visitDailyTotals;
  return db
    .insert(t)
    .values({ day, visits: add.visits ?? 0, pageViews: add.pageViews ?? 0, timedViews: add.timedViews ?? 0, timeOnPageMs: add.timeOnPageMs ?? 0 })
    .onConflictDoUpdate({
      target: t.day,
      set: {
        visits: sql`${t.visits} + excluded.visits`,
        pageViews: sql`${t.pageViews} + excluded.page_views`,
        timedViews: sql`${t.timedViews} + excluded.timed_views`,
        timeOnPageMs: sql`${t.timeOnPageMs} + excluded.time_on_page_ms`,
      },
    });
}

export type BeaconOutcome = {
  /** Statements to run in one batch. */
  statements: ReturnType<typeof bump | typeof unbump | typeof addTotals>[];
  /** The visit cookie to set afterwards (views only). */
  visitCookie: VisitCookie | null;
};

/** Whether a view continues a visit already counted today (by the visit cookie). */
export function continuesVisit(visit: VisitCookie | null, day: string): visit is VisitCookie {
  return visit !== null && visit.day === day;
}

/**
 * `pageKey` is the key the viewed page counts under (its path, or one key for private pages:
 * worker/visits/pages.ts); `referrer` how a new visit's referrer counts (worker/visits/referrers.ts).
 */
export function aggregateBeacon(
  db: DrizzleD1Database,
  beacon: Beacon,
  context: { day: string; visit: VisitCookie | null; pageKey: string; referrer?: ReferrerCount },
): BeaconOutcome {
  const { day, pageKey } = context;
  if (beacon.t === 'leave') {
    const ms = Math.min(beacon.ms, MAX_TIME_ON_PAGE_MS);
    return { statements: [addTotals(db, day, { timedViews: 1, timeOnPageMs: ms }), bump(db, day, 'time_on_page', timeBucket(beacon.ms))], visitCookie: null };
  }
  if (continuesVisit(context.visit, day)) {
    const continuing = context.visit;
    const pages = continuing.pages + 1;
    const statements: BeaconOutcome['statements'] = [addTotals(db, day, { pageViews: 1 }), bump(db, day, 'page', pageKey)];
    if (pagesBucket(continuing.pages) !== pagesBucket(pages)) {
      statements.push(unbump(db, day, 'pages_per_visit', pagesBucket(continuing.pages)), bump(db, day, 'pages_per_visit', pagesBucket(pages)));
    }
    return { statements, visitCookie: { day, pages: Math.min(pages, 9999) } };
  }
  const referrer = context.referrer ?? { key: DIRECT, moveFromOther: 0, candidate: null };
  const statements: BeaconOutcome['statements'] = [
    addTotals(db, day, { visits: 1, pageViews: 1 }),
    bump(db, day, 'page', pageKey),
    bump(db, day, 'entry_page', pageKey),
    bump(db, day, 'referrer_domain', referrer.key, 1 + referrer.moveFromOther),
    bump(db, day, 'pages_per_visit', pagesBucket(1)),
  ];
  // Promotion: the domain's earlier visits today were counted under "(other)"; they move to its own key.
  if (referrer.moveFromOther > 0) statements.push(unbump(db, day, 'referrer_domain', OTHER, referrer.moveFromOther));
  if (referrer.candidate) statements.push(bump(db, day, 'referrer_candidate', referrer.candidate));
  return { statements, visitCookie: { day, pages: 1 } };
}
