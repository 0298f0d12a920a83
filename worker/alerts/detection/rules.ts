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
 *   and 5 a.m., against the home's own baseline (a low percentile of the 28 nights before the last
 *   7: what the home does when nothing runs, which a leak on most nights does not lift). Fires
 *   on a night above it when k of the last m nights were (the leak family's longer end joins the
 *   nights between), except on days continuous flow already fires (one leak, one alert).
 * - high_use_day: the day's use above the customer's daily threshold, or well above the home's
 *   typical day (the 90th-percentile day of the last 4 weeks). The typical test stays quiet on days
 *   a leak rule fires.
 * - high_use_period: the billing period's use to date above the customer's threshold, or (water)
 *   its projection well above the typical period (the larger of the same period last year and
 *   the previous period, scaled to this one's length).
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
  /** Day totals of the billing period so far, the previous period and the same period last year (may overlap `days`). */
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
    if (shapes.size > 50_000) shapes.clear();
    shapes.set(key, s);
  }
  return s;
}

function quantile(sorted: number[], q: number) {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}
const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);

/**
 * The reads on a calendar: every local day from the earliest read (or total) to `to`, by index,
 * so the rules step through days with integer arithmetic (dense arrays, no date parsing per step).
 */
class Calendar {
  readonly days: string[];
  private readonly at = new Map<string, number>();
  readonly vals: ((number | null)[] | undefined)[];
  readonly total: Float64Array;
  readonly known: Int32Array;
  readonly slots: Int32Array;
  /** Prefix sums of total and of "a row exists", for period sums in O(1). */
  private readonly sumTotal: Float64Array;
  private readonly sumRead: Int32Array;
  readonly from: number;
  readonly to: number;

  constructor(input: RuleInput) {
    let first = input.from;
    for (const d of input.days) if (d.day < first) first = d.day;
    for (const t of input.totals) if (t.day < first) first = t.day;
    this.days = eachDay(first, input.to);
    this.days.forEach((d, i) => this.at.set(d, i));
    const n = this.days.length;
    this.vals = new Array(n);
    this.total = new Float64Array(n);
    this.known = new Int32Array(n);
    this.slots = new Int32Array(n);
    for (const t of input.totals) {
      const i = this.at.get(t.day);
      if (i === undefined) continue;
      this.total[i] = t.total;
      this.known[i] = t.known;
      this.slots[i] = t.slots;
    }
    for (const d of input.days) {
      const i = this.at.get(d.day);
      if (i === undefined) continue;
      this.vals[i] = d.vals;
      let total = 0;
      let known = 0;
      for (const v of d.vals) {
        if (v !== null) {
          total += v;
          known++;
        }
      }
      this.total[i] = total;
      this.known[i] = known;
      this.slots[i] = d.vals.length;
    }
    this.sumTotal = new Float64Array(n + 1);
    this.sumRead = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      this.sumTotal[i + 1] = this.sumTotal[i]! + this.total[i]!;
      this.sumRead[i + 1] = this.sumRead[i]! + (this.slots[i]! > 0 ? 1 : 0);
    }
    this.from = this.at.get(input.from)!;
    this.to = n - 1;
  }
  index(day: string): number | undefined {
    return this.at.get(day);
  }
  /** Index of a day, clamped into the calendar (days before it have no reads). */
  clamp(day: string): number {
    const i = this.at.get(day);
    if (i !== undefined) return i;
    return day < this.days[0]! ? -1 : this.days.length;
  }
  has(i: number) {
    return i >= 0 && i < this.days.length && this.slots[i]! > 0;
  }
  complete(i: number) {
    return this.has(i) && this.known[i] === this.slots[i];
  }
  /** Use and days read over indexes a..b (both included, clamped). */
  sum(a: number, b: number) {
    const lo = Math.max(0, a);
    const hi = Math.min(this.days.length - 1, b);
    if (lo > hi) return { total: 0, read: 0 };
    return { total: this.sumTotal[hi + 1]! - this.sumTotal[lo]!, read: this.sumRead[hi + 1]! - this.sumRead[lo]! };
  }
}

// ------------------------------------------------------------------ continuous flow

/**
 * Continuous flow: walks every interval from the first day read to `to` in time order, keeping
 * the current run of non-zero intervals. A zero ends the run; a missing interval neither ends
 * nor extends it unless the gap grows past maxGapHours.
 */
