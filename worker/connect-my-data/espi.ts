/**
 * The data custodian's ESPI resources for one authorisation, apart from HTTP: which resource a
 * path names, and its Atom feed or entry, written with the Download My Data writer
 * (worker/usage/export.ts). Only the meters the customer chose, only the blocks granted, and only
 * days within both the authorised history and the authorising account's tenure ever leave.
 */
import { and, asc, eq, gte, lte } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { bills, utilities } from '../../db/schema';
import { atomEntry, atomEntryDocument, atomFeed, espiStamp, espiUnits, usagePointIdOf, espiEntries, xmlEscape, type EspiLayout } from '../usage/export';
import { meterContext, type MeterContext } from '../usage/meters';
import type { StoredDay } from '../usage/store';
import type { UsageShards } from '../usage/shards';
import { readDays, readDayTotals } from '../usage/store';
import { accountTenureOn, today } from './consent';
import type { Access } from './oauth';
import { addDays, dayStartUtc, isDay } from '../usage/time';
import type { DayRange } from '../usage/tenure';
import { utility } from '../tenants/scope';

/** A resource path after `/api/espi/1_1/resource/`, parsed; null when it names nothing we serve. */
export type EspiPath =
  | { kind: 'batch'; subscription: string }
  | { kind: 'usage_points'; subscription: string }
  | { kind: 'usage_point'; subscription: string; usagePoint: string }
  | { kind: 'meter_readings'; subscription: string; usagePoint: string }
  | { kind: 'meter_reading'; subscription: string; usagePoint: string }
  | { kind: 'interval_blocks'; subscription: string; usagePoint: string }
  | { kind: 'interval_block'; subscription: string; usagePoint: string; day: string }
  | { kind: 'usage_summaries'; subscription: string; usagePoint: string }
  | { kind: 'reading_type'; id: string }
  | { kind: 'local_time'; id: string }
  | { kind: 'authorization'; id: string };

const seg = /^[A-Za-z0-9_-]{1,64}$/;

export function parseEspiPath(rest: string): EspiPath | null {
  const p = rest.split('/').filter((s, i, all) => s !== '' || i < all.length - 1);
  if (p.some((s) => !seg.test(s))) return null;
  const [a, b, c, d, e, f, g, h, i] = p;
  if (a === 'Batch' && b === 'Subscription' && c && p.length === 3) return { kind: 'batch', subscription: c };
  if (a === 'ReadingType' && b && p.length === 2) return { kind: 'reading_type', id: b };
  if (a === 'LocalTimeParameters' && b && p.length === 2) return { kind: 'local_time', id: b };
  if (a === 'Authorization' && b && p.length === 2) return { kind: 'authorization', id: b };
  if (a !== 'Subscription' || !b) return null;
  if (p.length === 2) return { kind: 'batch', subscription: b };
  if (c !== 'UsagePoint') return null;
  if (p.length === 3) return { kind: 'usage_points', subscription: b };
  if (!d) return null;
  if (p.length === 4) return { kind: 'usage_point', subscription: b, usagePoint: d };
  if (e === 'UsageSummary' && p.length === 5) return { kind: 'usage_summaries', subscription: b, usagePoint: d };
  if (e !== 'MeterReading') return null;
  if (p.length === 5) return { kind: 'meter_readings', subscription: b, usagePoint: d };
  if (f !== '1') return null;
  if (p.length === 6) return { kind: 'meter_reading', subscription: b, usagePoint: d };
  if (g !== 'IntervalBlock') return null;
  if (p.length === 7) return { kind: 'interval_blocks', subscription: b, usagePoint: d };
  if (h && /^\d{8}$/.test(h) && p.length === 8 && i === undefined) {
    const day = `${h.slice(0, 4)}-${h.slice(4, 6)}-${h.slice(6)}`;
    return isDay(day) ? { kind: 'interval_block', subscription: b, usagePoint: d, day } : null;
  }
  return null;
}

export type EspiAnswer = { xml: string; records: number; description: string } | null;

type Served = { meter: MeterContext; usagePointId: string; tenure: DayRange[] };

