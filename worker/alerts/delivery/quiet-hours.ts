/**
 * Quiet hours: the customer's hours (utility-local wall clock) during which texts wait.
 *
 * Decisions, as a customer would expect them:
 * - They hold text messages only. E-mail waits silently in an inbox and is read when the person
 *   chooses, so holding it back would only make an alert later.
 * - A leak alert waits too, unless the customer ticked "text me about a leak even during quiet
 *   hours": most leak alerts come from reads that are already hours old, so a few more hours cost
 *   less than a text at 3 a.m.; someone who would rather be woken can say so.
 * - Without a choice the quiet hours are 21:00 to 08:00, the hours US texting rules and carriers
 *   treat as night; a customer may move them or turn them off.
 * - The hours follow the utility's clock through daylight saving time: 08:00 is 08:00 on the
 *   morning after the clocks change, and an end time the spring-forward gap skips (02:30) means the
 *   moment the clock jumps to 03:00.
 */
import { addDays, localDay, wallTime, zonedToUtc } from '../../usage/time';

export type QuietHours = { start: string; end: string } | null;

const minutesOf = (clock: string) => {
  const [h, m] = clock.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/**
 * The instant the local clock shows `clock` on `day`; when the spring-forward gap skips that time,
 * the instant the clock jumps over it (the first minute whose local time is later).
 */
function instantOn(day: string, clock: string, timeZone: string) {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const minutes = minutesOf(clock);
  const guess = zonedToUtc(y, mo, d, Math.floor(minutes / 60), minutes % 60, timeZone);
  const shown = (t: number) => {
    const w = wallTime(t, timeZone);
    return localDay(t, timeZone) === day ? w.hour * 60 + w.minute : localDay(t, timeZone) < day ? -1 : 24 * 60;
  };
  if (shown(guess) === minutes) return guess;
  let t = Math.min(guess, guess - 3_600_000);
  while (shown(t) < minutes) t += 60_000;
  return t;
}

/**
 * When the quiet hours that `now` falls in end, or null when `now` is outside quiet hours. A range
 * whose start is later than its end runs past midnight (21:00 to 08:00).
 */
export function quietHoursEnd(now: Date, quiet: QuietHours, timeZone: string): Date | null {
  if (!quiet || quiet.start === quiet.end) return null;
  const wall = wallTime(now.getTime(), timeZone);
  const minute = wall.hour * 60 + wall.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const today = localDay(now.getTime(), timeZone);
  if (start < end) {
    return minute >= start && minute < end ? new Date(instantOn(today, quiet.end, timeZone)) : null;
  }
  if (minute >= start) return new Date(instantOn(addDays(today, 1), quiet.end, timeZone));
  if (minute < end) return new Date(instantOn(today, quiet.end, timeZone));
  return null;
}

/** When a text queued at `now` may be sent: at once, or when the quiet hours end. */
export function textNotBefore(now: Date, quiet: QuietHours, timeZone: string, options: { leak: boolean; leakAlertsInQuietHours: boolean }): Date {
  if (options.leak && options.leakAlertsInQuietHours) return now;
  return quietHoursEnd(now, quiet, timeZone) ?? now;
}
