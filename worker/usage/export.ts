/**
 * Exports of one meter's interval reads: CSV (the same columns ingest accepts, so an export can be
 * sent back in) and a Green Button "Download My Data" Atom feed (NAESB REQ.21 ESPI 3.3).
 */
import type { MeterContext } from './meters';
import type { StoredDay } from './store';
import { withinTenure, type DayRange } from './tenure';
import { daySlots, eachDay, localIso, offsetMs, slotStart } from './time';
import { conversionFactor, roundFor, type DisplayUnit } from './units';

type Interval = { start: number; end: number; value: number | null; quality: 'actual' | 'estimated' | 'missing' };

/** The days of a range an export covers: those in the caller's tenure (every day when none is given). */
const exportedDays = (from: string, to: string, tenure: readonly DayRange[] | undefined) => eachDay(from, to).filter((d) => !tenure || withinTenure(tenure, d));

/**
 * Every interval of every local day in the range that the caller held; days or slots without a
 * read come out as missing. Days outside `tenure` are left out (they are someone else's).
 */
export function intervalsOf(meter: MeterContext, days: StoredDay[], from: string, to: string, tenure?: readonly DayRange[]): { day: string; dayStart: number; dayEnd: number; intervals: Interval[] }[] {
  const byDay = new Map(days.map((d) => [d.day, d]));
  return exportedDays(from, to, tenure).map((day) => {
    const slots = daySlots(day, meter.timeZone, meter.intervalMinutes);
    const row = byDay.get(day);
    const usable = row && row.quality.length === slots.count ? row : null;
    const intervals: Interval[] = [];
    for (let i = 0; i < slots.count; i++) {
      const start = slotStart(slots, i);
      const q = usable?.quality[i] ?? '-';
      const v = usable?.vals[i] ?? null;
      const has = (q === 'A' || q === 'E') && typeof v === 'number';
      intervals.push({ start, end: i === slots.count - 1 ? slots.end : start + slots.intervalMs, value: has ? v : null, quality: has ? (q === 'E' ? 'estimated' : 'actual') : 'missing' });
    }
    return { day, dayStart: slots.start, dayEnd: slots.end, intervals };
  });
}

const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

export const CSV_HEADER = 'meter_id,interval_start,interval_end,local_start,value,unit,quality';