/** Where the resources' data comes from: D1 in the worker (d1Source), generated days in the sample script. */
export type EspiSource = {
  meter(meterId: string, accountId: string): Promise<MeterContext | null>;
  /** The days `accountId` held the meter's service point. */
  tenure(accountId: string, meterId: string): Promise<DayRange[]>;
  days(meterId: string, from: string, to: string, tenure: DayRange[]): Promise<StoredDay[]>;
  dayTotals(meterId: string, from: string, to: string, tenure: DayRange[]): Promise<{ total: number | null }[]>;
  billPeriods(accountId: string, from: string, to: string): Promise<{ start: string; end: string }[]>;
  utilityName(): Promise<string>;
};

export function d1Source(db: DrizzleD1Database, raw: D1Database, shards: UsageShards): EspiSource {
  return {
    meter: (meterId, accountId) => meterContext(db, meterId, accountId),
    tenure: (accountId, meterId) => accountTenureOn(raw, accountId, meterId),
    days: async (meterId, from, to, tenure) => (await readDays(shards, meterId, from, to, tenure)).days,
    dayTotals: async (meterId, from, to, tenure) => (await readDayTotals(shards, meterId, from, to, tenure)).days,
    billPeriods: (accountId, from, to) => db.select({ start: bills.periodStart, end: bills.periodEnd }).from(bills).where(and(eq(bills.accountId, accountId), gte(bills.periodStart, from), lte(bills.periodEnd, to))).orderBy(asc(bills.periodStart)),
    utilityName: async () => (await db.select({ name: utilities.name }).from(utilities).limit(1))[0]?.name ?? 'Utility',
  };
}

const kindWords = { electric: 'Electricity', water: 'Water', gas: 'Gas' } as const;
const dayWords = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });
const fmt = (day: string) => dayWords.format(new Date(`${day}T00:00:00Z`));

/** The authorised meters with their usage point ids and the days the authorising account held them. */
async function servedMeters(source: EspiSource, access: Pick<Access, 'meterIds' | 'authorization'>): Promise<Served[]> {
  const out: Served[] = [];
  for (const meterId of access.meterIds) {
    const meter = await source.meter(meterId, access.authorization.accountId);
    if (!meter) continue;
    out.push({ meter, usagePointId: await usagePointIdOf(meterId), tenure: await source.tenure(access.authorization.accountId, meterId) });
  }
  return out;
}

/**
 * The answer for one resource, or null (404) when the path names nothing this authorisation may
 * see: another subscription, a usage point not chosen, a block not granted.
 */
