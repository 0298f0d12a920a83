/** How the alert pages write a local day, in the page's language. */
import { intlTags } from '../../../site/i18n';
import type { Locale } from '../../i18n/locale';

const dayFormats: Partial<Record<Locale, Intl.DateTimeFormat>> = {};

/** "2026-10-02" → "October 2, 2026" / "2 de octubre de 2026": a utility-local day, so formatted as a date with no zone shift. */
export const longDay = (day: string, locale: Locale = 'en') => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return day;
  const format = (dayFormats[locale] ??= new Intl.DateTimeFormat(intlTags[locale], { dateStyle: 'long', timeZone: 'UTC' }));
  return format.format(new Date(`${day}T00:00:00Z`));
};
