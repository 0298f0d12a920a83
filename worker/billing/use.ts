/**
 * A billing period's use beside the same period a year before, per meter of the account, from the
 * usage store (worker/usage): two short reads of day totals (about 30 rows each) rather than the
 * usage series' whole 13-month span, since a bill needs only the two periods.
 *
 * Whose use: the meters and days come from the account's tenure (worker/usage/tenure.ts), the
 * one bound every view of reads takes. The period's use counts only the days this account held the
 * meter's service point (a final bill that runs past a move-out shows the days up to it); last
 * year's is shown only when the account held the service point on every one of those days a year
 * before, and was billed then (its first bill began on or before them): a previous occupant's use
 * is never shown beside a newcomer's bill.
 */
import type { UsageShards } from '../usage/shards';
import { dayTotalsSql, type StoredDayTotal } from '../usage/store';
import { heldMetersSql, heldRanges, visibleSpan, withinTenure, type DayRange } from '../usage/tenure';
import { addYears, daySlots, eachDay } from '../usage/time';
import { conversionFactor, roundFor, type DisplayUnit, type MeterKind, type MeterUnit } from '../usage/units';

export type Quality = 'actual' | 'estimated' | 'incomplete' | 'missing';
export type Use = { value: number | null; quality: Quality; missingIntervals: number };
export type MeterUse = {
  meterId: string;
  kind: MeterKind;
  serial: string;
  unit: DisplayUnit;
  /** The days counted: the bill's period, or the part of it this account held the service point. */
  period: { start: string; end: string };
  thisPeriod: Use;
  /** Null with the reason when not shown. */
  lastYear: Use | null;
  lastYearNote: 'not_billed_then' | 'not_held_then' | 'meter_not_installed' | null;
};

export type AccountMeter = {
  id: string;
  kind: MeterKind;
  unit: MeterUnit;
  intervalMinutes: number;
  serial: string;
  installedOn: string;
  timeZone: string;
  /** The days the account held the meter's service point (its tenures). */
  held: DayRange[];
};

/**
 * Every meter the account held at some time, with those tenures (read the rows with
 * `accountMetersFrom`; `periodUse` keeps those installed and held in the period).
 */
export function accountMetersStatement(db: D1Database, accountId: string) {
  return db
    .prepare(
      `WITH held AS (${heldMetersSql('?1')})
       SELECT m.id, m.kind, m.unit, m.interval_minutes AS intervalMinutes, m.serial_number AS serial, m.installed_on AS installedOn, u.time_zone AS timeZone, held.held
       FROM held JOIN meters m ON m.id = held.meter_id JOIN accounts a ON a.id = ?1 JOIN utilities u ON u.id = a.utility_id
       ORDER BY m.kind DESC, m.id`,
    )
    .bind(accountId);
}

export const accountMetersFrom = (rows: Record<string, unknown>[]): AccountMeter[] =>
  (rows as (Omit<AccountMeter, 'held'> & { held: string })[]).map((r) => ({ ...r, held: heldRanges(r.held) }));

function sumUse(meter: AccountMeter, days: StoredDayTotal[], from: string, to: string, factor: number, unit: DisplayUnit): Use {
  const byDay = new Map(days.map((d) => [d.day, d]));
  let value = 0;
  let intervals = 0;
  let missing = 0;
  let estimated = 0;
  for (const day of eachDay(from, to)) {
    // A day the account did not hold counts for nothing, not even as missing.
    if (!withinTenure(meter.held, day)) continue;
    const row = byDay.get(day);
    const count = daySlots(day, meter.timeZone, meter.intervalMinutes).count;
    intervals += count;
    if (!row) {
      missing += count;
      continue;
    }
    value += row.total;
    missing += row.missing;
    estimated += row.estimated;
  }
  const quality: Quality = missing >= intervals ? 'missing' : missing > 0 ? 'incomplete' : estimated > 0 ? 'estimated' : 'actual';
  return { value: quality === 'missing' ? null : roundFor(unit, value * factor), quality, missingIntervals: missing };
}

/**
 * Use in `period` and a year before for each of the account's meters (from
 * `accountMetersStatement`), in one round trip. `showIn` picks the unit per kind (a water bill in
 * CCF shows CCF); the account's tenure bounds both periods, and `firstBilledDay` last year too.
 */
