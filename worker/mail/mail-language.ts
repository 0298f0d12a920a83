/**
 * What the account mails in one language share: the signature, and where their links lead. A
 * Spanish mail links to the Spanish page when the site has one (the pages below; a test checks each
 * against the site's /i18n/twins.json), else to the English page.
 */
import type { Locale } from '../i18n/locale';
import { utility } from '../tenants/scope';
import type { OutgoingEmail } from './outbox';

/** English pages whose Spanish twins the account mails link to. */
export const SPANISH_MAIL_PAGES: ReadonlySet<string> = new Set([
  '/login/',
  '/register/verify/',
  '/password/forgot/',
  '/password/reset/',
  '/account/email/confirm/',
  '/account/end-session/',
  '/account/security/',
  '/alerts/confirm/',
  '/account/sharing/accept/',
  '/account/alerts/',
  '/help/leaks-and-alerts/',
  '/account/preferences/',
  '/unsubscribe/',
  '/account/security/totp/',
  '/account/security/recovery-codes/',
  '/account/programs/application/',
  '/account/pay/',
  '/account/bills/',
]);

/** `path` (an English page, maybe with a fragment) as a mail in `locale` links to it. */
export function mailPage(locale: Locale, path: string): string {
  if (locale === 'en') return path;
  const page = path.replace(/[?#].*$/, '');
  return SPANISH_MAIL_PAGES.has(page) ? `/es${path}` : path;
}

/** The closing lines of an account mail: who wrote, and how to reach them. */
export function signature(locale: Locale): string {
  return `\n\n${utility().name}\n${utility().phoneDisplay} · ${(locale === 'es' ? utility().es.hours : utility().hours)}\n`;
}

/** A mail's subject and text in each language, each built only when it is the one sent. */
export type MailWords = Record<Locale, () => { subject: string; text: string }>;

/** The mail in the recipient's language. */
export function mailIn(to: string, kind: string, locale: Locale, words: MailWords): OutgoingEmail {
  return { to, kind, ...words[locale]() };
}