function continuousFlowOn(cal: Calendar, input: RuleInput): Verdicts {
  const { meter, config } = input;
  const out: Verdicts = new Map();
  if (meter.kind !== 'water' || meter.intervalMinutes >= 1440) return out;
  const n = continuousFlowHours(config, input.settings?.continuousFlowHours);
  const slotHours = meter.intervalMinutes / 60;
  let hours = 0;
  let gap = 0;
  let minRate = Infinity;
  let start: { day: string; index: number } | null = null;
  for (let d = 0; d <= cal.to; d++) {
    const day = cal.days[d]!;
    const vals = cal.vals[d];
    // The longest run that reached N hours on this day: its figures are what the alert reports,
    // even when the run ended later that day (the zeros after it reset the running counters).
    let fired: { start: { day: string; index: number }; hours: number; minRate: number } | null = null;
    let known = 0;
    const count = vals ? vals.length : dayShape(day, meter.timeZone, meter.intervalMinutes).count;
    for (let i = 0; i < count; i++) {
      const v = vals ? vals[i]! : null;
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
      if (v / slotHours < minRate) minRate = v / slotHours;
      if (hours >= n && (!fired || hours >= fired.hours)) fired = { start, hours, minRate };
    }
    if (d < cal.from) continue;
    if (fired) {
      const since = localStamp(slotStart(daySlots(fired.start.day, meter.timeZone, meter.intervalMinutes), fired.start.index), meter.timeZone);
      out.set(day, { state: 'fire', figures: { since, hours: round(fired.hours, 1), minPerHour: round(fired.minRate, 2), thresholdHours: n } });
    } else out.set(day, known >= count / 2 ? CLEAR : UNKNOWN);
  }
  return out;
}

export function continuousFlow(input: RuleInput): Verdicts {
  return continuousFlowOn(new Calendar(input), input);
}

// ------------------------------------------------------------------ intermittent leak

/** The lowest hourly flow between nightFromHour and nightToHour of one day, or null when too few of those hours were read. */
function nightMinimum(vals: (number | null)[], shape: Shape, meter: RuleMeter, config: DetectionConfig): number | null {
  const c = config.intermittent;
  if (shape.count !== vals.length) return null;
  const perHour = Math.max(1, Math.round(60 / meter.intervalMinutes));
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
    if (sum < min) min = sum;
  }
  return buckets > 0 && knownBuckets >= buckets * c.minKnownShare ? min : null;
}

/**
 * Each day's night minimum: the lowest hourly flow between nightFromHour and nightToHour, local
 * time. Sub-hourly intervals are summed into clock hours first (a toilet refilling every 40
 * minutes leaves some 15-minute intervals at zero, but no hour). Null when too few hours were read.
 */
export function nightMinima(input: Pick<RuleInput, 'meter' | 'days' | 'config'>): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const { day, vals } of input.days) out.set(day, nightMinimum(vals, dayShape(day, input.meter.timeZone, input.meter.intervalMinutes), input.meter, input.config));
  return out;
}

function intermittentOn(cal: Calendar, input: RuleInput, continuous: Verdicts): Verdicts {
  const { meter, config } = input;
  const c = config.intermittent;
  const out: Verdicts = new Map();
  if (meter.kind !== 'water' || meter.intervalMinutes > 60) return out;
  const n = cal.days.length;
  const minima: (number | null)[] = new Array(n).fill(null);
  for (let d = 0; d < n; d++) {
    const vals = cal.vals[d];
    if (vals) minima[d] = nightMinimum(vals, dayShape(cal.days[d]!, meter.timeZone, meter.intervalMinutes), meter, config);
  }
  const baselines = new Map<number, number | null>();
  const baseline = (d: number) => {
    let b = baselines.get(d);
    if (b === undefined) {
      const nights: number[] = [];
      for (let i = d - (c.m + c.baselineNights - 1); i <= d - c.m; i++) {
        const v = i >= 0 ? minima[i] : null;
        if (v !== null && v !== undefined) nights.push(v);
      }
      b = nights.length >= c.minBaselineNights ? quantile(nights.sort((x, y) => x - y), c.baselineQuantile) : null;
      baselines.set(d, b);
    }
    return b;
  };
  const highs = new Map<number, boolean | null>();
  const high = (d: number) => {
    let h = highs.get(d);
    if (h === undefined) {
      const v = d >= 0 ? minima[d] : null;
      const b = baseline(d);
      h = v === null || v === undefined || b === null ? null : v > b + Math.max(c.marginPerHour, c.marginShare * b);
      highs.set(d, h);
    }
    return h;
  };
  for (let d = cal.from; d <= cal.to; d++) {
    const day = cal.days[d]!;
    if (continuous.get(day)?.state === 'fire') {
      out.set(day, UNKNOWN);
      continue;
    }
    const highNights: number[] = [];
    for (let i = d - c.m + 1; i <= d; i++) if (high(i)) highNights.push(i);
    // Tonight must be one of them: once the nights are quiet again the leak has stopped, whatever the week before was.
    if (high(d) && highNights.length >= c.k) {
      out.set(day, {
        state: 'fire',
        figures: {
          highNights: highNights.length,
          ofNights: c.m,
          nightPerHour: round(median(highNights.map((i) => minima[i]!)), 2),
          baselinePerHour: round(baseline(d)!, 2),
          nights: highNights.map((i) => cal.days[i]!),
        },
      });
    } else out.set(day, high(d) === null ? UNKNOWN : CLEAR);
  }
  return out;
}