export async function periodUse(
  shards: UsageShards,
  accountMeters: AccountMeter[],
  period: { start: string; end: string },
  options: { firstBilledDay: string | null; showIn?: Partial<Record<MeterKind, DisplayUnit>> },
): Promise<{ meters: MeterUse[]; rowsRead: number }> {
  // The meters installed by the period's end that the account held on some day of it, with those days.
  const meters = accountMeters.flatMap((m) => {
    const span = m.installedOn <= period.end ? visibleSpan(m.held, period.start, period.end) : null;
    return span ? [{ meter: m, span: { start: span.from, end: span.to } }] : [];
  });
  let rowsRead = 0;
  if (!meters.length) return { meters: [], rowsRead };
  const yearBefore = (span: { start: string; end: string }) => ({ start: addYears(span.start, -1), end: addYears(span.end, -1) });
  const heldThroughout = (m: AccountMeter, span: { start: string; end: string }) => eachDay(span.start, span.end).every((d) => withinTenure(m.held, d));
  const notes = meters.map(({ meter: m, span }): MeterUse['lastYearNote'] => {
    const ly = yearBefore(span);
    if (!options.firstBilledDay || options.firstBilledDay > ly.start) return 'not_billed_then';
    if (!heldThroughout(m, ly)) return 'not_held_then';
    return m.installedOn > ly.start ? 'meter_not_installed' : null;
  });
  // This period and (where comparable) last year's: each shard's meters in one round trip, the shards at once.
  const empty = { results: [] as StoredDayTotal[], meta: { rows_read: 0 } };
  const reads = new Map<string, { now: D1Result<StoredDayTotal>; before: D1Result<StoredDayTotal> | null }>();
  const asked = meters.map(({ meter: m, span }, i) => ({ id: m.id, spans: notes[i] === null ? [span, yearBefore(span)] : [span] }));
  await Promise.all(
    (await shards.group(asked, (a) => a.id)).map(async ({ db, items }) => {
      const res = await db.batch<StoredDayTotal>(items.flatMap((a) => a.spans.map((s) => db.prepare(dayTotalsSql(false)).bind(a.id, s.start, s.end))));
      let at = 0;
      for (const a of items) reads.set(a.id, { now: res[at++]!, before: a.spans.length > 1 ? res[at++]! : null });
    }),
  );
  const out = meters.map(({ meter: m, span }, i): MeterUse => {
    const unit = options.showIn?.[m.kind] ?? (m.unit as DisplayUnit);
    const factor = conversionFactor(m.kind, m.unit as DisplayUnit, unit);
    // A meter with no shard has no reads yet.
    const read = reads.get(m.id);
    const now = read?.now ?? empty;
    const before = notes[i] === null ? (read?.before ?? empty) : null;
    rowsRead += (now.meta.rows_read ?? 0) + (before?.meta.rows_read ?? 0);
    const ly = yearBefore(span);
    return {
      meterId: m.id,
      kind: m.kind,
      serial: `…${m.serial.slice(-4)}`,
      unit,
      period: span,
      thisPeriod: sumUse(m, now.results, span.start, span.end, factor, unit),
      lastYear: before ? sumUse(m, before.results, ly.start, ly.end, factor, unit) : null,
      lastYearNote: notes[i]!,
    };
  });
  return { meters: out, rowsRead };
}

/** The change from last year in whole percent, or null when either side is unknown or last year was zero. */
export function changeFromLastYear(u: MeterUse): number | null {
  if (!u.lastYear || u.lastYear.value === null || u.thisPeriod.value === null || u.lastYear.value === 0) return null;
  return Math.round(((u.thisPeriod.value - u.lastYear.value) / u.lastYear.value) * 100);
}

/** The unit a bill's own volume lines use per kind (water in CCF when the bill charges CCF). */
export function unitsOfBill(lines: { unit: string | null; kind: string }[]): Partial<Record<MeterKind, DisplayUnit>> {
  const out: Partial<Record<MeterKind, DisplayUnit>> = {};
  for (const l of lines) {
    if (l.kind !== 'volume_tier' && l.kind !== 'energy_tier' && l.kind !== 'time_of_use') continue;
    if (l.unit === 'ccf' || l.unit === 'gal') out.water ??= l.unit;
    if (l.unit === 'kWh') out.electric ??= 'kWh';
    if (l.unit === 'therm') out.gas ??= 'therm';
  }
  return out;
}

