/**
 * How billing figures read on the customer's pages, in the page's language (dollars either way):
 * `billingFormatsFor(locale)`; the plain exports are the English ones.
 */
import { intlTags } from '../../site/i18n';
import type { Locale } from '../i18n/locale';

/** Days are utility-local calendar dates: formatted as dates, never shifted through a time zone. */
const asDate = (day: string) => new Date(`${day}T00:00:00Z`);

const words: Record<Locale, Record<string, { one: string; many: string }>> = {
  en: {
    gal: { one: 'gallon', many: 'gallons' },
    ccf: { one: 'CCF', many: 'CCF' },
    m3: { one: 'cubic metre', many: 'cubic metres' },
    kWh: { one: 'kWh', many: 'kWh' },
    therm: { one: 'therm', many: 'therms' },
    day: { one: 'day', many: 'days' },
    month: { one: 'month', many: 'months' },
  },
  es: {
    gal: { one: 'galón', many: 'galones' },
    ccf: { one: 'CCF', many: 'CCF' },
    m3: { one: 'metro cúbico', many: 'metros cúbicos' },
    kWh: { one: 'kWh', many: 'kWh' },
    therm: { one: 'termia', many: 'termias' },
    day: { one: 'día', many: 'días' },
    month: { one: 'mes', many: 'meses' },
  },
};

/** Gallons and kWh read as whole numbers; CCF and therms to two places. */
const wholeUnits = new Set(['gal', 'kWh', 'day', 'month']);

function build(locale: Locale) {
  const tag = intlTags[locale];
  const dollars = new Intl.NumberFormat(tag, { style: 'currency', currency: 'USD' });
  const rate = new Intl.NumberFormat(tag, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 5 });
  const number = new Intl.NumberFormat(tag, { maximumFractionDigits: 2 });
  const whole = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 2 });
  const change = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' });
  const longDay = new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  const shortDay = new Intl.DateTimeFormat(tag, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const monthYear = new Intl.DateTimeFormat(tag, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const quantity = (value: number) => number.format(value);
  const longDate = (day: string) => longDay.format(asDate(day));
  return {
    /** "$1,234.56"; a negative amount "-$12.00" (the page says "credit" in words where it matters). */
    money: (cents: number) => dollars.format(cents / 100),
    /** A rate as the schedule states it: "$0.31245", "$4.12". */
    unitPrice: (value: number) => rate.format(value),
    quantity,
    /** A rate in percent: 5 → "5%", 7.25 → "7.25%". */
    percent: (value: number) => percent.format(value / 100),
    /** A change in whole percent, signed: 12 → "+12%", -3 → "-3%", 0 → "0%". */
    change: (value: number) => change.format(value / 100),
    longDate,
    monthOf: (day: string) => monthYear.format(asDate(day)),
    /** "Sep 1 – Sep 30, 2026" / "1 sept – 30 sept, 2026"; across years "Dec 15, 2025 – Jan 14, 2026". */
    period(start: string, end: string) {
      if (start.slice(0, 4) === end.slice(0, 4)) return `${shortDay.format(asDate(start))} – ${shortDay.format(asDate(end))}, ${end.slice(0, 4)}`;
      return `${longDate(start)} – ${longDate(end)}`;
    },
    unitWords: words[locale],
    /** "8 CCF", "1 gallon", "4,638 gallons" / "4,638 galones". */
    amountOf(value: number, unit: string) {
      const w = words[locale][unit] ?? { one: unit, many: unit };
      const shown = wholeUnits.has(unit) ? whole.format(value) : quantity(value);
      return `${shown} ${shown === '1' ? w.one : w.many}`;
    },
  };
}

export type BillingFormats = ReturnType<typeof build>;
const built: Partial<Record<Locale, BillingFormats>> = {};

/** Billing's formatters for a language (built once per isolate). */
export function billingFormatsFor(locale: Locale): BillingFormats {
  return (built[locale] ??= build(locale));
}

export const { money, unitPrice, quantity, longDate, monthOf, period, unitWords, amountOf } = billingFormatsFor('en');

/** "312 KB", "1.4 MB". */
export function fileSize(bytes: number) {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
