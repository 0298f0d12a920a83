/**
 * Use before and after a saving action: the average day over up to two weeks before the day the
 * customer says they acted, against the average day since (up to two weeks). The day of the action
 * itself counts in neither (it is part before, part after). Only complete days count: a day with a
 * missing interval would look like a saving that never happened.
 */
import { addDays } from '../../usage/time';

export const WINDOW_DAYS = 14;
/** Fewer complete days than this on either side and no comparison is shown: one day is noise. */
export const MIN_DAYS_BEFORE = 3;
export const MIN_DAYS_AFTER = 2;

export type DayTotal = { day: string; total: number; missing: number };

export type Side = { from: string; to: string; days: number; perDay: number | null };

export type BeforeAfter =
  | { status: 'compared'; before: Side; after: Side; change: number }
  | { status: 'not_enough_before' | 'not_enough_after'; before: Side; after: Side };

function side(days: readonly DayTotal[], from: string, to: string): Side {
  const complete = days.filter((d) => d.day >= from && d.day <= to && d.missing === 0);
  const sum = complete.reduce((s, d) => s + d.total, 0);
  return { from, to, days: complete.length, perDay: complete.length ? sum / complete.length : null };
}

/**
 * `days` are the meter's day totals the customer may see (their tenure only) around `takenOn`;
 * `lastDay` is the latest day whose reads can be complete (yesterday, utility-local).
 * `change` is the relative change of the average day, e.g. -0.42 for 42% less.
 */
export function beforeAfter(days: readonly DayTotal[], takenOn: string, lastDay: string): BeforeAfter {
  const before = side(days, addDays(takenOn, -WINDOW_DAYS), addDays(takenOn, -1));
  const afterEnd = addDays(takenOn, WINDOW_DAYS);
  const after = side(days, addDays(takenOn, 1), afterEnd < lastDay ? afterEnd : lastDay);
  if (before.days < MIN_DAYS_BEFORE || before.perDay === null) return { status: 'not_enough_before', before, after };
  if (after.days < MIN_DAYS_AFTER || after.perDay === null) return { status: 'not_enough_after', before, after };
  const change = before.perDay === 0 ? 0 : (after.perDay - before.perDay) / before.perDay;
  return { status: 'compared', before, after, change };
}

/** The days to read for every action of an alert at once: from two weeks before the earliest to two weeks after the latest. */
export function readSpan(takenOn: readonly string[]): { from: string; to: string } | null {
  if (takenOn.length === 0) return null;
  const sorted = [...takenOn].sort();
  return { from: addDays(sorted[0]!, -WINDOW_DAYS), to: addDays(sorted[sorted.length - 1]!, WINDOW_DAYS) };
}
