/**
 * The alert rules and episode logic alone, on synthetic reads: no database. Days are in the
 * utility's zone (America/Los_Angeles), so 2026-03-08 has 23 hours and 2026-11-01 has 25.
 */
import { describe, expect, it } from 'vitest';
import { defaultDetectionConfig as config, continuousFlowHours, type DetectionConfig } from '../../worker/alerts/detection/config';
import { reconcile, reminderGap, runsOf, type StoredEpisode } from '../../worker/alerts/detection/episodes';
import { forecastPeriod, priceUse } from '../../worker/alerts/detection/rates';
import { alertFamilies, billingPeriods, continuousFlow, evaluateRules, intermittentLeak, leakVerdicts, nightMinima, type ReadDay, type RuleInput, type Verdicts } from '../../worker/alerts/detection/rules';
import { addDays, daySlots, eachDay, slotStart, wallTime } from '../../worker/usage/time';
import { demoAccounts } from '../../db/demo/customers';
import { DEMO_SEED } from '../../db/demo/dataset';
import { seededRandom } from '../../db/demo/random';
import { demoInjectedEpisodes, demoMeterDays, demoMeters } from '../../db/demo/usage';
import { GALLONS_PER_CCF } from '../../worker/usage/units';

const TZ = 'America/Los_Angeles';
const water = { kind: 'water' as const, intervalMinutes: 60, timeZone: TZ };
const electric = { kind: 'electric' as const, intervalMinutes: 15, timeZone: TZ };

/** Hourly water days from..to; `value(day, localHour, index)` gives each interval (null = missing). */
function hourly(from: string, to: string, value: (day: string, hour: number, index: number) => number | null, meter: RuleInput['meter'] = water): ReadDay[] {
  return eachDay(from, to).map((day) => {
    const slots = daySlots(day, TZ, meter.intervalMinutes);
    return { day, vals: Array.from({ length: slots.count }, (_, i) => value(day, wallTime(slotStart(slots, i), TZ).hour, i)) };
  });
}

/** An ordinary home: water at 7, 12 and 19 o'clock, nothing at other hours. */
const quietHome = (_day: string, hour: number) => ([7, 12, 19].includes(hour) ? 20 : 0);

function input(days: ReadDay[], from: string, to: string, extra: Partial<RuleInput> = {}): RuleInput {
  return { meter: water, days, totals: [], from, to, settings: null, periodOf: billingPeriods([]), config, ...extra };
}

const states = (v: Verdicts, from: string, to: string) => eachDay(from, to).map((d) => v.get(d)?.state ?? 'none');

