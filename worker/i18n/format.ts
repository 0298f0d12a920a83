/**
 * Dates, numbers and money as the worker writes them into pages, mail and texts, in the reader's
 * language (the same BCP 47 tags as the site, site/i18n/index.ts). Instants are shown in the
 * utility's time zone, so a reading at 23:30 never lands on the next day.
 */
import { intlTags } from '../../site/i18n';
import { utility } from '../tenants/scope';
import { escapeHtml } from '../http/html';
import type { Locale } from './locale';

function build(locale: Locale, timeZone: string) {
  const tag = intlTags[locale];
  const dateTime = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const longDateTime = new Intl.DateTimeFormat(tag, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' });
  // Calendar dates (YYYY-MM-DD) are days, not instants: formatted at noon UTC so no zone shifts them.
  const day = new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  const number = new Intl.NumberFormat(tag, { maximumFractionDigits: 2 });
  const money = new Intl.NumberFormat(tag, { style: 'currency', currency: 'USD' });
  return {
    locale,
    /** "Nov 27, 2026, 3:04 PM" / "27 nov 2026, 3:04 p.m." */
    dateTime: (at: Date | string) => dateTime.format(new Date(at)),
    /** "Friday, November 27, 2026 at 3:04 PM PST", for mail. */
    longDateTime: (at: Date | string) => longDateTime.format(new Date(at)),
    /** A calendar date (YYYY-MM-DD) in words: "November 27, 2026" / "27 de noviembre de 2026". */
    day: (isoDate: string) => day.format(new Date(`${isoDate.slice(0, 10)}T12:00:00Z`)),
    number: (n: number) => number.format(n),
    money: (dollars: number) => money.format(dollars),
    /** An instant as a `<time>` element for a page. */
    when: (iso: string) => `<time datetime="${escapeHtml(iso)}">${escapeHtml(dateTime.format(new Date(iso)))}</time>`,
  };
}

export type Formats = ReturnType<typeof build>;
const formats = new Map<string, Formats>();

/** The formatters for a language in the utility's time zone (built once per isolate). */
export function formatsFor(locale: Locale): Formats {
  const { timeZone } = utility();
  const key = `${locale} ${timeZone}`;
  let built = formats.get(key);
  if (!built) formats.set(key, (built = build(locale, timeZone)));
  return built;
}
