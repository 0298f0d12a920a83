import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { accounts, meterKinds, meters } from './core';
import { logins } from './logins';

/**
 * Alerts: leak and high-use detection when reads arrive (worker/alerts/detection/), what the
 * customer is told (worker/alerts/delivery/) and answers (worker/alerts/centre/).
 *
 * Timestamps are UTC ISO-8601 strings; days are utility-local dates (YYYY-MM-DD), as in usage_days.
 * Thresholds are in the meter kind's base unit (gallons, kWh, therms; worker/usage/units.ts), so a
 * setting holds whatever unit a meter reports in.
 */
const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

/**
 * What the rules detect (worker/alerts/detection/rules.ts says how):
 * - continuous_flow: water never stopped (no interval at zero) for N hours;
 * - intermittent_leak: water's night-time minimum above the home's own baseline on k of the last m nights;
 * - high_use_day: one day above the customer's daily threshold, or well above their own typical day;
 * - high_use_period: the billing period to date above the customer's threshold, or on course for well above their typical period;
 * - bill_forecast: the bill for the period, projected from use to date and the rate in force, above the customer's amount
 *   (and for energy, well above what the period usually costs).
 */
export const alertTypes = ['continuous_flow', 'intermittent_leak', 'high_use_day', 'high_use_period', 'bill_forecast'] as const;
export type AlertType = (typeof alertTypes)[number];

/**
 * Why an alert stopped being open:
 * - resolved: the condition no longer holds in newer reads (the leak stopped, use went back down);
 * - corrected: corrected or late reads for the same days show the condition never held;
 * - moved_out: the account's tenure of the service point ended (closed the day it ends; no notice to the former holder);
 * - dismissed: the customer answered that it is not a leak / expected use (set by the alert centre).
 */
export const alertCloseReasons = ['resolved', 'corrected', 'moved_out', 'dismissed'] as const;

/**
 * One row per episode: a run of days on which one rule held for one meter, within ONE holder's
 * tenure (rules only ever read the holder's own days, so a new occupant's alert never carries the
 * previous occupant's reads, and a baseline is that household's own). The same row is the alert
 * the holder sees: `id` is what delivery, answers and the alert centre refer to.
 *
 * Idempotence lives here: re-evaluating the same days (the same batch twice, a late or corrected
 * read) finds the stored episode by meter, type, account and overlapping days, and updates it;
 * at most one episode per meter, type and account is open (the partial unique index).
 */
export const alerts = sqliteTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    /** The holder told: the account whose tenure the episode's days lie in. */
    accountId: text('account_id').notNull().references(() => accounts.id),
    meterId: text('meter_id').notNull().references(() => meters.id),
    type: text('type', { enum: alertTypes }).notNull(),
    status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
    /** First and latest local day on which the condition held. */
    firstDay: text('first_day').notNull(),
    lastDay: text('last_day').notNull(),
    /**
     * What the rule saw, for the message and the alert centre: numbers and days only (e.g.
     * {"hours":31,"minRate":1.2,"unit":"gal"}; worker/alerts/detection/rules.ts `Figures`).
     */
    figures: text('figures', { mode: 'json' }).notNull().$type<Record<string, unknown>>(),
    openedAt: text('opened_at').notNull().default(now),
    /** When the rule last re-evaluated this episode (any read for its days or after). */
    evaluatedAt: text('evaluated_at').notNull().default(now),
    closedAt: text('closed_at'),
    /** The local day the episode ended for this holder (last condition day, the move-out day, or the day of the correction). */
    closedDay: text('closed_day'),
    closeReason: text('close_reason', { enum: alertCloseReasons }),
    /**
     * Set when the customer answers the alert (fixed it, not a leak / expected use): no further
     * reminders for this episode, whatever the reads say. Written by the alert centre.
     */
    remindersStoppedAt: text('reminders_stopped_at'),
  },
  (t) => [
    uniqueIndex('alerts_one_open_episode').on(t.meterId, t.type, t.accountId).where(sql`status = 'open'`),
    index('alerts_meter_days').on(t.meterId, t.type, t.lastDay),
    index('alerts_account').on(t.accountId, t.status, t.openedAt),
    // Staff counts read one month of episodes by their first day (worker/alerts/staff/counts.ts).
    index('alerts_first_day').on(t.firstDay),
    check('alerts_days', sql`first_day <= last_day`),
    check('alerts_closed', sql`(status = 'open') = (closed_at IS NULL)`),
  ],
);

/**
 * Reminders, and every other notice about an alert: one row per notice detection hands to
 * delivery (`deliverAlert`, worker/alerts/delivery/). `opened` and `closed` happen once per alert;
 * a `reminder` at most once per local day, and detection spaces them (worker/alerts/detection/
 * reminders.ts). Delivery records per-recipient sends in its own tables, pointing here.
 */
export const alertNoticeKinds = ['opened', 'reminder', 'closed'] as const;
export type AlertNoticeKind = (typeof alertNoticeKinds)[number];
export const alertNotices = sqliteTable(
  'alert_notices',
  {
    id: text('id').primaryKey(),
    alertId: text('alert_id').notNull().references(() => alerts.id),
    kind: text('kind', { enum: alertNoticeKinds }).notNull(),
    /** The local day the notice is about (the day the reads last showed the condition, or the day it closed). */
    day: text('day').notNull(),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('alert_notices_once').on(t.alertId, t.kind).where(sql`kind <> 'reminder'`),
    uniqueIndex('alert_notices_reminder_day').on(t.alertId, t.day).where(sql`kind = 'reminder'`),
    index('alert_notices_created').on(t.createdAt),
  ],
);