describe('continuous flow', () => {
  it('fires on the day flow has run N hours without a zero interval, not before', () => {
    // Quiet until 2026-10-10 06:00, then never below 1.5 gal an hour.
    const days = hourly('2026-10-01', '2026-10-12', (day, hour) => (day > '2026-10-10' || (day === '2026-10-10' && hour >= 6) ? 1.5 + (hour === 7 ? 20 : 0) : quietHome(day, hour)));
    const v = continuousFlow(input(days, '2026-10-09', '2026-10-12'));
    expect(states(v, '2026-10-09', '2026-10-12')).toEqual(['clear', 'clear', 'fire', 'fire']);
    const fired = v.get('2026-10-11');
    expect(fired).toMatchObject({ state: 'fire', figures: { since: '2026-10-10T06:00', thresholdHours: 24, minPerHour: 1.5 } });
  });

  it('ends the run at a zero interval', () => {
    // Flow from 10-03 06:00; one hour at zero on 10-04 at 03:00, 21 hours in.
    const days = hourly('2026-10-01', '2026-10-06', (day, hour) => (day > '2026-10-03' || (day === '2026-10-03' && hour >= 6) ? (day === '2026-10-04' && hour === 3 ? 0 : 2) : quietHome(day, hour)));
    const v = continuousFlow(input(days, '2026-10-03', '2026-10-06'));
    // Without the zero it would fire on 10-04 at 06:00; with it, the count restarts at 04:00 and reaches 24 on 10-05.
    expect(states(v, '2026-10-03', '2026-10-06')).toEqual(['clear', 'clear', 'fire', 'fire']);
    expect(v.get('2026-10-05')).toMatchObject({ figures: { since: '2026-10-04T04:00' } });
  });

  it('reports the run that fired, even when it stopped later the same day', () => {
    // A 10-hour run (01:00 to 10:59 at 3 gal an hour, 2 in its last hour) under a 6-hour setting, zero after it.
    const days = hourly('2026-10-01', '2026-10-05', (day, hour) => (day === '2026-10-05' && hour >= 1 && hour <= 10 ? (hour === 10 ? 2 : 3) : day === '2026-10-05' ? 0 : quietHome(day, hour)));
    const v = continuousFlow(input(days, '2026-10-05', '2026-10-05', { settings: { continuousFlowHours: 6, dayThreshold: null, periodThreshold: null, billThresholdCents: null } }));
    expect(v.get('2026-10-05')).toMatchObject({ state: 'fire', figures: { since: '2026-10-05T01:00', hours: 10, minPerHour: 2, thresholdHours: 6 } });
  });

  it('lets the customer tighten N but never loosen it past the utility default', () => {
    expect(continuousFlowHours(config, 8)).toBe(8);
    expect(continuousFlowHours(config, 48)).toBe(24);
    expect(continuousFlowHours(config, 2)).toBe(config.continuousFlow.minHours);
    // 10 hours of flow overnight: nothing at 24 hours, an alert at 8.
    const days = hourly('2026-10-01', '2026-10-05', (day, hour) => (day === '2026-10-04' && hour < 10 ? 1 : quietHome(day, hour)));
    expect(states(continuousFlow(input(days, '2026-10-04', '2026-10-04')), '2026-10-04', '2026-10-04')).toEqual(['clear']);
    const tight = continuousFlow(input(days, '2026-10-04', '2026-10-04', { settings: { continuousFlowHours: 8, dayThreshold: null, periodThreshold: null, billThresholdCents: null } }));
    expect(tight.get('2026-10-04')).toMatchObject({ state: 'fire', figures: { thresholdHours: 8 } });
  });

  it('treats missing intervals as neither zero nor flow: a short gap carries the run, a long one ends it', () => {
    // Flow from 10-03 00:00; two hours missing at 10-03 12:00 do not count, and do not end the run.
    const shortGap = hourly('2026-10-01', '2026-10-05', (day, hour) => (day >= '2026-10-03' ? (day === '2026-10-03' && (hour === 12 || hour === 13) ? null : 1) : quietHome(day, hour)));
    const v = continuousFlow(input(shortGap, '2026-10-03', '2026-10-04'));
    expect(v.get('2026-10-04')).toMatchObject({ state: 'fire', figures: { hours: 46 } });
    // Five hours missing: the run ends, and a new one is counted from 17:00, when reads resume.
    const longGap = hourly('2026-10-01', '2026-10-05', (day, hour) => (day >= '2026-10-03' ? (day === '2026-10-03' && hour >= 12 && hour < 17 ? null : 1) : quietHome(day, hour)));
    expect(continuousFlow(input(longGap, '2026-10-03', '2026-10-04')).get('2026-10-04')).toMatchObject({ state: 'fire', figures: { since: '2026-10-03T17:00', hours: 31 } });
    // A day with no reads at all is unknown, never "clear": it cannot say the leak stopped.
    const withHole = hourly('2026-10-01', '2026-10-05', quietHome).filter((d) => d.day !== '2026-10-04');
    expect(states(continuousFlow(input(withHole, '2026-10-03', '2026-10-05')), '2026-10-03', '2026-10-05')).toEqual(['clear', 'unknown', 'clear']);
  });

  it('counts the 23 hours of the spring-forward day and the 25 of the fall-back day', () => {
    // Flow from local midnight: by the end of 2026-03-08 only 23 hours have passed.
    const spring = hourly('2026-03-05', '2026-03-09', (day, hour) => (day >= '2026-03-08' ? 1 : quietHome(day, hour)));
    expect(spring.find((d) => d.day === '2026-03-08')!.vals).toHaveLength(23);
    expect(states(continuousFlow(input(spring, '2026-03-08', '2026-03-09')), '2026-03-08', '2026-03-09')).toEqual(['clear', 'fire']);
    // By the end of 2026-11-01, 25 hours: the same rule fires that day.
    const fall = hourly('2026-10-29', '2026-11-01', (day, hour) => (day >= '2026-11-01' ? 1 : quietHome(day, hour)));
    expect(fall.find((d) => d.day === '2026-11-01')!.vals).toHaveLength(25);
    expect(continuousFlow(input(fall, '2026-11-01', '2026-11-01')).get('2026-11-01')).toMatchObject({ state: 'fire', figures: { hours: 25 } });
  });
});

