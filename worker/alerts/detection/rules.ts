/**
 * The alert rules, as pure functions of one meter's reads (no database, no clock): for each local
 * day of an evaluation range, whether a rule's condition held on that day ('fire'), did not
 * ('clear'), or cannot be told from the reads ('unknown': days not read, too many missing
 * intervals, no baseline yet). A day's verdict depends only on reads of that day and earlier,
 * so a late or corrected read changes verdicts from its own day on, never before it.
 *
 * Reads come in the kind's base unit (gallons, kWh, therms), one array per utility-local day as
 * stored (23 or 25 hourly slots on DST days), null where there is no value. Missing is never zero:
 * a null interval neither stops a run of flow nor adds to it, and a day total with nulls is only a
 * lower bound (it can prove use was high, never that it was low).
 *
 * Rules (see config.ts for the numbers and why):
 * - continuous_flow (water): a run of intervals none of which read zero, N hours long (N: the
 *   utility's default or the customer's stricter choice). Fires on each day the run has lasted N hours.
 * - intermittent_leak (water, intervals up to an hour): each night's minimum hourly flow between 1
 *   and 5 a.m., against the home's own baseline (median of the 28 nights before the last 7). Fires
 *   when k of the last m nights were above it, except on days continuous flow already fires (one
 *   leak, one alert).
 * - high_use_day: the day's use above the customer's daily threshold, or well above the home's
 *   typical day (the 90th-percentile day of the last 4 weeks). The typical test stays quiet on days
 *   a leak rule fires.
 * - high_use_period: the billing period's use to date above the customer's threshold, or (water)
 *   its projection well above the typical period (the larger of the previous period and the same
 *   period last year, scaled to this one's length).
 * - bill_forecast: the period's projected bill (rates.ts) above the customer's amount, or (energy)
 *   well above what the typical period would cost.
 */
import type { AlertType } from '../../../db/schema/alerts';
import { addDays, addYears, daySlots, daysBetween, eachDay, localStamp, slotStart, wallTime } from '../../usage/time';
import type { MeterKind } from '../../usage/units';
import { continuousFlowHours, type DetectionConfig } from './config';
import { forecastPeriod, priceUse } from './rates';

export type RuleMeter = { kind: MeterKind; intervalMinutes: number; timeZone: string };
/** One stored day, values in the base unit. */
export type ReadDay = { day: string; vals: (number | null)[] };
/** One day's total only (for period comparisons). */
export type DayTotal = { day: string; total: number; known: number; slots: number };
export type CustomerSettings = { continuousFlowHours: number | null; dayThreshold: number | null; periodThreshold: number | null; billThresholdCents: number | null };
export type BillingPeriod = { start: string; end: string };

export type Figures = Record<string, string | number | boolean | null | string[]>;
export type Verdict = { state: 'fire'; figures: Figures } | { state: 'clear' } | { state: 'unknown' };
export type Verdicts = Map<string, Verdict>;

export type RuleInput = {
  meter: RuleMeter;
  /** Day rows with intervals from at least LOOKBACK_DAYS before `from` to `to`, within the holder's tenure. */
  days: ReadDay[];
  /** Day totals for the previous billing period and the same period last year (may overlap `days`). */
  totals: DayTotal[];
  from: string;
  to: string;
  settings: CustomerSettings | null;
  /** The billing period a day falls in. */
  periodOf: (day: string) => BillingPeriod;
  config: DetectionConfig;
};

/** How many days before the evaluation range the rules read (intermittent: m + baseline nights). */
export const lookbackDays = (config: DetectionConfig) => Math.max(config.intermittent.m + config.intermittent.baselineNights, config.highUse.typicalDays, 3) + 1;

export const UNKNOWN: Verdict = { state: 'unknown' };
const CLEAR: Verdict = { state: 'clear' };
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

// ------------------------------------------------------------------ day shapes

type Shape = { count: number; hours: Uint8Array };
const shapes = new Map<string, Shape>();
/** Slot count and local wall-clock hour of each slot of a day (DST days included). */
export function dayShape(day: string, timeZone: string, intervalMinutes: number): Shape {
  const key = `${timeZone}/${intervalMinutes}/${day}`;
  let s = shapes.get(key);
  if (!s) {
    const slots = daySlots(day, timeZone, intervalMinutes);
    const hours = new Uint8Array(slots.count);
    const ordinary = slots.end - slots.start === 86_400_000;
    for (let i = 0; i < slots.count; i++) hours[i] = ordinary ? Math.floor((i * Math.min(intervalMinutes, 1440)) / 60) % 24 : wallTime(slotStart(slots, i), timeZone).hour;
    s = { count: slots.count, hours };
    if (shapes.size > 20_000) shapes.clear();
    shapes.set(key, s);
  }
  return s;
}

