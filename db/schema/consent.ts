import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const consentActions = ['choose', 'withdraw'] as const;
export const consentMethods = ['banner', 'settings', 'gpc'] as const;

/**
 * Proof of consent: one row per choice a visitor makes (or per Global Privacy Control signal that
 * turns off analytics they had allowed), never updated, and deleted only once 24 months old, by the
 * daily cron — triggers in migration `*_consent_proof_retention.sql` refuse anything else. The
 * visitor's browser holds `consent_id` in the strictly necessary `__Host-consent` cookie; nothing
 * here identifies a person (no IP address, no user agent, no login).
 */
export const consentRecords = sqliteTable(
  'consent_records',
  {
    id: text('id').primaryKey(),
    consentId: text('consent_id').notNull(),
    action: text('action', { enum: consentActions }).notNull(),
    method: text('method', { enum: consentMethods }).notNull(),
    policyVersion: text('policy_version').notNull(),
    preferences: integer('preferences', { mode: 'boolean' }).notNull(),
    analytics: integer('analytics', { mode: 'boolean' }).notNull(),
    /** A Global Privacy Control signal was seen with this choice (header or navigator.globalPrivacyControl). */
    gpc: integer('gpc', { mode: 'boolean' }).notNull(),
    /** UTC ISO-8601, set by the worker. */
    recordedAt: text('recorded_at').notNull(),
  },
  (t) => [index('consent_records_consent').on(t.consentId, t.recordedAt)],
);

/**
 * Visit statistics, aggregated per utility-local day as they arrive (upserted counters). No visit
 * id, IP address or user agent is ever stored: these two tables are all there is.
 */
export const visitDailyTotals = sqliteTable('visit_daily_totals', {
  day: text('day').primaryKey(),
  visits: integer('visits').notNull().default(0),
  pageViews: integer('page_views').notNull().default(0),
  /** Page views whose time on page was reported on leaving, and the sum of those times. */
  timedViews: integer('timed_views').notNull().default(0),
  timeOnPageMs: integer('time_on_page_ms').notNull().default(0),
});

export const visitDimensions = ['page', 'entry_page', 'referrer_domain', 'referrer_candidate', 'pages_per_visit', 'time_on_page'] as const;
export type VisitDimension = (typeof visitDimensions)[number];

/**
 * Per-day counts by one dimension: page views per path, visits per entry path, visits per
 * referring domain (bucketed: worker/visits/referrers.ts), visits from a not-yet-common referrer
 * per keyed hash (deleted after the day), visits per number of pages viewed (1…9, "10+"), page
 * views per time-on-page bucket. Keys per day are bounded: only pages in the site's sitemap.
 */
export const visitDailyCounts = sqliteTable(
  'visit_daily_counts',
  {
    day: text('day').notNull(),
    dimension: text('dimension', { enum: visitDimensions }).notNull(),
    key: text('key').notNull(),
    count: integer('count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.dimension, t.key] })],
);
