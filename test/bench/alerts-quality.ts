/**
 * Detection quality on the demo set, computed with the portal's own rule and episode functions
 * (worker/alerts/detection/rules.ts, episodes.ts) over every demo meter's two years of reads, as
 * a day-by-day replay would raise them: a day's verdict depends only on reads up to that day, so
 * one pass gives the same episodes as evaluating each day's batch when it arrives.
 * Used by test/bench/alerts.ts; runnable alone: tsx test/bench/alerts-quality.ts
 */
import './first-tenant';
import { demoAccounts } from '../../db/demo/customers';
import { DEMO_SEED } from '../../db/demo/dataset';
import { DEMO_MOVE } from '../../db/demo/move';
import { seededRandom } from '../../db/demo/random';
import { demoInjectedEpisodes, demoMeterDays, demoMeters, USAGE_FIRST_DAY, USAGE_LAST_DAY, type InjectedEpisode } from '../../db/demo/usage';
import type { AlertType } from '../../db/schema/alerts';
import { defaultDetectionConfig, type DetectionConfig } from '../../worker/alerts/detection/config';
import { runsOf } from '../../worker/alerts/detection/episodes';
import { alertFamilies, billingPeriods, evaluateRules, lookbackDays, type ReadDay } from '../../worker/alerts/detection/rules';
import { alderCreek as utility } from '../../worker/tenants/profiles';
import { addDays, daysBetween, eachDay } from '../../worker/usage/time';

export type RuleSet = { name: string; config: DetectionConfig; types: AlertType[] };

export const ourRules: RuleSet = { name: 'portal rules', config: defaultDetectionConfig, types: ['continuous_flow', 'intermittent_leak', 'high_use_day', 'high_use_period', 'bill_forecast'] };
/** The peers' rule: flow that never stops for 24 hours, nothing else. */
export const continuous24: RuleSet = { name: '24-hours-continuous only', config: { ...defaultDetectionConfig, continuousFlow: { ...defaultDetectionConfig.continuousFlow, defaultHours: 24 } }, types: ['continuous_flow'] };

const leakTypes: AlertType[] = ['continuous_flow', 'intermittent_leak'];
export type SetScore = {
  leaksFound: string;
  continuousFound: string;
  intermittentFound: string;
  alertsPerLeakFound: number | null;
  medianDaysToLeakAlert: number | null;
  highUseFound: string;
  falseAlarmsPer1000MeterMonths: number;
  falseLeakAlarmsPer1000MeterMonths: number;
  falseAlarmsByType: Record<string, number>;
};
type Episode = { meterId: string; type: AlertType; firstDay: string; lastDay: string };

/** Every episode each rule set raises on the demo meters (each holder's days evaluated on their own, as tenure requires). */
export function demoEpisodes(sets: RuleSet[]) {
  const meters = demoMeters(demoAccounts(seededRandom(DEMO_SEED)));
  const calendar = eachDay(USAGE_FIRST_DAY, USAGE_LAST_DAY);
  const found = new Map<string, Episode[]>(sets.map((s) => [s.name, []]));
  let meterDays = 0;
  // Demo bills are calendar months: the same periods detection reads from the bills table.
  const periodOf = billingPeriods([]);
  for (const m of meters) {
    const generated = demoMeterDays(m, calendar, DEMO_SEED);
    const days: ReadDay[] = generated.map((d) => ({ day: d.day, vals: d.vals }));
    const holders = m.newHousehold ? [{ from: USAGE_FIRST_DAY, to: DEMO_MOVE.moveOut }, { from: DEMO_MOVE.moveIn, to: USAGE_LAST_DAY }] : [{ from: USAGE_FIRST_DAY, to: USAGE_LAST_DAY }];
    for (const h of holders) {
      const own = days.filter((d) => d.day >= h.from && d.day <= h.to);
      for (const set of sets) {
        const from = addDays(h.from, lookbackDays(set.config));
        if (from > h.to) continue;
        const verdicts = evaluateRules({ meter: { kind: m.kind, intervalMinutes: m.intervalMinutes, timeZone: utility.timeZone }, days: own, totals: [], from, to: h.to, settings: null, periodOf, config: set.config });
        // The portal's families (one leak, one alert); the peers' rule alone on its own verdicts.
        const families = set.types.length > 1 ? alertFamilies(verdicts) : set.types.map((t) => ({ types: [t], verdicts: verdicts[t] }));
        for (const family of families) {
          for (const run of runsOf(family.verdicts, from, h.to, set.config, null, family.types.includes('intermittent_leak'))) {
            const type = family.types.find((t) => t === run.figures.rule) ?? family.types[0]!;
            found.get(set.name)!.push({ meterId: m.id, type, firstDay: run.firstDay, lastDay: run.lastDay });
          }
        }
        if (set === sets[0]) meterDays += daysBetween(from, h.to) + 1;
      }
    }
  }
  return { meters, found, meterDays };
}

