/**
 * Usage series for one meter over a range of local days, at native, hour, day, month or
 * billing-period resolution, with last year's figures and the similar-homes average beside each
 * point. Missing intervals are reported as missing (value null, or an "incomplete" sum with its
 * count), never as zero. Days outside the caller's tenure (tenure.ts) are no part of the caller's
 * data: they count neither as reads nor as missing, and a bucket with none of the caller's days is
 * "not_held"; last year's figures and the similar-homes average follow the same days.
 */
import type { Locale } from '../i18n/locale';
import type { MeterContext } from './meters';
import type { UsageShards } from './shards';
import { readDays, readDayTotals, readPeerDays, type PeerGroup, type StoredDay, type StoredDayTotal } from './store';
import { withinTenure, type DayRange } from './tenure';
import { addDays, addYears, dayStartUtc, daySlots, eachDay, localStamp, offsetMs, slotStart } from './time';
import { baseUnit, conversionFactor, roundFor, type DisplayUnit } from './units';

export const resolutions = ['native', 'hour', 'day', 'month', 'billing'] as const;
export type Resolution = (typeof resolutions)[number];
export type Quality = 'actual' | 'estimated' | 'incomplete' | 'missing' | 'not_held';

/** The fewest homes a similar-homes average may be computed from. */
export const MIN_SIMILAR_HOMES = 10;

/** Longest range (in days) per resolution, so a response stays a sensible size. */
export const maxRangeDays: Record<Resolution, number> = { native: 62, hour: 400, day: 800, month: 800, billing: 800 };

export type Point = {
  /** Start and end of the bucket (UTC instants). */
  start: string;
  end: string;
  /** Local label: "2026-03-08T01:00", "2026-03-08", "2026-03", or "2026-02-01 – 2026-02-28". */
  label: string;
  value: number | null;
  quality: Quality;
  intervals: number;
  missingIntervals: number;
  estimatedIntervals: number;
  lastYear: number | null;
  lastYearQuality: Quality;
  similarHomes: number | null;
};

export type BillingPeriod = { start: string; end: string };

export type SeriesRequest = {
  from: string;
  to: string;
  resolution: Resolution;
  unit: DisplayUnit;
  billingPeriods?: BillingPeriod[];
};

export type Series = {
  meterId: string;
  kind: MeterContext['kind'];
  meterUnit: MeterContext['unit'];
  unit: DisplayUnit;
  resolution: Resolution;
  from: string;
  to: string;
  timeZone: string;
  points: Point[];
  totals: { value: number; lastYear: number | null; missingIntervals: number; estimatedIntervals: number };
  similarHomes: {
    available: boolean;
    minimumHomes: number;
    group: { kind: string; serviceArea: string; household: string };
    note: string;
  };
  /** The days the caller may see of this meter (their tenures); null ends are open. */
  tenure: DayRange[];
  rowsRead: number;
};

type Cell = { value: number; intervals: number; missing: number; estimated: number };
const empty = (): Cell => ({ value: 0, intervals: 0, missing: 0, estimated: 0 });
function add(into: Cell, c: Cell) {
  into.value += c.value;
  into.intervals += c.intervals;
  into.missing += c.missing;
  into.estimated += c.estimated;
}
function qualityOf(c: Cell): Quality {
  // Only days outside the caller's tenure add no intervals.
  if (c.intervals === 0) return 'not_held';
  if (c.missing >= c.intervals) return 'missing';
  if (c.missing > 0) return 'incomplete';
  return c.estimated > 0 ? 'estimated' : 'actual';
}

type Bucket = { key: string; label: string; start: number; end: number; fromDay: string; toDay: string; cell: Cell; lastYear: Cell | null };

/** Interval-level buckets (native or hourly) from stored day rows; held days without a row count as missing. */
function intervalBuckets(meter: MeterContext, tenure: readonly DayRange[], days: StoredDay[], from: string, to: string, hourly: boolean): Bucket[] {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const buckets: Bucket[] = [];
  let current: Bucket | null = null;
  for (const day of eachDay(from, to)) {
    const slots = daySlots(day, meter.timeZone, meter.intervalMinutes);
    const row = byDay.get(day);
    const usable = row && row.quality.length === slots.count ? row : null;
    const held = withinTenure(tenure, day);
    // Local labels by arithmetic when the day has one UTC offset (all but the two DST days).
    const offStart = offsetMs(slots.start, meter.timeZone);
    const steady = offStart === offsetMs(slots.end - 1, meter.timeZone);
    const stampOf = (t: number) => (steady ? new Date(t + offStart).toISOString().slice(0, 16) : localStamp(t, meter.timeZone));
    for (let i = 0; i < slots.count; i++) {
      const start = slotStart(slots, i);
      const end = i === slots.count - 1 ? slots.end : start + slots.intervalMs;
      const q = usable ? usable.quality[i]! : '-';
      const v = usable ? usable.vals[i] : null;
      const has = (q === 'A' || q === 'E') && typeof v === 'number';
      const cell: Cell = held ? { value: has ? v : 0, intervals: 1, missing: has ? 0 : 1, estimated: q === 'E' ? 1 : 0 } : empty();
      const bucketStart = hourly && slots.intervalMs < 3_600_000 ? Math.floor(start / 3_600_000) * 3_600_000 : start;
      if (!current || current.start !== bucketStart) {
        const stamp = stampOf(bucketStart);
        current = { key: String(bucketStart), label: stamp, start: bucketStart, end, fromDay: day, toDay: day, cell: empty(), lastYear: null };
        buckets.push(current);
      }
      current.end = end;
      add(current.cell, cell);
    }
  }
  return buckets;
}