function dayStats(vals: (number | null)[]) {
  let total = 0;
  let known = 0;
  for (const v of vals) {
    if (v !== null) {
      total += v;
      known++;
    }
  }
  return { total, known, slots: vals.length };
}

function quantile(sorted: number[], q: number) {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}
const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);

// ------------------------------------------------------------------ continuous flow

/**
 * Continuous flow: walks every interval from the first day read to `to` in time order, keeping
 * the current run of non-zero intervals. A zero ends the run; a missing interval neither ends
 * nor extends it unless the gap grows past maxGapHours.
 */
export function continuousFlow(input: RuleInput): Verdicts {
  const { meter, config } = input;
  const out: Verdicts = new Map();
  if (meter.kind !== 'water' || meter.intervalMinutes >= 1440) return out;
  const n = continuousFlowHours(config, input.settings?.continuousFlowHours);
  const slotHours = meter.intervalMinutes / 60;
  const byDay = new Map(input.days.map((d) => [d.day, d.vals]));
  const first = input.days[0]?.day;
  if (!first) return out;
  let hours = 0;
  let gap = 0;
  let minRate = Infinity;
  let start: { day: string; index: number } | null = null;
  for (const day of eachDay(first < input.from ? first : input.from, input.to)) {
    const vals = byDay.get(day) ?? new Array<null>(dayShape(day, meter.timeZone, meter.intervalMinutes).count).fill(null);
    let fired = false;
    let known = 0;
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i]!;
      if (v === null) {
        gap += slotHours;
        if (gap > config.continuousFlow.maxGapHours) {
          hours = 0;
          minRate = Infinity;
          start = null;
        }
        continue;
      }
      known++;
      gap = 0;
      if (v <= 0) {
        hours = 0;
        minRate = Infinity;
        start = null;
        continue;
      }
      if (!start) start = { day, index: i };
      hours += slotHours;
      minRate = Math.min(minRate, v / slotHours);
      if (hours >= n) fired = true;
    }
    if (day < input.from) continue;
    if (fired) {
      const since = start ? localStamp(slotStart(daySlots(start.day, meter.timeZone, meter.intervalMinutes), start.index), meter.timeZone) : null;
      out.set(day, { state: 'fire', figures: { since, hours: round(hours, 1), minPerHour: round(minRate, 2), thresholdHours: n } });
    } else out.set(day, known >= vals.length / 2 ? CLEAR : UNKNOWN);
  }
  return out;
}

// ------------------------------------------------------------------ intermittent leak

/**
 * Each day's night minimum: the lowest hourly flow between nightFromHour and nightToHour, local
 * time. Sub-hourly intervals are summed into clock hours first (a toilet refilling every 40
 * minutes leaves some 15-minute intervals at zero, but no hour). Null when too few hours were read.
 */
export function nightMinima(input: Pick<RuleInput, 'meter' | 'days' | 'config'>): Map<string, number | null> {
  const { meter, config } = input;
  const c = config.intermittent;
  const out = new Map<string, number | null>();
  const perHour = Math.max(1, Math.round(60 / meter.intervalMinutes));
  for (const { day, vals } of input.days) {
    const shape = dayShape(day, meter.timeZone, meter.intervalMinutes);
    if (shape.count !== vals.length) {
      out.set(day, null);
      continue;
    }
    let buckets = 0;
    let knownBuckets = 0;
    let min = Infinity;
    for (let b = 0; b * perHour < vals.length; b++) {
      const hour = shape.hours[b * perHour]!;
      if (hour < c.nightFromHour || hour >= c.nightToHour) continue;
      buckets++;
      let sum = 0;
      let complete = true;
      for (let i = b * perHour; i < Math.min(vals.length, (b + 1) * perHour); i++) {
        const v = vals[i];
        if (v === null || v === undefined) complete = false;
        else sum += v;
      }
      if (!complete) continue;
      knownBuckets++;
      min = Math.min(min, sum);
    }
    out.set(day, buckets > 0 && knownBuckets >= buckets * c.minKnownShare ? min : null);
  }
  return out;
}