/** CSV of every interval: UTC start and end, local start with offset, value in `unit`, quality. */
export function usageCsv(meter: MeterContext, days: StoredDay[], from: string, to: string, unit: DisplayUnit, tenure?: readonly DayRange[]): string {
  const factor = conversionFactor(meter.kind, meter.unit as DisplayUnit, unit);
  const lines = [CSV_HEADER];
  for (const d of intervalsOf(meter, days, from, to, tenure)) {
    for (const i of d.intervals) {
      lines.push(
        [meter.id, new Date(i.start).toISOString(), new Date(i.end).toISOString(), localIso(i.start, meter.timeZone), i.value === null ? '' : String(roundFor(unit, i.value * factor)), unit, i.quality]
          .map(csvField)
          .join(','),
      );
    }
  }
  return lines.join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------- Green Button

/**
 * How each meter unit is written in ESPI: base unit code (UnitSymbolKind), power-of-ten multiplier
 * and the factor that makes an integer value (IntervalReading.value is an Int48).
 * gal → uom 128 (US gallon) × 10^-2; ccf → uom 119 (ft³) × 10^0, 100 ft³ each; kWh → uom 72 (Wh)
 * × 10^0; therm → uom 169 (therm) × 10^-3.
 */
export const espiUnits = {
  gal: { uom: 128, powerOfTenMultiplier: -2, perUnit: 100 },
  ccf: { uom: 119, powerOfTenMultiplier: 0, perUnit: 100 },
  kWh: { uom: 72, powerOfTenMultiplier: 0, perUnit: 1000 },
  therm: { uom: 169, powerOfTenMultiplier: -3, perUnit: 1000 },
} as const;

/** ServiceKind (0 electricity, 1 gas, 2 water), CommodityKind (1 electricity metered, 7 natural gas, 9 potable water), MeasurementKind (12 energy, 58 volume). */
export const espiKinds = {
  electric: { service: 0, commodity: 1, measurement: 12 },
  gas: { service: 1, commodity: 7, measurement: 12 },
  water: { service: 2, commodity: 9, measurement: 58 },
} as const;

/** US daylight-saving rules as ESPI DstRuleType: second Sunday of March and first Sunday of November at 02:00. */
const US_DST_START = '360E2000';
const US_DST_END = 'B40E2000';

export const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** A stable urn:uuid from a name (SHA-256 based, version nibble 5 style). */
export async function uuidFor(name: string) {
  const h = [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(name)))].slice(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Standard and daylight offsets of a zone in a year, in seconds. */
function zoneOffsets(timeZone: string, year: number) {
  const jan = offsetMs(Date.UTC(year, 0, 15), timeZone) / 1000;
  const jul = offsetMs(Date.UTC(year, 6, 15), timeZone) / 1000;
  return { standard: Math.min(jan, jul), dst: Math.abs(jul - jan) };
}

/** Where a meter's ESPI resources live: Download My Data uses one subscription per meter; Connect My Data the authorisation's. */
export type EspiLayout = { base: string; subscription: string; usagePointId: string };

/** The Download My Data layout: `/espi/1_1/resource/Subscription/<meter hash>/UsagePoint/1`. */
export async function downloadLayout(meterId: string, origin: string): Promise<EspiLayout> {
  const pointId = (await uuidFor(`usage-point:${meterId}`)).slice(0, 8);
  const base = `${origin.replace(/\/$/, '')}/espi/1_1/resource`;
  return { base, subscription: `${base}/Subscription/${pointId}`, usagePointId: '1' };
}

/** The 8-hex id a meter's usage point has in Connect My Data resource URIs (stable, reveals nothing of the meter id). */
export const usagePointIdOf = async (meterId: string) => (await uuidFor(`usage-point:${meterId}`)).slice(0, 8);

export const espiStamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** An Atom link; its ESPI type is the resource named by the href ("espi-entry/<Resource>" or "espi-feed/<Resource>"). */
const resourceOf = (href: string) => href.replace(/\/\d{8}$|\/[0-9a-f]{8}(-[\w-]+)?$|\/\d+$/, '').split('/').pop()!;
const link = (rel: string, href: string, collection: boolean) => `<link rel="${rel}" href="${xmlEscape(href)}" type="espi-${collection ? 'feed' : 'entry'}/${resourceOf(href)}"/>`;

/** One Atom entry (stable urn:uuid from `key`). */
export async function atomEntry(key: string, self: string, links: [string, string][], title: string, content: string, now: string) {
  return `<entry><id>urn:uuid:${await uuidFor(key)}</id>${link('self', self, false)}${links.map(([rel, href]) => link(rel, href, rel === 'up' || /\/(MeterReading|IntervalBlock|UsageSummary)$/.test(href))).join('')}<title>${xmlEscape(title)}</title><content>${content}</content><published>${now}</published><updated>${now}</updated></entry>`;
}

/** An Atom feed document around entries. */
export async function atomFeed(options: { key: string; title: string; self: string; now: string; entries: string[] }) {
  return [`<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xmlns:espi="http://naesb.org/espi">`, `<id>urn:uuid:${await uuidFor(options.key)}</id>`, `<title>${xmlEscape(options.title)}</title>`, `<updated>${options.now}</updated>`, link('self', options.self, true), ...options.entries, '</feed>\n'].join('\n');
}

/** A single Atom entry as a document (the answer for one ESPI resource). */
export const atomEntryDocument = (entry: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${entry.replace('<entry>', '<entry xmlns="http://www.w3.org/2005/Atom" xmlns:espi="http://naesb.org/espi">')}\n`;

type Bucketed = { day: string; dayStart: number; dayEnd: number; intervals: Interval[] };

/** Sums a day's intervals into `seconds`-long ones (a whole day for 86400); any missing part makes the sum missing. */
function bucket(days: Bucketed[], seconds: number): Bucketed[] {
  return days.map((d) => {
    const n = d.intervals.length;
    const span = seconds >= 86_400 ? n : Math.max(1, Math.round((seconds * 1000) / Math.max(1, d.intervals[0] ? d.intervals[0].end - d.intervals[0].start : 1)));
    if (span <= 1) return d;
    const out: Interval[] = [];
    for (let i = 0; i < n; i += span) {
      const part = d.intervals.slice(i, i + span);
      const missing = part.some((p) => p.value === null);
      out.push({ start: part[0]!.start, end: part[part.length - 1]!.end, value: missing ? null : part.reduce((a, p) => a + p.value!, 0), quality: missing ? 'missing' : part.some((p) => p.quality === 'estimated') ? 'estimated' : 'actual' });
    }
    return { ...d, intervals: out };
  });
}

/**
 * The ESPI entries of one meter: LocalTimeParameters, UsagePoint, MeterReading, ReadingType and one
 * IntervalBlock per local day in the range (within `tenure`). `intervalSeconds` coarser than the
 * meter's own sums its reads; `qualities: false` leaves out ReadingQuality (function block 5);
 * `skipEmptyDays` writes no block for a day without a single read (Connect My Data's feeds).
 */
export async function espiEntries(options: { meter: MeterContext; days: StoredDay[]; from: string; to: string; layout: EspiLayout; now: string; tenure?: readonly DayRange[]; intervalSeconds?: number; qualities?: boolean; skipEmptyDays?: boolean }) {
  const { meter, layout, now } = options;
  const unit = espiUnits[meter.unit];
  const kind = espiKinds[meter.kind];
  const pointId = (await uuidFor(`usage-point:${meter.id}`)).slice(0, 8);
  const { base, subscription } = layout;
  const upHref = `${subscription}/UsagePoint/${layout.usagePointId}`;
  const mrHref = `${upHref}/MeterReading/1`;
  const seconds = Math.max(meter.intervalMinutes * 60, options.intervalSeconds ?? 0);
  const rtHref = `${base}/ReadingType/${pointId}-${meter.unit}-${seconds / 60}`;
  const ltpHref = `${base}/LocalTimeParameters/${pointId}`;
  const offsets = zoneOffsets(meter.timeZone, Number(options.from.slice(0, 4)));
  const key = (name: string) => `${meter.id}:${name}`;
  const localTime = await atomEntry(key('local-time'), ltpHref, [['up', `${base}/LocalTimeParameters`]], 'Local time parameters', `<espi:LocalTimeParameters><espi:dstEndRule>${offsets.dst ? US_DST_END : 'FFFFFFFF'}</espi:dstEndRule><espi:dstOffset>${offsets.dst}</espi:dstOffset><espi:dstStartRule>${offsets.dst ? US_DST_START : 'FFFFFFFF'}</espi:dstStartRule><espi:tzOffset>${offsets.standard}</espi:tzOffset></espi:LocalTimeParameters>`, now);
  const usagePoint = await atomEntry(key('usage-point'), upHref, [['up', `${subscription}/UsagePoint`], ['related', `${upHref}/MeterReading`], ['related', ltpHref]], `${meter.kind === 'electric' ? 'Electricity' : meter.kind === 'gas' ? 'Gas' : 'Water'} service`, `<espi:UsagePoint><espi:ServiceCategory><espi:kind>${kind.service}</espi:kind></espi:ServiceCategory><espi:status>1</espi:status></espi:UsagePoint>`, now);
  const meterReading = await atomEntry(key('meter-reading'), mrHref, [['up', `${upHref}/MeterReading`], ['related', `${mrHref}/IntervalBlock`], ['related', rtHref]], `${seconds / 60}-minute reads`, `<espi:MeterReading/>`, now);
  const readingType = await atomEntry(key('reading-type'), rtHref, [['up', `${base}/ReadingType`]], 'Reading type', `<espi:ReadingType><espi:accumulationBehaviour>4</espi:accumulationBehaviour><espi:commodity>${kind.commodity}</espi:commodity><espi:dataQualifier>12</espi:dataQualifier><espi:defaultQuality>0</espi:defaultQuality><espi:flowDirection>1</espi:flowDirection><espi:intervalLength>${seconds}</espi:intervalLength><espi:kind>${kind.measurement}</espi:kind><espi:phase>0</espi:phase><espi:powerOfTenMultiplier>${unit.powerOfTenMultiplier}</espi:powerOfTenMultiplier><espi:timeAttribute>0</espi:timeAttribute><espi:uom>${unit.uom}</espi:uom></espi:ReadingType>`, now);
  // One IntervalBlock per local day; missing intervals are left out (never written as zero).
  const blocks: string[] = [];
  let readings = 0;
  for (const d of bucket(intervalsOf(meter, options.days, options.from, options.to, options.tenure), seconds)) {
    const known = d.intervals.filter((i) => i.value !== null);
    if (options.skipEmptyDays && known.length === 0) continue;
    readings += known.length;
    const body = known.map((i) => `<espi:IntervalReading>${i.quality === 'estimated' && options.qualities !== false ? '<espi:ReadingQuality><espi:quality>8</espi:quality></espi:ReadingQuality>' : ''}<espi:timePeriod><espi:duration>${(i.end - i.start) / 1000}</espi:duration><espi:start>${i.start / 1000}</espi:start></espi:timePeriod><espi:value>${Math.round(i.value! * unit.perUnit)}</espi:value></espi:IntervalReading>`).join('');
    blocks.push(await atomEntry(key(`block:${d.day}`), `${mrHref}/IntervalBlock/${d.day.replaceAll('-', '')}`, [['up', `${mrHref}/IntervalBlock`]], `Reads for ${d.day}`, `<espi:IntervalBlock><espi:interval><espi:duration>${(d.dayEnd - d.dayStart) / 1000}</espi:duration><espi:start>${d.dayStart / 1000}</espi:start></espi:interval>${body}</espi:IntervalBlock>`, now));
  }
  return { localTime, usagePoint, meterReading, readingType, blocks, readings, hrefs: { usagePoint: upHref, meterReading: mrHref, readingType: rtHref, localTime: ltpHref } };
}

/** Green Button Download My Data feed for one meter and range of local days. */
export async function greenButtonFeed(options: { meter: MeterContext; days: StoredDay[]; from: string; to: string; origin: string; utilityName: string; tenure?: readonly DayRange[]; now?: Date }): Promise<string> {
  const { meter } = options;
  const now = espiStamp(options.now ?? new Date());
  const layout = await downloadLayout(meter.id, options.origin);
  const e = await espiEntries({ meter, days: options.days, from: options.from, to: options.to, layout, now, tenure: options.tenure });
  return atomFeed({ key: `feed:${meter.id}:${options.from}:${options.to}`, title: `${options.utilityName}: Green Button usage ${options.from} to ${options.to}`, self: `${layout.subscription}/UsagePoint`, now, entries: [e.localTime, e.usagePoint, e.meterReading, e.readingType, ...e.blocks] });
}

export type { Interval };
