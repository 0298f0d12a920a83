/**
 * CCPA deadlines, counted in the utility's local calendar (America/Los_Angeles):
 * - answer within 45 calendar days of receipt (Cal. Civ. Code § 1798.130(a)(2));
 * - one extension of up to 45 more calendar days, with notice and a reason;
 * - acknowledge within 10 business days (11 CCR § 7021);
 * - opt-out of sale/sharing and limit-sensitive requests: act within 15 business days (11 CCR § 7026, § 7027).
 * Business days skip Saturdays, Sundays and US federal holidays (observed dates: a Saturday holiday
 * is observed the Friday before, a Sunday one the Monday after).
 * Dates are plain 'YYYY-MM-DD' strings; arithmetic is done on UTC midnights so DST never shifts a day.
 */
import type { PrivacyRequestType } from '../../db/schema';

export const ANSWER_DAYS = 45;
export const MAX_EXTENSION_DAYS = 45;
export const ACKNOWLEDGE_BUSINESS_DAYS = 10;
export const OPT_OUT_BUSINESS_DAYS = 15;
/** A request is "nearly due" this many calendar days before its due date. */
export const NEARLY_DUE_DAYS = 7;

const DAY_MS = 86_400_000;

/** The utility-local calendar date of an instant. */
export function localDate(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

const toUtc = (date: string) => Date.parse(`${date}T00:00:00Z`);
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function addCalendarDays(date: string, days: number): string {
  return fromUtc(toUtc(date) + days * DAY_MS);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtc(to) - toUtc(from)) / DAY_MS);
}

function nthWeekday(year: number, month: number, weekday: number, n: number): string {
  const first = new Date(Date.UTC(year, month, 1));
  const offset = (weekday - first.getUTCDay() + 7) % 7;
  return fromUtc(Date.UTC(year, month, 1 + offset + (n - 1) * 7));
}

function lastWeekday(year: number, month: number, weekday: number): string {
  const last = new Date(Date.UTC(year, month + 1, 0));
  const offset = (last.getUTCDay() - weekday + 7) % 7;
  return fromUtc(Date.UTC(year, month + 1, -offset));
}

function observed(date: string): string {
  const day = new Date(toUtc(date)).getUTCDay();
  if (day === 6) return addCalendarDays(date, -1);
  if (day === 0) return addCalendarDays(date, 1);
  return date;
}

/** US federal holidays (5 U.S.C. § 6103) as observed, for one year. */
export function usFederalHolidays(year: number): string[] {
  const fixed = (m: number, d: number) => observed(fromUtc(Date.UTC(year, m, d)));
  return [
    fixed(0, 1), // New Year's Day
    nthWeekday(year, 0, 1, 3), // Birthday of Martin Luther King, Jr.
    nthWeekday(year, 1, 1, 3), // Washington's Birthday
    lastWeekday(year, 4, 1), // Memorial Day
    fixed(5, 19), // Juneteenth
    fixed(6, 4), // Independence Day
    nthWeekday(year, 8, 1, 1), // Labor Day
    nthWeekday(year, 9, 1, 2), // Columbus Day
    fixed(10, 11), // Veterans Day
    nthWeekday(year, 10, 4, 4), // Thanksgiving Day
    fixed(11, 25), // Christmas Day
  ];
}

export function isBusinessDay(date: string): boolean {
  const day = new Date(toUtc(date)).getUTCDay();
  if (day === 0 || day === 6) return false;
  const year = Number(date.slice(0, 4));
  // Next year's New Year's Day can be observed on Dec 31 of this year.
  return !usFederalHolidays(year).includes(date) && !usFederalHolidays(year + 1).includes(date);
}

/** The date `days` business days after `date` (the day of receipt itself does not count). */
export function addBusinessDays(date: string, days: number): string {
  let current = date;
  let left = days;
  while (left > 0) {
    current = addCalendarDays(current, 1);
    if (isBusinessDay(current)) left--;
  }
  return current;
}

export type RequestDeadlines = { receivedOn: string; acknowledgeBy: string; dueOn: string };

export function deadlinesFor(type: PrivacyRequestType, receivedAt: Date, timeZone: string): RequestDeadlines {
  const receivedOn = localDate(receivedAt, timeZone);
  return {
    receivedOn,
    acknowledgeBy: addBusinessDays(receivedOn, ACKNOWLEDGE_BUSINESS_DAYS),
    dueOn: type === 'opt_out' ? addBusinessDays(receivedOn, OPT_OUT_BUSINESS_DAYS) : addCalendarDays(receivedOn, ANSWER_DAYS),
  };
}

/** The new due date after an extension of `days` (1…45) calendar days. */
export function extendedDueOn(dueOn: string, days: number): string {
  if (!Number.isInteger(days) || days < 1 || days > MAX_EXTENSION_DAYS) throw new RangeError(`An extension is 1 to ${MAX_EXTENSION_DAYS} days.`);
  return addCalendarDays(dueOn, days);
}

export type Urgency = 'overdue' | 'nearly_due' | 'on_time' | 'closed';

export function urgency(dueOn: string, today: string, closed: boolean): Urgency {
  if (closed) return 'closed';
  const left = daysBetween(today, dueOn);
  if (left < 0) return 'overdue';
  if (left <= NEARLY_DUE_DAYS) return 'nearly_due';
  return 'on_time';
}