/**
 * The customer's own alert settings, per account and meter kind (written by the alert centre's
 * settings form, read by the rules). Null = no customer setting: the utility's default applies
 * (worker/alerts/detection/config.ts), and a threshold rule that needs the customer's number
 * (bill_threshold_cents, day_threshold, period_threshold) then runs only on "well above your own
 * typical use".
 */
export const alertSettings = sqliteTable(
  'alert_settings',
  {
    accountId: text('account_id').notNull().references(() => accounts.id),
    kind: text('kind', { enum: meterKinds }).notNull(),
    /** Water only: alert after this many hours of flow that never stops; may only tighten the utility's default. */
    continuousFlowHours: integer('continuous_flow_hours'),
    /** A day's use above this (base unit) is high use. */
    dayThreshold: real('day_threshold'),
    /** The billing period's use to date above this (base unit) is high use. */
    periodThreshold: real('period_threshold'),
    /** The projected bill for this service above this many cents raises a bill forecast alert. */
    billThresholdCents: integer('bill_threshold_cents'),
    updatedAt: text('updated_at').notNull().default(now),
    updatedByLoginId: text('updated_by_login_id').references(() => logins.id),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.kind] }),
    check('alert_settings_hours', sql`continuous_flow_hours IS NULL OR (kind = 'water' AND continuous_flow_hours BETWEEN 1 AND 72)`),
    check('alert_settings_positive', sql`(day_threshold IS NULL OR day_threshold > 0) AND (period_threshold IS NULL OR period_threshold > 0) AND (bill_threshold_cents IS NULL OR bill_threshold_cents > 0)`),
  ],
);

// Engineer B: delivery, recipients and preferences tables below (or in db/schema/preferences.ts).
// Engineer C: answers, actions and support items below.

/**
 * The customer's answers to an alert (the alert centre, worker/alerts/centre/): fixed it, not a
 * leak / expected use, or need help. Append-only: each answer is kept with its time, and the
 * latest is the alert's current answer. `note` is the customer's own words (optional, short).
 * Who answered is a login id only (a holder or a delegate with the usage right); not a foreign
 * key, so that a login's own removal never has to touch the account's history.
 */
export const alertAnswerCodes = ['fixed', 'not_a_leak', 'expected_use', 'need_help'] as const;
export type AlertAnswerCode = (typeof alertAnswerCodes)[number];
export const alertAnswers = sqliteTable(
  'alert_answers',
  {
    id: text('id').primaryKey(),
    alertId: text('alert_id').notNull().references(() => alerts.id),
    accountId: text('account_id').notNull().references(() => accounts.id),
    loginId: text('login_id'),
    answer: text('answer', { enum: alertAnswerCodes }).notNull(),
    note: text('note'),
    answeredAt: text('answered_at').notNull(),
  },
  (t) => [index('alert_answers_alert').on(t.alertId, t.answeredAt), index('alert_answers_account').on(t.accountId)],
);

/**
 * Water- and energy-saving actions the customer took about an alert, from a short list tied to the
 * alert type (worker/alerts/centre/vocabulary.ts). One row per alert and action: recording it again
 * moves its day. `taken_on` is the utility-local day the customer says they did it; the alert
 * centre compares use before and after that day.
 */
export const alertActions = sqliteTable(
  'alert_actions',
  {
    id: text('id').primaryKey(),
    alertId: text('alert_id').notNull().references(() => alerts.id),
    accountId: text('account_id').notNull().references(() => accounts.id),
    loginId: text('login_id'),
    action: text('action').notNull(),
    takenOn: text('taken_on').notNull(),
    recordedAt: text('recorded_at').notNull(),
  },
  (t) => [uniqueIndex('alert_actions_once').on(t.alertId, t.action), index('alert_actions_account').on(t.accountId)],
);

/**
 * Items in the support team's queue (until secure messages arrive, the way a customer's "I need
 * help" reaches a person). At most one open item per alert. The list support sees shows no one's
 * identity; opening an item is a logged look-up (worker/alerts/staff/). `closing_note` is the
 * agent's note on closing, which staff are told to keep free of personal values.
 */
export const supportItemKinds = ['alert_help'] as const;
export const supportItems = sqliteTable(
  'support_items',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: supportItemKinds }).notNull(),
    accountId: text('account_id').notNull().references(() => accounts.id),
    alertId: text('alert_id').references(() => alerts.id),
    answerId: text('answer_id').references(() => alertAnswers.id),
    status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
    openedAt: text('opened_at').notNull(),
    closedAt: text('closed_at'),
    closedByLoginId: text('closed_by_login_id'),
    closingNote: text('closing_note'),
  },
  (t) => [
    index('support_items_queue').on(t.status, t.openedAt),
    index('support_items_account').on(t.accountId),
    uniqueIndex('support_items_one_open').on(t.alertId).where(sql`status = 'open'`),
    check('support_items_closed', sql`(status = 'open') = (closed_at IS NULL)`),
  ],
);