describe('intermittent leak', () => {
  /** Five weeks of quiet nights, then a flapper that sticks (3 gal an hour from 23:00 to 06:00) on the nights given. */
  const withStuckNights = (stuck: string[]) =>
    hourly('2026-09-01', '2026-10-14', (day, hour) => {
      const night = hour >= 23 ? addDays(day, 1) : day;
      const leaking = stuck.includes(night) && (hour >= 23 || hour < 6);
      return quietHome(day, hour) + (leaking ? 3 : 0);
    });

  it('fires on a night above the home\'s own night baseline when k of the last m nights were', () => {
    const days = withStuckNights(['2026-10-08', '2026-10-10', '2026-10-12']);
    const v = intermittentLeak(input(days, '2026-10-08', '2026-10-14'), new Map());
    // It fires on the third high night; on quiet nights after it, it is clear (the leak family's 4-day end keeps one alert).
    expect(states(v, '2026-10-08', '2026-10-14')).toEqual(['clear', 'clear', 'clear', 'clear', 'fire', 'clear', 'clear']);
    expect(v.get('2026-10-12')).toMatchObject({ state: 'fire', figures: { highNights: 3, ofNights: 7, nightPerHour: 3, baselinePerHour: 0, nights: ['2026-10-08', '2026-10-10', '2026-10-12'] } });
  });

  it('stays quiet for two late nights in a week, which continuous flow at 24 hours would also miss', () => {
    const days = withStuckNights(['2026-10-09', '2026-10-12']);
    expect(states(intermittentLeak(input(days, '2026-10-08', '2026-10-14'), new Map()), '2026-10-08', '2026-10-14')).not.toContain('fire');
    expect(states(continuousFlow(input(days, '2026-10-08', '2026-10-14')), '2026-10-08', '2026-10-14')).not.toContain('fire');
  });

  it('holds a home with steady night use to its own baseline, not to zero', () => {
    // A home that always uses 1 gal an hour at night (a water softener, a pond): that is its normal.
    const days = hourly('2026-09-01', '2026-10-14', (day, hour) => (hour >= 1 && hour < 5 ? 1 : quietHome(day, hour)));
    expect(states(intermittentLeak(input(days, '2026-10-08', '2026-10-14'), new Map()), '2026-10-08', '2026-10-14')).not.toContain('fire');
  });

  it('reads the night window by the wall clock on DST days, and a night with most hours missing is unknown', () => {
    const fallBack = hourly('2026-11-01', '2026-11-01', () => 2);
    // 1 to 5 a.m. on 2026-11-01 is five clock hours (1 a.m. twice).
    expect(nightMinima({ meter: water, days: [{ day: '2026-11-01', vals: fallBack[0]!.vals.map((v, i) => (i === 1 ? 0.5 : v)) }], config }).get('2026-11-01')).toBe(0.5);
    expect(nightMinima({ meter: water, days: [{ day: '2026-11-01', vals: fallBack[0]!.vals.map((v, i) => (i === 2 ? 0.25 : v)) }], config }).get('2026-11-01')).toBe(0.25);
    const spring = hourly('2026-03-08', '2026-03-08', () => 2);
    expect(nightMinima({ meter: water, days: spring, config }).get('2026-03-08')).toBe(2);
    const holes = hourly('2026-10-10', '2026-10-10', (_d, hour) => (hour >= 1 && hour < 4 ? null : 2));
    expect(nightMinima({ meter: water, days: holes, config }).get('2026-10-10')).toBeNull();
  });

  it('sums 15-minute intervals into clock hours before taking the night minimum', () => {
    const quarter = { ...water, intervalMinutes: 15 };
    // A toilet refilling every 40 minutes: some quarter hours read zero, no hour does.
    const days = hourly('2026-10-10', '2026-10-10', (_d, _h, i) => (i % 3 === 0 ? 0.8 : 0), quarter);
    expect(nightMinima({ meter: quarter, days, config }).get('2026-10-10')).toBeGreaterThan(0);
  });
});