export async function espiResource(options: { source: EspiSource; access: Pick<Access, 'meterIds' | 'authorization' | 'scope'> & { application: { name: string } }; path: EspiPath; origin: string; now: Date; range?: { from?: string; to?: string } }): Promise<EspiAnswer> {
  const { source, access, path, now } = options;
  const a = access.authorization;
  const base = `${options.origin.replace(/\/$/, '')}/api/espi/1_1/resource`;
  const stamp = espiStamp(now);
  const layoutFor = (usagePointId: string): EspiLayout => ({ base, subscription: `${base}/Subscription/${a.subscriptionId}`, usagePointId });
  const blocks = new Set<number>(access.scope.blocks);

  if (path.kind === 'authorization') {
    if (path.id !== a.id) return null;
    const self = `${base}/Authorization/${a.id}`;
    const created = Math.floor(Date.parse(a.createdAt) / 1000);
    const ends = Math.floor(Date.parse(a.endsAt) / 1000);
    const content = `<espi:Authorization><espi:authorizedPeriod><espi:duration>${ends - created}</espi:duration><espi:start>${created}</espi:start></espi:authorizedPeriod><espi:publishedPeriod><espi:duration>${ends - Math.floor(dayStartUtc(a.dataFrom, utility().timeZone) / 1000)}</espi:duration><espi:start>${Math.floor(dayStartUtc(a.dataFrom, utility().timeZone) / 1000)}</espi:start></espi:publishedPeriod><espi:status>1</espi:status><espi:expires_at>${ends}</espi:expires_at><espi:grant_type>authorization_code</espi:grant_type><espi:scope>${xmlEscape(a.scope)}</espi:scope><espi:token_type>Bearer</espi:token_type><espi:resourceURI>${xmlEscape(`${base}/Batch/Subscription/${a.subscriptionId}`)}</espi:resourceURI><espi:authorizationURI>${xmlEscape(self)}</espi:authorizationURI></espi:Authorization>`;
    return { xml: atomEntryDocument(await atomEntry(`authorization:${a.id}`, self, [['up', `${base}/Authorization`]], `Authorization for ${access.application.name}`, content, stamp)), records: 1, description: 'The terms of your authorisation' };
  }

  if ('subscription' in path && path.subscription !== a.subscriptionId) return null;
  const served = await servedMeters(source, access);
  const pick = 'usagePoint' in path ? served.filter((s) => s.usagePointId === path.usagePoint) : served;
  if ('usagePoint' in path && pick.length === 0) return null;

  // The days this call may cover: the authorised history, narrowed by the request's published-min/max.
  const end = today(now);
  let from = a.dataFrom > (options.range?.from ?? '') ? a.dataFrom : options.range!.from!;
  let to = options.range?.to && options.range.to < end ? options.range.to : end;
  if (path.kind === 'interval_block') from = to = path.day;
  if (from < a.dataFrom) from = a.dataFrom;
  const what = (s: Served[]) => s.map((x) => kindWords[x.meter.kind]).join(' and ');

  const entriesOf = async (s: Served, withDays: boolean) => {
    const days = withDays && blocks.has(4) ? await source.days(s.meter.id, from, to, s.tenure) : [];
    return espiEntries({ meter: s.meter, days, from: withDays ? from : to, to, layout: layoutFor(s.usagePointId), now: stamp, tenure: s.tenure, intervalSeconds: access.scope.intervalSeconds, qualities: blocks.has(5), skipEmptyDays: true });
  };
  const span = from <= to ? `${fmt(from)} to ${fmt(to)}` : 'no days';

  switch (path.kind) {
    case 'reading_type':
    case 'local_time': {
      for (const s of served) {
        const e = await entriesOf(s, false);
        if (path.kind === 'local_time' && e.hrefs.localTime.endsWith(`/${path.id}`)) return { xml: atomEntryDocument(e.localTime), records: 1, description: 'Your time zone' };
        if (path.kind === 'reading_type' && blocks.has(4) && e.hrefs.readingType.endsWith(`/${path.id}`)) return { xml: atomEntryDocument(e.readingType), records: 1, description: `How your ${kindWords[s.meter.kind].toLowerCase()} reads are measured` };
      }
      return null;
    }
    case 'usage_point': {
      const e = await entriesOf(pick[0]!, false);
      return { xml: atomEntryDocument(e.usagePoint), records: 1, description: `${what(pick)} service` };
    }
    case 'usage_points': {
      const entries = [];
      for (const s of pick) entries.push((await entriesOf(s, false)).usagePoint);
      return { xml: await atomFeed({ key: `up:${a.id}`, title: 'Usage points', self: `${layoutFor('').subscription}/UsagePoint`, now: stamp, entries }), records: entries.length, description: `Your services (${what(pick)})` };
    }
    case 'meter_reading':
    case 'meter_readings': {
      if (!blocks.has(4)) return null;
      const e = await entriesOf(pick[0]!, false);
      if (path.kind === 'meter_reading') return { xml: atomEntryDocument(e.meterReading), records: 1, description: `${what(pick)} meter reading` };
      return { xml: await atomFeed({ key: `mr:${a.id}:${path.usagePoint}`, title: 'Meter readings', self: `${e.hrefs.usagePoint}/MeterReading`, now: stamp, entries: [e.meterReading, e.readingType] }), records: 2, description: `${what(pick)} meter reading` };
    }
    case 'interval_block':
    case 'interval_blocks': {
      if (!blocks.has(4)) return null;
      if (path.kind === 'interval_block' && (path.day < a.dataFrom || path.day > end)) return null;
      const e = await entriesOf(pick[0]!, true);
      if (path.kind === 'interval_block') {
        if (e.blocks.length === 0) return null;
        return { xml: atomEntryDocument(e.blocks[0]!), records: e.readings, description: `${what(pick)} meter reads, ${fmt(path.day)}` };
      }
      return { xml: await atomFeed({ key: `ib:${a.id}:${path.usagePoint}:${from}:${to}`, title: 'Interval blocks', self: `${e.hrefs.meterReading}/IntervalBlock`, now: stamp, entries: e.blocks }), records: e.readings, description: `${what(pick)} meter reads, ${span}` };
    }
    case 'usage_summaries': {
      if (!blocks.has(16)) return null;
      const entries = await summaries(source, pick[0]!, layoutFor(pick[0]!.usagePointId), a.accountId, from, to, stamp);
      return { xml: await atomFeed({ key: `us:${a.id}:${path.usagePoint}`, title: 'Usage summaries', self: `${layoutFor(pick[0]!.usagePointId).subscription}/UsagePoint/${pick[0]!.usagePointId}/UsageSummary`, now: stamp, entries }), records: entries.length, description: `${what(pick)} totals per billing period, ${span}` };
    }
    case 'batch': {
      const entries: string[] = [];
      let records = 0;
      let first = true;
      for (const s of pick) {
        const e = await entriesOf(s, true);
        if (first) entries.push(e.localTime);
        first = false;
        entries.push(e.usagePoint);
        if (blocks.has(4)) entries.push(e.meterReading, e.readingType, ...e.blocks);
        records += 1 + e.readings;
        if (blocks.has(16)) {
          const sums = await summaries(source, s, layoutFor(s.usagePointId), a.accountId, from, to, stamp);
          entries.push(...sums);
          records += sums.length;
        }
      }
      return { xml: await atomFeed({ key: `batch:${a.id}:${from}:${to}`, title: `${await source.utilityName()}: Green Button Connect My Data`, self: `${base}/Batch/Subscription/${a.subscriptionId}`, now: stamp, entries }), records, description: `${what(pick)} data${blocks.has(4) ? ', meter reads' : ''}, ${span}` };
    }
  }
}