export function intermittentLeak(input: RuleInput, continuous: Verdicts): Verdicts {
  const { meter, config } = input;
  const c = config.intermittent;
  const out: Verdicts = new Map();
  if (meter.kind !== 'water' || meter.intervalMinutes > 60) return out;
  const minima = nightMinima(input);
  const baselineCache = new Map<string, number | null>();
  const baseline = (day: string) => {
    if (!baselineCache.has(day)) {
      const nights: number[] = [];
      for (let d = addDays(day, -(c.m + c.baselineNights - 1)); d <= addDays(day, -c.m); d = addDays(d, 1)) {
        const v = minima.get(d);
        if (v !== null && v !== undefined) nights.push(v);
      }
      baselineCache.set(day, nights.length >= c.minBaselineNights ? median(nights) : null);
    }
    return baselineCache.get(day)!;
  };
  const high = (day: string) => {
    const v = minima.get(day);
    const b = baseline(day);
    if (v === null || v === undefined || b === null) return null;
    return v > b + Math.max(c.marginPerHour, c.marginShare * b);
  };
  for (const day of eachDay(input.from, input.to)) {
    if (continuous.get(day)?.state === 'fire') {
      out.set(day, UNKNOWN);
      continue;
    }
    const highNights: string[] = [];
    for (let i = c.m - 1; i >= 0; i--) {
      const d = addDays(day, -i);
      if (high(d)) highNights.push(d);
    }
    if (highNights.length >= c.k) {
      out.set(day, {
        state: 'fire',
        figures: {
          highNights: highNights.length,
          ofNights: c.m,
          nightPerHour: round(median(highNights.map((d) => minima.get(d)!)), 2),
          baselinePerHour: round(baseline(day)!, 2),
          nights: highNights,
        },
      });
    } else out.set(day, high(day) === null ? UNKNOWN : CLEAR);
  }
  return out;
}

// ------------------------------------------------------------------ high use

function totalsMap(input: RuleInput): Map<string, DayTotal> {
  const map = new Map<string, DayTotal>();
  for (const t of input.totals) map.set(t.day, t);
  for (const d of input.days) map.set(d.day, { day: d.day, ...dayStats(d.vals) });
  return map;
}

export function highUseDay(input: RuleInput, leaks: Verdicts[], totals = totalsMap(input)): Verdicts {
  const { meter, config } = input;
  const c = config.highUse;
  const out: Verdicts = new Map();
  const threshold = input.settings?.dayThreshold ?? null;
  for (const day of eachDay(input.from, input.to)) {
    const t = totals.get(day);
    if (!t || t.known === 0) {
      out.set(day, UNKNOWN);
      continue;
    }
    if (threshold !== null && t.total > threshold) {
      out.set(day, { state: 'fire', figures: { basis: 'threshold', total: round(t.total), threshold } });
      continue;
    }
    const leaking = leaks.some((v) => v.get(day)?.state === 'fire');
    const prior: number[] = [];
    for (let i = 1; i <= c.typicalDays; i++) {
      const p = totals.get(addDays(day, -i));
      if (p && p.known === p.slots) prior.push(p.total);
    }
    if (!leaking && prior.length >= c.minTypicalDays) {
      const typical = quantile(prior.sort((a, b) => a - b), 0.9);
      const limit = Math.max(c.factor * typical, typical + c.floor[meter.kind]);
      if (t.total > limit) {
        out.set(day, { state: 'fire', figures: { basis: 'typical', total: round(t.total), typical: round(typical) } });
        continue;
      }
    }
    out.set(day, t.known >= t.slots * 0.9 ? CLEAR : UNKNOWN);
  }
  return out;
}

/** Use in a run of days, how many of them have a row, and how many are complete. */
function sumDays(totals: Map<string, DayTotal>, from: string, to: string) {
  let total = 0;
  let read = 0;
  let complete = 0;
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const t = totals.get(d);
    if (!t) continue;
    total += t.total;
    read++;
    if (t.known === t.slots) complete++;
  }
  return { total, read, complete };
}

/**
 * The typical period: the previous period's use and the same period last year, each scaled to
 * this period's length, whichever is larger (so a season that always uses more is not "high").
 * Only periods read on at least 90% of their days count.
 */
function typicalPeriod(totals: Map<string, DayTotal>, period: BillingPeriod, previous: BillingPeriod): number | null {
  const days = daysBetween(period.start, period.end) + 1;
  const candidates: number[] = [];
  for (const p of [previous, { start: addYears(period.start, -1), end: addYears(period.end, -1) }]) {
    const len = daysBetween(p.start, p.end) + 1;
    const s = sumDays(totals, p.start, p.end);
    if (s.read >= len * 0.9) candidates.push((s.total / s.read) * days);
  }
  return candidates.length ? Math.max(...candidates) : null;
}