describe('one leak, one alert', () => {
  it('joins continuous flow and intermittent nights into one leak run, named by the rule that saw it', () => {
    const c: Verdicts = new Map([
      ['2026-10-01', { state: 'fire', figures: { hours: 30 } }],
      ['2026-10-02', { state: 'clear' }],
      ['2026-10-03', { state: 'clear' }],
    ]);
    const i: Verdicts = new Map([
      ['2026-10-01', { state: 'unknown' }],
      ['2026-10-02', { state: 'fire', figures: { highNights: 3 } }],
      ['2026-10-03', { state: 'unknown' }],
    ]);
    const v = leakVerdicts(c, i);
    expect([...v.values()].map((x) => (x.state === 'fire' ? x.figures.rule : x.state))).toEqual(['continuous_flow', 'intermittent_leak', 'clear']);
  });
});

describe('high use', () => {
  const settings = (s: Partial<RuleInput['settings'] & object>) => ({ continuousFlowHours: null, dayThreshold: null, periodThreshold: null, billThresholdCents: null, ...s });

  it('fires on a day above the customer\'s threshold, even with intervals missing (what was read is a floor)', () => {
    const days = hourly('2026-10-01', '2026-10-10', (day, hour) => (day === '2026-10-10' ? (hour < 6 ? null : 40) : quietHome(day, hour)));
    const v = evaluateRules(input(days, '2026-10-09', '2026-10-10', { settings: settings({ dayThreshold: 500 }) })).high_use_day;
    expect(v.get('2026-10-10')).toMatchObject({ state: 'fire', figures: { basis: 'threshold', total: 720, threshold: 500 } });
    // Below the threshold with a quarter of the day missing: unknown, not clear (the missing hours might hold more).
    const low = hourly('2026-10-01', '2026-10-10', (day, hour) => (day === '2026-10-10' && hour < 6 ? null : quietHome(day, hour)));
    expect(evaluateRules(input(low, '2026-10-10', '2026-10-10', { settings: settings({ dayThreshold: 500 }) })).high_use_day.get('2026-10-10')).toEqual({ state: 'unknown' });
  });

  it('fires on a day well above the home\'s typical day, and not on its usual watering days', () => {
    // Watering (300 gal) every Tuesday and Friday is typical; a 900-gallon Sunday is not.
    const days = hourly('2026-09-01', '2026-10-11', (day, hour) => {
      const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
      return quietHome(day, hour) + ((weekday === 2 || weekday === 5) && hour === 5 ? 300 : 0) + (day === '2026-10-11' && hour >= 10 && hour < 13 ? 300 : 0);
    });
    const v = evaluateRules(input(days, '2026-10-05', '2026-10-11')).high_use_day;
    expect(states(v, '2026-10-05', '2026-10-11')).toEqual(['clear', 'clear', 'clear', 'clear', 'clear', 'clear', 'fire']);
    expect(v.get('2026-10-11')).toMatchObject({ figures: { basis: 'typical', total: 960 } });
  });

  it('fires when the billing period to date passes the customer\'s threshold', () => {
    const days = hourly('2026-10-01', '2026-10-12', quietHome);
    // 60 gallons a day: 600 by 10-10, 660 by 10-11.
    const v = evaluateRules(input(days, '2026-10-09', '2026-10-12', { settings: settings({ periodThreshold: 630 }) })).high_use_period;
    expect(states(v, '2026-10-09', '2026-10-12')).toEqual(['clear', 'clear', 'fire', 'fire']);
    expect(v.get('2026-10-11')).toMatchObject({ figures: { basis: 'threshold', useToDate: 660, periodStart: '2026-10-01', periodEnd: '2026-10-31' } });
  });
});