export function intermittentLeak(input: RuleInput, continuous: Verdicts): Verdicts {
  return intermittentOn(new Calendar(input), input, continuous);
}

// ------------------------------------------------------------------ high use

function highUseDayOn(cal: Calendar, input: RuleInput, leaks: Verdicts[]): Verdicts {
  const { meter, config } = input;
  const c = config.highUse;
  const out: Verdicts = new Map();
  const threshold = input.settings?.dayThreshold ?? null;
  for (let d = cal.from; d <= cal.to; d++) {
    const day = cal.days[d]!;
    if (!cal.has(d) || cal.known[d] === 0) {
      out.set(day, UNKNOWN);
      continue;
    }
    const total = cal.total[d]!;
    if (threshold !== null && total > threshold) {
      out.set(day, { state: 'fire', figures: { basis: 'threshold', total: round(total), threshold } });
      continue;
    }
    const leaking = leaks.some((v) => v.get(day)?.state === 'fire');
    if (!leaking) {
      const prior: number[] = [];
      for (let i = d - c.typicalDays; i < d; i++) if (cal.complete(i)) prior.push(cal.total[i]!);
      if (prior.length >= c.minTypicalDays) {
        const typical = quantile(prior.sort((a, b) => a - b), 0.9);
        if (total > Math.max(c.factor * typical, typical + c.floor[meter.kind])) {
          out.set(day, { state: 'fire', figures: { basis: 'typical', total: round(total), typical: round(typical) } });
          continue;
        }
      }
    }
    out.set(day, cal.known[d]! >= cal.slots[d]! * 0.9 ? CLEAR : UNKNOWN);
  }
  return out;
}

export function highUseDay(input: RuleInput, leaks: Verdicts[]): Verdicts {
  return highUseDayOn(new Calendar(input), input, leaks);
}

/**
 * The typical period, scaled to this period's length: the larger of the same period last year
 * (a season that always uses more is not "high") and the previous period (a holiday away last year
 * does not make this year's ordinary month "high"). Only periods read on at least 90% of their
 * days count; before a year of reads there is no typical period, and the typical tests wait.
 */
function typicalPeriod(cal: Calendar, period: BillingPeriod, previous: BillingPeriod): number | null {
  const days = daysBetween(period.start, period.end) + 1;
  const scaled = (start: string, end: string) => {
    const len = daysBetween(start, end) + 1;
    const s = cal.sum(cal.clamp(start), cal.clamp(end));
    return s.read >= len * 0.9 ? (s.total / s.read) * days : null;
  };
  const lastYear = scaled(addYears(period.start, -1), addYears(period.end, -1));
  if (lastYear === null) return null;
  return Math.max(lastYear, scaled(previous.start, previous.end) ?? 0);
}