function dayCell(meter: MeterContext, tenure: readonly DayRange[], day: string, row: StoredDayTotal | undefined): Cell {
  if (!withinTenure(tenure, day)) return empty();
  const count = daySlots(day, meter.timeZone, meter.intervalMinutes).count;
  if (!row) return { value: 0, intervals: count, missing: count, estimated: 0 };
  return { value: row.total, intervals: row.slots, missing: row.missing, estimated: row.estimated };
}

const nextMonth = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 1)).toISOString().slice(0, 7);

/** Day, month or billing-period buckets as ranges of local days. */
function dayRanges(from: string, to: string, resolution: Resolution, periods: BillingPeriod[]): { key: string; label: string; fromDay: string; toDay: string }[] {
  if (resolution === 'day') return eachDay(from, to).map((d) => ({ key: d, label: d, fromDay: d, toDay: d }));
  if (resolution === 'month') {
    const out = [];
    for (let m = from.slice(0, 7); m <= to.slice(0, 7); m = nextMonth(m)) {
      const first = `${m}-01`;
      const end = addDays(`${nextMonth(m)}-01`, -1);
      out.push({ key: m, label: m, fromDay: first < from ? from : first, toDay: end > to ? to : end });
    }
    return out;
  }
  return periods
    .filter((p) => p.end >= from && p.start <= to)
    .map((p) => ({ key: p.start, label: `${p.start} – ${p.end}`, fromDay: p.start < from ? from : p.start, toDay: p.end > to ? to : p.end }));
}

/** The same local days one year earlier (a whole month maps to the whole month). */
function lastYearRange(fromDay: string, toDay: string, resolution: Resolution) {
  const start = addYears(fromDay, -1);
  let end = addYears(toDay, -1);
  if (resolution === 'month' && addDays(toDay, 1).endsWith('-01')) end = addDays(addYears(addDays(toDay, 1), -1), -1);
  return { start, end };
}

/**
 * Builds a series. `db` is the raw D1 binding; `meter` has been checked for the caller's right
 * already, and `tenure` is the days the caller may see of it (meterForViewer).
 */
/** The similar-homes note in the reader's language (the API answers in its calling page's). */
const similarNotes = {
  en: {
    byDay: 'Similar homes are compared by day; choose day, month or billing period to see them.',
    noGroup: 'There is no comparison group for this meter yet.',
    shown: (min: number) => `Average of similar homes, each from at least ${min} homes; withheld where fewer homes had complete reads.`,
    withheld: (min: number) => `Withheld: fewer than ${min} similar homes had complete reads for this range.`,
  },
  es: {
    byDay: 'Los hogares parecidos se comparan por día; elija por día, por mes o por período de facturación para verlos.',
    noGroup: 'Todavía no hay un grupo de comparación para este medidor.',
    shown: (min: number) => `Promedio de hogares parecidos, cada uno de al menos ${min} hogares; no se muestra donde menos hogares tenían lecturas completas.`,
    withheld: (min: number) => `No se muestra: menos de ${min} hogares parecidos tenían lecturas completas en estas fechas.`,
  },
} satisfies Record<Locale, unknown>;