describe('bill forecast', () => {
  it('prices use with the tiers, the service charge prorated to the period', () => {
    // Water, 30 days: $28.40 + 8 CCF × $4.12 + 2 CCF × $5.38 = $72.12.
    expect(priceUse('water', 10 * GALLONS_PER_CCF, 30)).toBe(7212);
    // Electricity, 30 days: $12 + 400 × $0.28 + 100 × $0.36 = $160.
    expect(priceUse('electric', 500, 30)).toBe(16000);
    // 15 days: half the service charge and half the tier sizes.
    expect(priceUse('electric', 250, 15)).toBe(600 + 200 * 28 + 50 * 36);
  });

  it('projects use to date at the recent pace to the end of the period', () => {
    const f = forecastPeriod('electric', 300, [30, 30, 30], 10, 30);
    expect(f.projectedUse).toBe(900);
    expect(f.projectedCents).toBe(1200 + 400 * 28 + 500 * 36);
  });

  it('fires when the projected bill passes the customer\'s amount, from day 5 of the period', () => {
    // 20 kWh a day, every quarter hour alike: the 30-day October bill is on course for 620 kWh.
    const days = hourly('2026-10-01', '2026-10-06', () => 20 / 96, electric);
    const v = evaluateRules({ ...input(days, '2026-10-01', '2026-10-06', { settings: { continuousFlowHours: null, dayThreshold: null, periodThreshold: null, billThresholdCents: 15000 } }), meter: electric }).bill_forecast;
    expect(states(v, '2026-10-01', '2026-10-06')).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'fire', 'fire']);
    expect(v.get('2026-10-06')).toMatchObject({ figures: { basis: 'threshold', projectedCents: priceUse('electric', 620, 31), thresholdCents: 15000 } });
  });

  it('uses bill periods from the account\'s bills, and their length after the last one', () => {
    const periodOf = billingPeriods([{ start: '2026-08-15', end: '2026-09-14' }, { start: '2026-09-15', end: '2026-10-14' }]);
    expect(periodOf('2026-09-20')).toEqual({ start: '2026-09-15', end: '2026-10-14' });
    expect(periodOf('2026-10-20')).toEqual({ start: '2026-10-15', end: '2026-11-13' });
    expect(billingPeriods([])('2026-02-10')).toEqual({ start: '2026-02-01', end: '2026-02-28' });
  });
});

