/**
 * A billing period's use beside the same period a year before, per meter of the account, from the
 * usage store (worker/usage): two short reads of day totals (about 30 rows each) rather than the
 * usage series' whole 13-month span, since a bill needs only the two periods.
 *
 * Whose use: the bill's own period was billed to this account, so its reads are the account's.
 * Last year's period is shown only when this account was billed for it too (its first bill began
 * on or before it): a previous occupant's use is never shown beside a newcomer's bill.
 */
import type { StoredDayTotal } from '../usage/store';
import { addYears, daySlots, eachDay } from '../usage/time';
import { conversionFactor, roundFor, type DisplayUnit, type MeterKind, type MeterUnit } from '../usage/units';

export type Quality = 'actual' | 'estimated' | 'incomplete' | 'missing';
export type Use = { value: number | null; quality: Quality; missingIntervals: number };
export type MeterUse = {
  meterId: string;
  kind: MeterKind;
  serial: string;
  unit: DisplayUnit;
  period: { start: string; end: string };
  thisPeriod: Use;
  /** Null with the reason when not shown. */
  lastYear: Use | null;
  lastYearNote: 'not_billed_then' | 'meter_not_installed' | null;
};

export type AccountMeter = { id: string; kind: MeterKind; unit: MeterUnit; intervalMinutes: number; serial: string; installedOn: string; timeZone: string };

/** The meters at the account's service addresses (for `periodUse`, which keeps those installed by the period's end). */
export function accountMetersStatement(db: D1Database, accountId: string) {
  return db
    .prepare(
      `SELECT m.id, m.kind, m.unit, m.interval_minutes AS intervalMinutes, m.serial_number AS serial, m.installed_on AS installedOn, u.time_zone AS timeZone
       FROM meters m JOIN service_points sp ON sp.id = m.service_point_id JOIN accounts a ON a.id = sp.account_id JOIN utilities u ON u.id = a.utility_id
       WHERE sp.account_id = ?1 ORDER BY m.kind DESC, m.id`,
    )
    .bind(accountId);
}

function sumUse(meter: AccountMeter, days: StoredDayTotal[], from: string, to: string, factor: number, unit: DisplayUnit): Use {
  const byDay = new Map(days.map((d) => [d.day, d]));
  let value = 0;
  let intervals = 0;
  let missing = 0;
  let estimated = 0;
  for (const day of eachDay(from, to)) {
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
 * CCF shows CCF); `firstBilledDay` bounds last year to the account's own time.
 */
export async function periodUse(
  db: D1Database,
  accountMeters: AccountMeter[],
  period: { start: string; end: string },
  options: { firstBilledDay: string | null; showIn?: Partial<Record<MeterKind, DisplayUnit>> },
): Promise<{ meters: MeterUse[]; rowsRead: number }> {
  const meters = accountMeters.filter((m) => m.installedOn <= period.end);
  let rowsRead = 0;
  if (!meters.length) return { meters: [], rowsRead };
  const ly = { start: addYears(period.start, -1), end: addYears(period.end, -1) };
  const notes = meters.map((m): MeterUse['lastYearNote'] =>
    !options.firstBilledDay || options.firstBilledDay > ly.start ? 'not_billed_then' : m.installedOn > ly.start ? 'meter_not_installed' : null,
  );
  const reads = await db.batch<StoredDayTotal>(
    meters.flatMap((m, i) => {
      // The query of readDayTotals (worker/usage/store.ts), as statements so every read is one round trip.
      const q = (from: string, to: string) =>
        db.prepare('SELECT day, length(quality) AS slots, total, missing, estimated FROM usage_days WHERE meter_id = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day').bind(m.id, from, to);
      return notes[i] === null ? [q(period.start, period.end), q(ly.start, ly.end)] : [q(period.start, period.end)];
    }),
  );
  let at = 0;
  const out = meters.map((m, i): MeterUse => {
    const unit = options.showIn?.[m.kind] ?? (m.unit as DisplayUnit);
    const factor = conversionFactor(m.kind, m.unit as DisplayUnit, unit);
    const now = reads[at++]!;
    const before = notes[i] === null ? reads[at++]! : null;
    rowsRead += (now.meta.rows_read ?? 0) + (before?.meta.rows_read ?? 0);
    return {
      meterId: m.id,
      kind: m.kind,
      serial: `…${m.serial.slice(-4)}`,
      unit,
      period,
      thisPeriod: sumUse(m, now.results, period.start, period.end, factor, unit),
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