/** UsageSummary entries: one per bill of the account whose period lies in the range, with the meter's use over it. */
async function summaries(source: EspiSource, s: Served, layout: EspiLayout, accountId: string, from: string, to: string, stamp: string) {
  const rows = await source.billPeriods(accountId, from, to);
  const unit = espiUnits[s.meter.unit];
  const out: string[] = [];
  for (const b of rows) {
    const days = await source.dayTotals(s.meter.id, b.start, b.end, s.tenure);
    if (days.length === 0) continue;
    const total = days.reduce((acc, d) => acc + (d.total ?? 0), 0);
    const start = dayStartUtc(b.start, s.meter.timeZone) / 1000;
    const endAt = dayStartUtc(addDays(b.end, 1), s.meter.timeZone) / 1000;
    const self = `${layout.subscription}/UsagePoint/${layout.usagePointId}/UsageSummary/${b.start.replaceAll('-', '')}`;
    out.push(
      await atomEntry(
        `${s.meter.id}:summary:${b.start}`,
        self,
        [['up', `${layout.subscription}/UsagePoint/${layout.usagePointId}/UsageSummary`]],
        `Billing period ${b.start} to ${b.end}`,
        `<espi:UsageSummary><espi:billingPeriod><espi:duration>${endAt - start}</espi:duration><espi:start>${start}</espi:start></espi:billingPeriod><espi:overallConsumptionLastPeriod><espi:powerOfTenMultiplier>${unit.powerOfTenMultiplier}</espi:powerOfTenMultiplier><espi:uom>${unit.uom}</espi:uom><espi:value>${Math.round(total * unit.perUnit)}</espi:value></espi:overallConsumptionLastPeriod><espi:statusTimeStamp>${Math.floor(Date.parse(stamp) / 1000)}</espi:statusTimeStamp></espi:UsageSummary>`,
        stamp,
      ),
    );
  }
  return out;
}