function periodRulesOn(cal: Calendar, input: RuleInput): { highUsePeriod: Verdicts; billForecast: Verdicts } {
  const { meter, config } = input;
  const highUsePeriod: Verdicts = new Map();
  const billForecast: Verdicts = new Map();
  const periodThreshold = input.settings?.periodThreshold ?? null;
  const billThreshold = input.settings?.billThresholdCents ?? null;
  let period: BillingPeriod | null = null;
  let periodStart = 0;
  let typical: number | null = null;
  for (let d = cal.from; d <= cal.to; d++) {
    const day = cal.days[d]!;
    if (!cal.has(d)) {
      highUsePeriod.set(day, UNKNOWN);
      billForecast.set(day, UNKNOWN);
      continue;
    }
    if (!period || day > period.end || day < period.start) {
      period = input.periodOf(day);
      periodStart = cal.clamp(period.start);
      typical = typicalPeriod(cal, period, input.periodOf(addDays(period.start, -1)));
    }
    const periodDays = daysBetween(period.start, period.end) + 1;
    const elapsed = daysBetween(period.start, day) + 1;
    const soFar = cal.sum(periodStart, d);
    const recent: number[] = [];
    for (let i = d; i >= Math.max(0, periodStart) && recent.length < 7; i--) if (cal.complete(i)) recent.push(cal.total[i]!);
    // Days of the period not read yet are filled at the recent pace: missing is not zero.
    const pace = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : 0;
    const toDate = soFar.total + pace * (elapsed - soFar.read);
    const forecast = forecastPeriod(meter.kind, toDate, recent, elapsed, periodDays);
    const enough = soFar.read >= elapsed * 0.8 && recent.length > 0;
    const base = { periodStart: period.start, periodEnd: period.end, useToDate: round(soFar.total), projectedUse: round(forecast.projectedUse), projectedCents: forecast.projectedCents };

    // High use, period to date.
    if (periodThreshold !== null && soFar.total > periodThreshold) highUsePeriod.set(day, { state: 'fire', figures: { ...base, basis: 'threshold', threshold: periodThreshold } });
    else if (
      meter.kind === 'water' &&
      enough &&
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

export function periodRules(input: RuleInput) {
  return periodRulesOn(new Calendar(input), input);
}

/** Every rule over the input's range: a verdict per type per day (types that do not apply to the meter have none). */
export function evaluateRules(input: RuleInput): Record<AlertType, Verdicts> {
  const cal = new Calendar(input);
  const continuous = continuousFlowOn(cal, input);
  const intermittent = intermittentOn(cal, input, continuous);
  const highDay = highUseDayOn(cal, input, [continuous, intermittent]);
  const { highUsePeriod, billForecast } = periodRulesOn(cal, input);
  return { continuous_flow: continuous, intermittent_leak: intermittent, high_use_day: highDay, high_use_period: highUsePeriod, bill_forecast: billForecast };
}

/**
 * One leak, one alert: the two leak rules are one family. A day fires when either rule fires (the
 * figures say which, in `rule`; continuous flow first, as the stronger evidence), and is clear
 * when neither fires and at least one could tell. So a flapper that sticks some nights and, on a
 * weekend at home, also makes 24 hours of flow stays ONE alert, instead of an alert that comes and
 * goes with each weekend.
 */
export function leakVerdicts(continuous: Verdicts, intermittent: Verdicts): Verdicts {
  const out: Verdicts = new Map();
  for (const day of new Set([...continuous.keys(), ...intermittent.keys()])) {
    const c = continuous.get(day) ?? UNKNOWN;
    const i = intermittent.get(day) ?? UNKNOWN;
    if (c.state === 'fire') out.set(day, { state: 'fire', figures: { rule: 'continuous_flow', ...c.figures } });
    else if (i.state === 'fire') out.set(day, { state: 'fire', figures: { rule: 'intermittent_leak', ...i.figures } });
    else out.set(day, c.state === 'clear' || i.state === 'clear' ? CLEAR : UNKNOWN);
  }
  return out;
}

/** Alert families: the types whose episodes are one alert, and their verdicts. A new alert takes its type from the rule that fired first. */
export type Family = { types: AlertType[]; verdicts: Verdicts };
export function alertFamilies(v: Record<AlertType, Verdicts>): Family[] {
  return [
    { types: ['continuous_flow', 'intermittent_leak'], verdicts: leakVerdicts(v.continuous_flow, v.intermittent_leak) },
    { types: ['high_use_day'], verdicts: v.high_use_day },
    { types: ['high_use_period'], verdicts: v.high_use_period },
    { types: ['bill_forecast'], verdicts: v.bill_forecast },
  ];
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
