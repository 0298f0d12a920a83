/**
 * The rates a bill forecast is priced with, until billing (built on another branch) provides the
 * tariff in force for each account. In plain words, for the alert and the help page:
 *
 *   Water: a service charge of $28.40 a month, then $4.12 for each of the first 8 CCF (hundred
 *   cubic feet, 748 gallons), $5.38 for each of the next 12, and $7.02 for each CCF above 20.
 *   Electricity: a service charge of $12.00 a month, then 28 cents a kWh for the first 400 kWh
 *   and 36 cents a kWh above that. Gas: $6.00 a month and $1.85 a therm.
 *
 * A period that is not 30 days long gets the service charge and the tier sizes in proportion, as
 * utilities prorate a short or long bill. Taxes, surcharges and credits are not included, and the
 * forecast says so.
 *
 * How the forecast is computed (forecastPeriod): use so far in the billing period, plus the
 * average of the last 7 days read (fewer early in the period) for each day still to come, priced
 * with the tiers above. It is a projection of the current pace, not a promise.
 *
 * Later, from billing: take the rate schedule in force for the account on each day of the period
 * (a tariff table with effective dates), and the last bill's fixed line items (service charge,
 * taxes, surcharges, credits such as a low-income discount) instead of the constants here; the
 * forecast then prices projected use with the account's own schedule and adds the recurring line
 * items, so the forecast and the bill agree.
 */
import type { MeterKind } from '../../usage/units';
import { GALLONS_PER_CCF } from '../../usage/units';

export type Tier = { upTo: number | null; centsPerUnit: number };
export type Rate = {
  /** What the rate is called on a bill. */
  name: string;
  serviceChargeCentsPerMonth: number;
  /** Tiers in the kind's base unit (gallons, kWh, therms) per 30-day month. */
  tiers: Tier[];
  /** The rate in words, in each language of the portal's mail and pages. */
  explanation: { en: string; es: string };
};

const ccf = GALLONS_PER_CCF;

export const rates: Record<MeterKind, Rate> = {
  water: {
    name: 'Residential water (tiered)',
    serviceChargeCentsPerMonth: 2840,
    tiers: [
      { upTo: 8 * ccf, centsPerUnit: 412 / ccf },
      { upTo: 20 * ccf, centsPerUnit: 538 / ccf },
      { upTo: null, centsPerUnit: 702 / ccf },
    ],
    explanation: {
      en: 'a service charge of $28.40 a month, then $4.12 for each of the first 8 CCF (748 gallons each), $5.38 for each of the next 12, and $7.02 for each CCF above 20',
      es: 'un cargo fijo de $28.40 al mes, más $4.12 por cada uno de los primeros 8 CCF (748 galones cada uno), $5.38 por cada uno de los 12 siguientes y $7.02 por cada CCF por encima de 20',
    },
  },
  electric: {
    name: 'Residential electricity (two tiers)',
    serviceChargeCentsPerMonth: 1200,
    tiers: [
      { upTo: 400, centsPerUnit: 28 },
      { upTo: null, centsPerUnit: 36 },
    ],
    explanation: {
      en: 'a service charge of $12.00 a month, then 28 cents a kWh for the first 400 kWh and 36 cents a kWh above that',
      es: 'un cargo fijo de $12.00 al mes, más 28 centavos por kWh en los primeros 400 kWh y 36 centavos por kWh a partir de ahí',
    },
  },
  gas: {
    name: 'Residential gas',
    serviceChargeCentsPerMonth: 600,
    tiers: [{ upTo: null, centsPerUnit: 185 }],
    explanation: { en: 'a service charge of $6.00 a month and $1.85 a therm', es: 'un cargo fijo de $6.00 al mes y $1.85 por termia' },
  },
};

/** The charge, in whole cents, for `use` (base unit) over a period of `days` days. */
export function priceUse(kind: MeterKind, use: number, days: number): number {
  const rate = rates[kind];
  const scale = days / 30;
  let cents = rate.serviceChargeCentsPerMonth * scale;
  let below = 0;
  for (const tier of rate.tiers) {
    const top = tier.upTo === null ? Infinity : tier.upTo * scale;
    const inTier = Math.max(0, Math.min(use, top) - below);
    cents += inTier * tier.centsPerUnit;
    below = top;
    if (use <= top) break;
  }
  return Math.round(cents);
}

export type Forecast = { useToDate: number; projectedUse: number; projectedCents: number; periodDays: number; daysRead: number };

/**
 * The bill for a period, projected: `toDate` (use so far), the pace of `recentDaily` (daily totals
 * of the last days read), `remainingDays` still to come.
 */
export function forecastPeriod(kind: MeterKind, toDate: number, recentDaily: number[], elapsedDays: number, periodDays: number): Forecast {
  const pace = recentDaily.length ? recentDaily.reduce((a, b) => a + b, 0) / recentDaily.length : 0;
  const remaining = Math.max(0, periodDays - elapsedDays);
  const projectedUse = toDate + pace * remaining;
  return { useToDate: toDate, projectedUse, projectedCents: priceUse(kind, projectedUse, periodDays), periodDays, daysRead: elapsedDays };
}
