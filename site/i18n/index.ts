/**
 * Languages of the public site. English is the default and unprefixed; Spanish pages live under
 * /es/ with the same slugs as their English twins (astro.config.mjs `i18n`).
 */
import { en, type MessageKey, type Messages } from './en';
import { es } from './es';

export const locales = ['en', 'es'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'en';

export const catalogs: Record<Locale, Messages> = { en, es };

/** The locale of a page from `Astro.currentLocale` (undefined or unknown: English). */
export function localeOf(current: string | undefined): Locale {
  return current === 'es' ? 'es' : 'en';
}

/** The chrome's messages in a language: `t('es')('nav.home')`. */
export function t(locale: Locale): (key: MessageKey) => string {
  const messages = catalogs[locale];
  return (key) => messages[key];
}

/** A message with its `{name}` placeholders filled: `fill(t('notice.versionLink'), { version: '3.2' })`. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for {${name}} in "${template}"`);
    return String(values[name]);
  });
}

/** BCP 47 tags for Intl: Spanish as written in the United States (dates, $ amounts). */
export const intlTags: Record<Locale, string> = { en: 'en-US', es: 'es-US' };

/**
 * Dates, numbers and money in the reader's language. Dates in content are calendar dates
 * (midnight UTC), so they are formatted in UTC and never shift a day.
 */
export function formatters(locale: Locale) {
  const tag = intlTags[locale];
  const longDate = new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  const number = new Intl.NumberFormat(tag);
  const money = new Intl.NumberFormat(tag, { style: 'currency', currency: 'USD' });
  const wholeMoney = new Intl.NumberFormat(tag, { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 1 });
  return {
    longDate: (date: Date) => longDate.format(date),
    number: (n: number) => number.format(n),
    /** "$12.00" */
    money: (dollars: number) => money.format(dollars),
    /** "$2,000" (amounts that are never in cents: rebates, limits) */
    wholeMoney: (dollars: number) => wholeMoney.format(dollars),
    percent: (fraction: number) => percent.format(fraction),
  };
}
