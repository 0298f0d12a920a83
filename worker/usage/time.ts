/**
 * Utility-local days in UTC arithmetic. A usage day runs from local midnight to the next local
 * midnight in the utility's time zone, so it has 23 hours on the spring-forward day and 25 on the
 * fall-back day. Uses only Intl (available in workerd and Node).
 */

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export type WallTime = { year: number; month: number; day: number; hour: number; minute: number; second: number };

/** The local wall-clock time at a UTC instant. */
export function wallTime(utcMs: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(utcMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

/** Local time minus UTC, in milliseconds, at a UTC instant (e.g. -7 h in Pacific daylight time). */
export function offsetMs(utcMs: number, timeZone: string): number {
  const w = wallTime(utcMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** The UTC instant of a local wall time; in a DST gap, the instant the clock jumps to. */
export function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const guess = wall - offsetMs(wall, timeZone);
  const offsetThere = offsetMs(guess, timeZone);
  return offsetThere === wall - guess ? guess : wall - offsetThere;
}

export const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

function parseDay(day: string) {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return { y, m, d };
}

/** The UTC instant at which a local day (YYYY-MM-DD) begins. */
export function dayStartUtc(day: string, timeZone: string): number {
  const { y, m, d } = parseDay(day);
  return zonedToUtc(y, m, d, 0, 0, timeZone);
}

/** Calendar arithmetic on YYYY-MM-DD (time-zone free). */
export function addDays(day: string, n: number): string {
  const { y, m, d } = parseDay(day);
  return new Date(Date.UTC(y, m - 1, d) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Same calendar date n years away; 29 February becomes 28 February. */
export function addYears(day: string, n: number): string {
  const { y, m, d } = parseDay(day);
  const lastOfMonth = new Date(Date.UTC(y + n, m, 0)).getUTCDate();
  return `${String(y + n).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, lastOfMonth)).padStart(2, '0')}`;
}

export function daysBetween(from: string, to: string): number {
  const a = parseDay(from);
  const b = parseDay(to);
  return Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / DAY_MS);
}

/** Every local day from `from` to `to`, both included. */
export function eachDay(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The local day (YYYY-MM-DD) a UTC instant falls in. */
export function localDay(utcMs: number, timeZone: string): string {
  const w = wallTime(utcMs, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** Local wall time as "YYYY-MM-DDTHH:MM" (for labels and CSV). */
export function localStamp(utcMs: number, timeZone: string): string {
  const w = wallTime(utcMs, timeZone);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}`;
}

/** ISO-8601 local time with its UTC offset, e.g. 2026-11-01T01:00:00-08:00. */
export function localIso(utcMs: number, timeZone: string): string {
  const off = offsetMs(utcMs, timeZone) / 60_000;
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${localStamp(utcMs, timeZone)}:00${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export type DaySlots = { day: string; start: number; end: number; intervalMs: number; count: number };

/** The intervals of one local day for a meter read every `intervalMinutes` (1440 = one per day). */
export function daySlots(day: string, timeZone: string, intervalMinutes: number): DaySlots {
  const start = dayStartUtc(day, timeZone);
  const end = dayStartUtc(addDays(day, 1), timeZone);
  if (intervalMinutes >= 1440) return { day, start, end, intervalMs: end - start, count: 1 };
  const intervalMs = intervalMinutes * 60_000;
  return { day, start, end, intervalMs, count: Math.round((end - start) / intervalMs) };
}

/** Where an interval starting at `utcMs` belongs: its local day and slot index, or null when it is not on the meter's grid. */
export function slotOf(utcMs: number, timeZone: string, intervalMinutes: number): { day: string; index: number } | null {
  const day = localDay(utcMs, timeZone);
  const slots = daySlots(day, timeZone, intervalMinutes);
  const offset = utcMs - slots.start;
  if (offset < 0 || offset % slots.intervalMs !== 0) return null;
  const index = offset / slots.intervalMs;
  return index < slots.count ? { day, index } : null;
}

export function slotStart(slots: DaySlots, index: number): number {
  return slots.start + index * slots.intervalMs;
}
