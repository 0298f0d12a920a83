/**
 * What the utility sets for alert detection: the defaults every customer starts from, and the
 * numbers that decide how sensitive each rule is. One entry per utility (tenant); a change is a
 * deploy, reviewed like code. A customer's own settings (alert_settings) may only make the
 * continuous-flow rule stricter (fewer hours), and add thresholds of their own.
 *
 * Why these numbers (measured on the demo set by `npm run bench`, test/bench/alerts.ts):
 * - continuous flow 24 hours: a household using water every waking hour still has a quiet hour at
 *   night, so 24 hours of flow that never stops is a leak, not a busy day; customers who want an
 *   earlier warning may go down to 6 hours (below that, an ordinary morning is "continuous").
 * - intermittent leak, 3 of the last 7 nights between 1 and 5 a.m.: a toilet flapper that sticks
 *   some nights, or a valve that weeps after irrigation, keeps night flow above the home's own
 *   quiet-night level without ever running 24 hours straight; one late night (a guest, a baby)
 *   is one night, not three. The baseline is the 10th-percentile night of the 4 weeks before: a
 *   leak that runs on most nights for a month must not become the home's "normal".
 * - high use "well above typical": 1.6 times the home's 90th-percentile day of the last 4 weeks,
 *   and at least a floor above it, so watering days and weekends (already in the 90th percentile)
 *   are typical, and a small household's quiet baseline does not alarm on a load of laundry.
 */
import type { MeterKind } from '../../usage/units';

export type DetectionConfig = {
  continuousFlow: {
    /** The utility's default N: alert after this many hours in which no interval read zero. */
    defaultHours: number;
    /** The lowest N a customer may choose. */
    minHours: number;
    /**
     * Missing intervals are not zero (the water may have run) and not flow (it may have stopped):
     * a run carries across a gap of up to this many hours without counting it, and ends at a longer one.
     */
    maxGapHours: number;
  };
  intermittent: {
    /** The night window, local wall-clock hours [from, to). */
    nightFromHour: number;
    nightToHour: number;
    /** Alert when at least k of the last m nights were above the baseline. */
    k: number;
    m: number;
    /** The baseline: this quantile of the night minima of this many nights before the last m. */
    baselineNights: number;
    baselineQuantile: number;
    /** Fewer known baseline nights than this (a new meter, a new occupant): the rule waits. */
    minBaselineNights: number;
    /** A night is above the baseline by at least this much flow (base unit per hour) and this share of the baseline. */
    marginPerHour: number;
    marginShare: number;
    /** A night counts only when at least this share of its hours was read. */
    minKnownShare: number;
  };
  highUse: {
    /** "Typical": the 90th-percentile day of this many days before the day. */
    typicalDays: number;
    minTypicalDays: number;
    factor: number;
    /** Base unit per day that a day must exceed the typical by, at least. */
    floor: Record<MeterKind, number>;
    /** Period to date: judged from this many days into the period. */
    minPeriodDays: number;
    periodFactor: number;
  };
  billForecast: {
    /** Forecast only from this many days into the period (earlier, one day swings it too much). */
    minPeriodDays: number;
    /** Energy only: a projected bill this many times the typical period's cost, and at least the floor above it. */
    typicalFactor: number;
    typicalFloorCents: number;
  };
  episodes: {
    /** An episode ends after this many days with reads in which the condition did not hold (days without reads do not count). */
    endAfterClearDays: number;
    /**
     * The same for leaks: a flapper that sticks every few nights is one leak until the nights stay
     * quiet for this long, and "looks fixed" is not said after one quiet weekend.
     */
    leakEndAfterClearDays: number;
    /** A run whose latest reads are older than this many days (a late backfill) raises no new alert. */
    staleAfterDays: number;
    /** Late and corrected reads re-evaluate alerts back this many days from the latest read, no further. */
    maxReevaluateDays: number;
  };
  reminders: {
    /** Leak alerts only: the first reminder this many days after the alert, each next one twice as long after, up to the cap. */
    firstAfterDays: number;
    maxEveryDays: number;
  };
};

export const defaultDetectionConfig: DetectionConfig = {
  continuousFlow: { defaultHours: 24, minHours: 6, maxGapHours: 3 },
  intermittent: { nightFromHour: 1, nightToHour: 5, k: 3, m: 7, baselineNights: 28, baselineQuantile: 0.1, minBaselineNights: 10, marginPerHour: 0.5, marginShare: 0.5, minKnownShare: 0.75 },
  highUse: { typicalDays: 28, minTypicalDays: 14, factor: 1.6, floor: { water: 150, electric: 15, gas: 3 }, minPeriodDays: 7, periodFactor: 1.5 },
  billForecast: { minPeriodDays: 5, typicalFactor: 1.3, typicalFloorCents: 1500 },
  episodes: { endAfterClearDays: 2, leakEndAfterClearDays: 4, staleAfterDays: 7, maxReevaluateDays: 45 },
  reminders: { firstAfterDays: 3, maxEveryDays: 14 },
};

/** Per utility; a utility without an entry uses the defaults above. */
const byUtility: Record<string, Partial<DetectionConfig>> = {};

export function detectionConfig(utilityId: string): DetectionConfig {
  return { ...defaultDetectionConfig, ...byUtility[utilityId] };
}

/** The hours a customer may choose for continuous flow (for the settings form): from the floor to the utility's default. */
export function continuousFlowHoursRange(utilityId: string) {
  const c = detectionConfig(utilityId).continuousFlow;
  return { min: c.minHours, max: c.defaultHours, default: c.defaultHours };
}

/** The N in force: the customer's choice when it is stricter than the utility's default, never looser, never below the floor. */
export function continuousFlowHours(config: DetectionConfig, customerHours: number | null | undefined) {
  const c = config.continuousFlow;
  if (customerHours == null) return c.defaultHours;
  return Math.max(c.minHours, Math.min(c.defaultHours, customerHours));
}