const overlaps = (e: Episode, i: InjectedEpisode, graceDays = 2) => e.firstDay <= addDays(i.to, graceDays) && e.lastDay >= i.from;

export function score(sets: RuleSet[] = [ourRules, continuous24]) {
  const { meters, found, meterDays } = demoEpisodes(sets);
  const injected = demoInjectedEpisodes(meters, DEMO_SEED).filter((i) => i.to >= addDays(USAGE_FIRST_DAY, lookbackDays(defaultDetectionConfig)));
  const injectedMeters = new Set(injected.map((i) => i.meterId));
  const cleanMeterDays = meters.filter((m) => !injectedMeters.has(m.id)).length * (meterDays / meters.length);
  const meterMonths = cleanMeterDays / 30.44;
  const out: Record<string, SetScore> = {};
  for (const set of sets) {
    const episodes = found.get(set.name)!;
    const leaksOf = (kind: InjectedEpisode['kind']) => injected.filter((i) => i.kind === kind);
    const foundBy = (list: InjectedEpisode[], types: AlertType[]) => list.filter((i) => episodes.some((e) => e.meterId === i.meterId && types.includes(e.type) && overlaps(e, i)));
    const leaks = [...leaksOf('continuous_leak'), ...leaksOf('intermittent_leak')];
    const leaksFound = foundBy(leaks, leakTypes);
    const alertsPerLeak = leaksFound.length ? Math.round((leaksFound.reduce((n, i) => n + episodes.filter((e) => e.meterId === i.meterId && leakTypes.includes(e.type) && overlaps(e, i)).length, 0) / leaksFound.length) * 100) / 100 : null;
    const delays = leaksFound.map((i) => daysBetween(i.from, episodes.filter((e) => e.meterId === i.meterId && leakTypes.includes(e.type) && overlaps(e, i)).map((e) => e.firstDay).sort()[0]!));
    const onClean = episodes.filter((e) => !injectedMeters.has(e.meterId));
    const highUse = leaksOf('high_use');
    out[set.name] = {
      leaksFound: `${leaksFound.length} / ${leaks.length}`,
      continuousFound: `${foundBy(leaksOf('continuous_leak'), leakTypes).length} / ${leaksOf('continuous_leak').length}`,
      intermittentFound: `${foundBy(leaksOf('intermittent_leak'), leakTypes).length} / ${leaksOf('intermittent_leak').length}`,
      alertsPerLeakFound: alertsPerLeak,
      medianDaysToLeakAlert: delays.length ? delays.sort((a, b) => a - b)[Math.floor(delays.length / 2)]! : null,
      highUseFound: set.types.includes('high_use_day') ? `${foundBy(highUse, ['high_use_day', 'high_use_period', 'bill_forecast']).length} / ${highUse.length}` : 'n/a',
      falseAlarmsPer1000MeterMonths: Math.round((onClean.length / meterMonths) * 1000 * 10) / 10,
      falseLeakAlarmsPer1000MeterMonths: Math.round((onClean.filter((e) => leakTypes.includes(e.type)).length / meterMonths) * 1000 * 10) / 10,
      falseAlarmsByType: Object.fromEntries(set.types.map((t) => [t, onClean.filter((e) => e.type === t).length])),
    };
  }
  return { meters: meters.length, cleanMeterMonths: Math.round(meterMonths), injected: injected.length, rules: out };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t = performance.now();
  console.log(JSON.stringify(score(), null, 2));
  console.log(`${Math.round(performance.now() - t)} ms`);
}