export async function usageSeries(shards: UsageShards, meter: MeterContext, req: SeriesRequest, similarGroup: PeerGroup | null, tenure: readonly DayRange[], locale: Locale = 'en'): Promise<Series> {
  const notes = similarNotes[locale];
  const { from, to, resolution } = req;
  const factor = conversionFactor(meter.kind, meter.unit as DisplayUnit, req.unit);
  let rowsRead = 0;
  let buckets: Bucket[];

  if (resolution === 'native' || resolution === 'hour') {
    const lyFrom = addYears(from, -1);
    const lyTo = addYears(to, -1);
    const [now, before] = await Promise.all([readDays(shards, meter.id, from, to, tenure), readDays(shards, meter.id, lyFrom, lyTo, tenure)]);
    rowsRead += now.rowsRead + before.rowsRead;
    buckets = intervalBuckets(meter, tenure, now.days, from, to, resolution === 'hour');
    // Last year by local wall time: the same month, day, hour and minute one year earlier.
    const previous = new Map(intervalBuckets(meter, tenure, before.days, lyFrom, lyTo, resolution === 'hour').map((b) => [b.label.slice(5), b.cell]));
    for (const b of buckets) b.lastYear = previous.get(b.label.slice(5)) ?? null;
  } else {
    const ranges = dayRanges(from, to, resolution, req.billingPeriods ?? []);
    const first = ranges.length ? ranges[0]!.fromDay : from;
    const last = ranges.length ? ranges[ranges.length - 1]!.toDay : to;
    const { days, rowsRead: r } = await readDayTotals(shards, meter.id, addYears(first, -1), last, tenure);
    rowsRead += r;
    const byDay = new Map(days.map((d) => [d.day, d]));
    const sum = (a: string, b: string) => {
      const c = empty();
      for (const d of eachDay(a, b)) add(c, dayCell(meter, tenure, d, byDay.get(d)));
      return c;
    };
    buckets = ranges.map((rg) => {
      const ly = lastYearRange(rg.fromDay, rg.toDay, resolution);
      return {
        key: rg.key,
        label: rg.label,
        start: dayStartUtc(rg.fromDay, meter.timeZone),
        end: dayStartUtc(addDays(rg.toDay, 1), meter.timeZone),
        fromDay: rg.fromDay,
        toDay: rg.toDay,
        cell: sum(rg.fromDay, rg.toDay),
        lastYear: sum(ly.start, ly.end),
      };
    });
  }

  // Similar homes: daily de-identified averages, shown only where every day of the bucket had
  // at least MIN_SIMILAR_HOMES complete homes in the group.
  const similar = new Map<string, number | null>();
  let similarShown = false;
  let note: string;
  if (resolution === 'native' || resolution === 'hour') {
    note = notes.byDay;
  } else if (similarGroup === null) {
    note = notes.noGroup;
  } else {
    const first = buckets[0]?.fromDay ?? from;
    const last = buckets[buckets.length - 1]?.toDay ?? to;
    const peer = await readPeerDays(shards, similarGroup, first, last);
    rowsRead += peer.rowsRead;
    const byDay = new Map(peer.days.map((d) => [d.day, d]));
    const toDisplay = conversionFactor(meter.kind, baseUnit(meter.kind), req.unit);
    for (const b of buckets) {
      let total = 0;
      // Compared over the caller's own days of the bucket only, like for like.
      const held = eachDay(b.fromDay, b.toDay).filter((d) => withinTenure(tenure, d));
      let ok = held.length > 0;
      for (const d of ok ? held : []) {
        const p = byDay.get(d);
        if (!p || p.homes < MIN_SIMILAR_HOMES) {
          ok = false;
          break;
        }
        total += p.total / p.homes;
      }
      similar.set(b.key, ok ? roundFor(req.unit, total * toDisplay) : null);
      similarShown ||= ok;
    }
    note = !peer.found ? notes.noGroup : similarShown ? notes.shown(MIN_SIMILAR_HOMES) : notes.withheld(MIN_SIMILAR_HOMES);
  }

  const totals = { value: 0, lastYear: 0 as number | null, missingIntervals: 0, estimatedIntervals: 0 };
  let lastYearSeen = false;
  const noValue = (q: Quality) => q === 'missing' || q === 'not_held';
  const points: Point[] = buckets.map((b) => {
    const value = noValue(qualityOf(b.cell)) ? null : roundFor(req.unit, b.cell.value * factor);
    const lyQuality = b.lastYear ? qualityOf(b.lastYear) : 'missing';
    const lastYear = b.lastYear && !noValue(lyQuality) ? roundFor(req.unit, b.lastYear.value * factor) : null;
    totals.value += b.cell.value;
    totals.missingIntervals += b.cell.missing;
    totals.estimatedIntervals += b.cell.estimated;
    if (lastYear !== null) {
      totals.lastYear! += b.lastYear!.value;
      lastYearSeen = true;
    }
    return {
      start: new Date(b.start).toISOString(),
      end: new Date(b.end).toISOString(),
      label: b.label,
      value,
      quality: qualityOf(b.cell),
      intervals: b.cell.intervals,
      missingIntervals: b.cell.missing,
      estimatedIntervals: b.cell.estimated,
      lastYear,
      lastYearQuality: lyQuality,
      similarHomes: similar.get(b.key) ?? null,
    };
  });

  return {
    meterId: meter.id,
    kind: meter.kind,
    meterUnit: meter.unit,
    unit: req.unit,
    resolution,
    from,
    to,
    timeZone: meter.timeZone,
    points,
    totals: {
      value: roundFor(req.unit, totals.value * factor),
      lastYear: lastYearSeen ? roundFor(req.unit, totals.lastYear! * factor) : null,
      missingIntervals: totals.missingIntervals,
      estimatedIntervals: totals.estimatedIntervals,
    },
    similarHomes: {
      available: similarShown,
      minimumHomes: MIN_SIMILAR_HOMES,
      group: { kind: meter.kind, serviceArea: meter.serviceArea, household: meter.household ?? 'any' },
      note,
    },
    tenure: tenure.map(({ from: f, to: t }) => ({ from: f, to: t })),
    rowsRead,
  };
}