describe('episodes', () => {
  const v = (spec: string, from = '2026-10-01'): Verdicts =>
    new Map([...spec].map((c, i) => [addDays(from, i), c === 'F' ? { state: 'fire', figures: { n: i } } : c === '.' ? { state: 'clear' } : { state: 'unknown' }] as const));
  const episode = (e: Partial<StoredEpisode>): StoredEpisode => ({ id: 'a1', status: 'open', closeReason: null, firstDay: '2026-10-01', lastDay: '2026-10-01', figures: {}, lastNoticeDay: '2026-10-01', reminders: 0, remindersStopped: false, ...e });
  const cfg: DetectionConfig = config;

  it('ends a run after two days read without the condition; days not read do not end it', () => {
    expect(runsOf(v('FF.?.F'), '2026-10-01', '2026-10-06', cfg, null).map((r) => [r.firstDay, r.lastDay, r.ended])).toEqual([
      ['2026-10-01', '2026-10-02', true],
      ['2026-10-06', '2026-10-06', false],
    ]);
    expect(runsOf(v('F???F'), '2026-10-01', '2026-10-05', cfg, null)).toHaveLength(1);
    // Leaks end only after four quiet days: a flapper that sticks every few nights is one leak.
    expect(runsOf(v('F...F'), '2026-10-01', '2026-10-05', cfg, null, true)).toHaveLength(1);
  });

  it('re-evaluating the same days changes nothing (the same batch twice)', () => {
    const stored = episode({ firstDay: '2026-10-01', lastDay: '2026-10-03', figures: { n: 2 } });
    expect(reconcile({ types: ['high_use_day'], verdicts: v('FFF'), from: '2026-10-01', to: '2026-10-03', stored: [stored], today: '2026-10-04', config: cfg })).toEqual([]);
  });

  it('opens one alert for a current run, none for a past one found late', () => {
    const opened = reconcile({ types: ['high_use_day'], verdicts: v('..F'), from: '2026-10-01', to: '2026-10-03', stored: [], today: '2026-10-04', config: cfg });
    expect(opened).toEqual([{ op: 'open', type: 'high_use_day', firstDay: '2026-10-03', lastDay: '2026-10-03', figures: { n: 2 }, notice: { kind: 'opened', day: '2026-10-03' } }]);
    expect(reconcile({ types: ['high_use_day'], verdicts: v('F..'), from: '2026-10-01', to: '2026-10-03', stored: [], today: '2026-10-04', config: cfg })).toEqual([]);
    expect(reconcile({ types: ['high_use_day'], verdicts: v('..F'), from: '2026-10-01', to: '2026-10-03', stored: [], today: '2026-11-04', config: cfg })).toEqual([]);
  });

  it('closes an open alert whose cause a corrected read removed, and tells the customer', () => {
    const stored = episode({ firstDay: '2026-10-02', lastDay: '2026-10-02' });
    expect(reconcile({ types: ['continuous_flow', 'intermittent_leak'], verdicts: v('...'), from: '2026-10-01', to: '2026-10-03', stored: [stored], today: '2026-10-04', config: cfg })).toEqual([
      expect.objectContaining({ op: 'update', id: 'a1', status: 'closed', closeReason: 'corrected', notice: { kind: 'closed', day: '2026-10-04' } }),
    ]);
  });

  it('reminds about a leak at most every 3, then 6, 12 and 14 days, and never after the customer answered', () => {
    expect([0, 1, 2, 3, 4].map((n) => reminderGap(cfg, n))).toEqual([3, 6, 12, 14, 14]);
    const leak = (lastNoticeDay: string, reminders: number, remindersStopped = false, to = '2026-10-10') =>
      reconcile({ types: ['continuous_flow', 'intermittent_leak'], verdicts: v('FFFFFFFFFF'), from: '2026-10-01', to, stored: [episode({ firstDay: '2026-09-20', lastDay: '2026-09-30', lastNoticeDay, reminders, remindersStopped })], today: '2026-10-11', config: cfg })[0];
    expect(leak('2026-10-07', 0)?.notice).toEqual({ kind: 'reminder', day: '2026-10-10' });
    expect(leak('2026-10-08', 0)?.notice).toBeNull();
    expect(leak('2026-10-05', 1)?.notice).toBeNull();
    expect(leak('2026-10-04', 1)?.notice).toEqual({ kind: 'reminder', day: '2026-10-10' });
    expect(leak('2026-10-01', 0, true)?.notice).toBeNull();
    // High use is told once: no reminders.
    const high = reconcile({ types: ['high_use_day'], verdicts: v('FFFFFFFFFF'), from: '2026-10-01', to: '2026-10-10', stored: [episode({ firstDay: '2026-09-30', lastDay: '2026-09-30', lastNoticeDay: '2026-09-30' })], today: '2026-10-11', config: cfg });
    expect(high[0]?.notice).toBeNull();
  });

  it('keeps a dismissed alert closed while its run goes on, and reopens a resolved one that starts again', () => {
    const dismissed = episode({ status: 'closed', closeReason: 'dismissed', firstDay: '2026-09-28', lastDay: '2026-09-30' });
    const c1 = reconcile({ types: ['continuous_flow', 'intermittent_leak'], verdicts: v('FF'), from: '2026-10-01', to: '2026-10-02', stored: [dismissed], today: '2026-10-03', config: cfg });
    expect(c1).toEqual([expect.objectContaining({ op: 'update', status: 'closed', closeReason: 'dismissed', lastDay: '2026-10-02', notice: null })]);
    const resolved = episode({ status: 'closed', closeReason: 'resolved', firstDay: '2026-09-28', lastDay: '2026-09-29' });
    const c2 = reconcile({ types: ['continuous_flow', 'intermittent_leak'], verdicts: v('FF'), from: '2026-10-01', to: '2026-10-02', stored: [resolved], today: '2026-10-03', config: cfg });
    expect(c2).toEqual([expect.objectContaining({ op: 'update', status: 'open', closeReason: null, notice: { kind: 'reminder', day: '2026-10-02' } })]);
  });

  it('names every alert family once', () => {
    const empty = { continuous_flow: new Map(), intermittent_leak: new Map(), high_use_day: new Map(), high_use_period: new Map(), bill_forecast: new Map() };
    expect(alertFamilies(empty).flatMap((f) => f.types).sort()).toEqual(['bill_forecast', 'continuous_flow', 'high_use_day', 'high_use_period', 'intermittent_leak']);
  });

  it('records an episode that has already ended only when loading history (a backfill), closed as resolved', () => {
    const past = { types: ['high_use_day' as const], verdicts: v('F..'), from: '2026-10-01', to: '2026-10-03', stored: [], today: '2026-10-04', config: cfg };
    expect(reconcile(past)).toEqual([]);
    expect(reconcile({ ...past, backfill: true })).toEqual([
      { op: 'open', type: 'high_use_day', firstDay: '2026-10-01', lastDay: '2026-10-01', figures: { n: 0 }, notice: { kind: 'opened', day: '2026-10-01' }, closed: { reason: 'resolved', day: '2026-10-01', seenOn: '2026-10-03' } },
    ]);
  });
});