export function periodRules(input: RuleInput, totals = totalsMap(input)): { highUsePeriod: Verdicts; billForecast: Verdicts } {
  const { meter, config } = input;
  const highUsePeriod: Verdicts = new Map();
  const billForecast: Verdicts = new Map();
  const periodThreshold = input.settings?.periodThreshold ?? null;
  const billThreshold = input.settings?.billThresholdCents ?? null;
  for (const day of eachDay(input.from, input.to)) {
    if (!totals.has(day)) {
      highUsePeriod.set(day, UNKNOWN);
      billForecast.set(day, UNKNOWN);
      continue;
    }
    const period = input.periodOf(day);
    const periodDays = daysBetween(period.start, period.end) + 1;
    const elapsed = daysBetween(period.start, day) + 1;
    const soFar = sumDays(totals, period.start, day);
    const recent: number[] = [];
    for (let d = day; d >= period.start && recent.length < 7; d = addDays(d, -1)) {
      const t = totals.get(d);
      if (t && t.known === t.slots) recent.push(t.total);
    }
    // Days of the period not read yet are filled at the recent pace: missing is not zero.
    const pace = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : 0;
    const toDate = soFar.total + pace * (elapsed - soFar.read);
    const forecast = forecastPeriod(meter.kind, toDate, recent, elapsed, periodDays);
    const enough = soFar.read >= elapsed * 0.8 && recent.length > 0;
    const base = { periodStart: period.start, periodEnd: period.end, useToDate: round(soFar.total), projectedUse: round(forecast.projectedUse), projectedCents: forecast.projectedCents };
    const typical = enough && elapsed >= Math.min(config.highUse.minPeriodDays, config.billForecast.minPeriodDays) ? typicalPeriod(totals, period, input.periodOf(addDays(period.start, -1))) : null;

    // High use, period to date.
    if (periodThreshold !== null && soFar.total > periodThreshold) highUsePeriod.set(day, { state: 'fire', figures: { ...base, basis: 'threshold', threshold: periodThreshold } });
    else if (
      meter.kind === 'water' &&
      typical !== null &&
      elapsed >= config.highUse.minPeriodDays &&
      forecast.projectedUse > Math.max(config.highUse.periodFactor * typical, typical + 5 * config.highUse.floor[meter.kind])
    )
      highUsePeriod.set(day, { state: 'fire', figures: { ...base, basis: 'typical', typical: round(typical) } });
    else highUsePeriod.set(day, enough ? CLEAR : UNKNOWN);

    // Bill forecast.
    const canForecast = enough && elapsed >= config.billForecast.minPeriodDays;
    if (canForecast && billThreshold !== null && forecast.projectedCents > billThreshold) billForecast.set(day, { state: 'fire', figures: { ...base, basis: 'threshold', thresholdCents: billThreshold } });
    else if (canForecast && meter.kind !== 'water' && typical !== null) {
      const typicalCents = priceUse(meter.kind, typical, periodDays);
      if (forecast.projectedCents > Math.max(config.billForecast.typicalFactor * typicalCents, typicalCents + config.billForecast.typicalFloorCents)) {
        billForecast.set(day, { state: 'fire', figures: { ...base, basis: 'typical', typicalCents } });
      } else billForecast.set(day, CLEAR);
    } else billForecast.set(day, canForecast ? CLEAR : UNKNOWN);
  }
  return { highUsePeriod, billForecast };
}

/** Every rule over the input's range: a verdict per type per day (types that do not apply to the meter have none). */
export function evaluateRules(input: RuleInput): Record<AlertType, Verdicts> {
  const continuous = continuousFlow(input);
  const intermittent = intermittentLeak(input, continuous);
  const totals = totalsMap(input);
  const highDay = highUseDay(input, [continuous, intermittent], totals);
  const { highUsePeriod, billForecast } = periodRules(input, totals);
  return { continuous_flow: continuous, intermittent_leak: intermittent, high_use_day: highDay, high_use_period: highUsePeriod, bill_forecast: billForecast };
}

/**
 * The billing period a day falls in, from the account's bills: a billed period when one covers
 * the day; after the last bill, periods of the last bill's length follow it; with no bills,
 * calendar months.
 */
export function billingPeriods(bills: BillingPeriod[]): (day: string) => BillingPeriod {
  const sorted = [...bills].sort((a, b) => (a.start < b.start ? -1 : 1));
  return (day) => {
    const covering = sorted.find((b) => b.start <= day && day <= b.end);
    if (covering) return covering;
    const before = sorted.filter((b) => b.end < day).pop();
    if (!before) {
      const start = `${day.slice(0, 8)}01`;
      const next = addDays(`${addDays(start, 32).slice(0, 8)}01`, -1);
      return { start, end: next };
    }
    const len = daysBetween(before.start, before.end) + 1;
    let start = addDays(before.end, 1);
    while (addDays(start, len - 1) < day) start = addDays(start, len);
    return { start, end: addDays(start, len - 1) };
  };
}