describe('the demo data set', () => {
  const meters = demoMeters(demoAccounts(seededRandom(DEMO_SEED)));
  const injected = demoInjectedEpisodes(meters, DEMO_SEED);

  it('says which episodes it injected, of every kind', () => {
    expect(new Set(injected.map((e) => e.kind))).toEqual(new Set(['continuous_leak', 'intermittent_leak', 'high_use']));
    expect(injected.filter((e) => e.meterId === 'mtr-w-0001').map(({ kind, from, to }) => ({ kind, from, to }))).toEqual([
      { kind: 'intermittent_leak', from: '2026-09-08', to: '2026-09-30' },
      { kind: 'high_use', from: '2026-07-04', to: '2026-07-04' },
    ]);
  });

  it('raises the demo customer\'s injected leak and hose day as one alert each, and nothing else for their water', () => {
    const meter = meters.find((m) => m.id === 'mtr-w-0001')!;
    const days = demoMeterDays(meter, eachDay('2026-05-01', '2026-10-31'), DEMO_SEED).map((d) => ({ day: d.day, vals: d.vals }));
    const from = '2026-06-15';
    const families = alertFamilies(evaluateRules(input(days, from, '2026-10-31')));
    const runs = families.flatMap((f) => runsOf(f.verdicts, from, '2026-10-31', config, null, f.types.includes('intermittent_leak')).map((r) => ({ family: f.types[0], firstDay: r.firstDay, lastDay: r.lastDay })));
    const leaks = runs.filter((r) => r.family === 'continuous_flow');
    expect(leaks).toHaveLength(1);
    expect(leaks[0]!.firstDay >= '2026-09-08' && leaks[0]!.firstDay <= '2026-09-20').toBe(true);
    expect(runs.filter((r) => r.family === 'high_use_day')).toEqual([{ family: 'high_use_day', firstDay: '2026-07-04', lastDay: '2026-07-04' }]);
  });
});
